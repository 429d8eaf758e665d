/**
 * The CONNECT tunnel on its own: kept alive, with the proxy's credentials, refused, and abandoned by one
 * request while another goes through on the same agent, each by its own state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { type IncomingMessage } from 'node:http'
import { type RequestOptions, type Server, createServer, request } from 'node:https'
import { TunnelingAgent, connectTarget } from '../src/net/proxy-tunnel.js'
import { REQUEST_STATE, type RequestState } from '../src/net/request-state.js'
import { type Certificate, selfSignedCertificate } from './helpers/certificate.js'
import { type ConnectProxy, startConnectProxy } from './helpers/connect-proxy.js'

const HOST = 'codecatalyst.test'
let certificate: Certificate
let server: Server
let serverPort: number
const proxies: ConnectProxy[] = []

beforeAll(async () => {
  certificate = selfSignedCertificate(HOST)
  server = createServer(certificate, (req, res) => res.end(`hello ${req.url}`))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  serverPort = (server.address() as { port: number }).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
  certificate.remove()
})
afterEach(async () => {
  while (proxies.length) await proxies.pop()!.close()
})

async function proxy(options: Parameters<typeof startConnectProxy>[1] = {}) {
  const started = await startConnectProxy({ [`${HOST}:443`]: serverPort }, options)
  proxies.push(started)
  return started
}

function newState(signal = new AbortController().signal): RequestState {
  return { signal, reused: false, unanswered: false }
}

/** GET https://<host>/<path> through the agent, as node:http sends it, with the request's own state. */
function get(agent: TunnelingAgent, path: string, state = newState(), host = HOST) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const options = { host, port: 443, path, agent, ca: certificate.cert, signal: state.signal }
    const withState: RequestOptions = Object.assign(options, { [REQUEST_STATE]: state })
    const req = request(withState, (res: IncomingMessage) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('TunnelingAgent', () => {
  it('keeps its tunnel alive: two requests in a row, one CONNECT', async () => {
    const { url, connects } = await proxy()
    const agent = new TunnelingAgent(new URL(url))
    expect(await get(agent, '/one')).toEqual({ status: 200, body: 'hello /one' })
    expect(await get(agent, '/two')).toEqual({ status: 200, body: 'hello /two' })
    expect(connects).toEqual([`${HOST}:443`])
    agent.destroy()
  })

  it('opens a tunnel per request when it keeps none', async () => {
    const { url, connects } = await proxy()
    const agent = new TunnelingAgent(new URL(url), false)
    await get(agent, '/one')
    await get(agent, '/two')
    expect(connects).toHaveLength(2)
  })

  it("sends the proxy URL's credentials, percent-decoded, and names a refusal EPROXYREFUSED", async () => {
    const { url } = await proxy({ credentials: 'builder:p@ss word' })
    const withCredentials = new URL(url)
    withCredentials.username = 'builder'
    withCredentials.password = 'p%40ss%20word'
    expect((await get(new TunnelingAgent(withCredentials, false), '/in')).status).toBe(200)
    await expect(get(new TunnelingAgent(new URL(url), false), '/out')).rejects.toMatchObject({
      code: 'EPROXYREFUSED',
      message: expect.stringMatching(/CONNECT codecatalyst\.test:443 answered statusCode=407/)
    })
  })

  it('one request gives up on an unanswered CONNECT while another goes through: each by its own state', async () => {
    const held = 'held.test:443'
    const started = await proxy({ hold: [held] })
    const agent = new TunnelingAgent(new URL(started.url), false)
    const givenUp = newState(AbortSignal.timeout(300))
    const through = newState()
    const [abandoned, answered] = await Promise.allSettled([
      get(agent, '/held', givenUp, 'held.test'),
      get(agent, '/through', through)
    ])
    expect(abandoned.status).toBe('rejected')
    expect(answered).toEqual({
      status: 'fulfilled',
      value: { status: 200, body: 'hello /through' }
    })
    expect(givenUp.unanswered).toBe(true)
    expect(through.unanswered).toBe(false)
    // The abandoned CONNECT was ended too, not left waiting at the proxy.
    for (let i = 0; i < 50 && started.abandoned() === 0; i++)
      await new Promise(r => setTimeout(r, 20))
    expect(started.abandoned()).toBe(1)
  })
})

describe('connectTarget', () => {
  it('brackets an IPv6 literal and defaults the port to 443', () => {
    expect(connectTarget({ host: '::1', port: 8443 })).toBe('[::1]:8443')
    expect(connectTarget({ host: 'example.com' })).toBe('example.com:443')
  })
})
