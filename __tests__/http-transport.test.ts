/**
 * The transport on its own, against a loopback server: what reaches the server, each request with its own
 * signal and timeout, redirects returned, oversized bodies refused, and one kept-alive connection.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http'
import { type HttpRequest, createHttpTransport } from '../src/net/http-transport.js'

let server: Server
let base: string
const seen: { url: string; headers: IncomingHttpHeaders; body: string; socket: number }[] = []
const sockets = new Map<object, number>()

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size + 1)
      seen.push({
        url: req.url ?? '',
        headers: req.headers,
        body,
        socket: sockets.get(req.socket)!
      })
      if (req.url === '/hang') return
      if (req.url === '/moved') {
        res.writeHead(302, { location: 'http://elsewhere.test/' })
        return res.end()
      }
      if (req.url === '/large') return res.end('x'.repeat(2048))
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ url: req.url, body }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

function call(path: string, more: Partial<HttpRequest> = {}): HttpRequest {
  return {
    operation: 'Probe',
    method: 'POST',
    url: `${base}${path}`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer probe' },
    body: `{"path":"${path}"}`,
    timeoutMs: 5000,
    ...more
  }
}

describe('createHttpTransport', () => {
  it("sends the request's headers and body, and nothing of its own state", async () => {
    const transport = createHttpTransport('probe/1.0', 1024)
    const response = await transport(call('/a'))
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ url: '/a', body: '{"path":"/a"}' })
    const { headers } = seen.at(-1)!
    expect(headers).toMatchObject({ authorization: 'Bearer probe', 'user-agent': 'probe/1.0' })
    expect(
      Object.keys(headers).filter(name => name.includes('ticket') || name.includes('state'))
    ).toEqual([])
  })

  it('answers requests made at once each with its own response, on one kept-alive connection', async () => {
    const transport = createHttpTransport('probe/1.0', 1024)
    const before = seen.length
    const paths = ['/p1', '/p2', '/p3', '/p4']
    const bodies = await Promise.all(paths.map(path => transport(call(path))))
    expect(bodies.map(response => (JSON.parse(response.body) as { url: string }).url)).toEqual(
      paths
    )
    expect(new Set(seen.slice(before).map(request => request.socket)).size).toBe(1)
  })

  it('a cancelled request and a timed-out one fail alone; the next request goes through', async () => {
    const transport = createHttpTransport('probe/1.0', 1024)
    const cancel = new AbortController()
    const cancelled = transport(call('/hang', { signal: cancel.signal }))
    const timedOut = transport(call('/hang', { timeoutMs: 200 }))
    const next = transport(call('/after'))
    setTimeout(() => cancel.abort(), 100)
    await expect(cancelled).rejects.toMatchObject({ code: 'ECANCELED' })
    await expect(timedOut).rejects.toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringContaining('no complete response within 0.2 s')
    })
    expect((await next).status).toBe(200)
    const aborted = new AbortController()
    aborted.abort()
    await expect(transport(call('/never', { signal: aborted.signal }))).rejects.toMatchObject({
      code: 'ENOTSENT'
    })
    expect(seen.some(request => request.url === '/never')).toBe(false)
  })

  it('returns a redirect instead of following it, and refuses a body over the limit', async () => {
    const transport = createHttpTransport('probe/1.0', 1024)
    const moved = await transport(call('/moved', { method: 'GET', body: undefined }))
    expect(moved).toMatchObject({ status: 302, headers: { location: 'http://elsewhere.test/' } })
    await expect(
      transport(call('/large', { method: 'GET', body: undefined }))
    ).rejects.toMatchObject({ code: 'ERESPONSETOOLARGE' })
  })

  it('sends a fresh request on a connection of its own', async () => {
    const transport = createHttpTransport('probe/1.0', 1024)
    await transport(call('/kept'))
    const kept = seen.at(-1)!.socket
    await transport(call('/fresh', { fresh: true }))
    expect(seen.at(-1)!.socket).not.toBe(kept)
    await transport(call('/kept-again'))
    expect(seen.at(-1)!.socket).toBe(kept)
  })
})
