/**
 * End to end on dist/index.js: proxies that never answer, deadlines that renewals and re-sends must keep, the
 * last status check, which answers lead to a renewal, single-use CreateToken, AWS_MAX_ATTEMPTS, Retry-After
 * and a cancel in a backoff (issue 16).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { type Server, type Socket, createServer } from 'node:net'
import type { CodeCatalystStandIn, StandInOptions } from '../stand-in/server.js'
import { type ActionResult, GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { expectSuccess, inOrder } from './helpers/expectations.js'
import { type ConnectProxy, startConnectProxy } from './helpers/connect-proxy.js'
import { signalWhen } from './helpers/signal.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

/** What the tests started; they run side by side, each with its own stand-ins, all closed at the end. */
const cleanups: (() => Promise<unknown>)[] = []
afterAll(async () => {
  await Promise.all(cleanups.map(cleanup => cleanup()))
})

async function serve(options: Partial<StandInOptions> = {}): Promise<CodeCatalystStandIn> {
  const standIn = await startStandIn(options)
  cleanups.push(() => standIn.close())
  return standIn
}

/** A TCP server that accepts connections and never sends a byte: a proxy (or a host) that hangs. */
async function blackHole(): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer(socket => {
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => server.close(resolve))
  })
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => sockets.size
  }
}

async function proxy(routes: Record<string, number> = {}): Promise<ConnectProxy> {
  const started = await startConnectProxy(routes)
  cleanups.push(() => started.close())
  return started
}

function run(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  onSpawn?: Parameters<typeof runAction>[0]['onSpawn']
): Promise<ActionResult & { seconds: number }> {
  const started = Date.now()
  return runAction({
    inputs: { space: DEMO.space, project: DEMO.project, 'workflow-id': DEMO.workflowId, ...inputs },
    env: { ...GITHUB_CONTEXT, ...env },
    onSpawn
  }).then(result => ({ ...result, seconds: (Date.now() - started) / 1000 }))
}

/** A session whose access token has expired, renewed through `standIn`. */
const ssoInputs = (standIn: CodeCatalystStandIn, validForSeconds = -60) => ({
  'sso-session': JSON.stringify(
    standIn.ssoSession({ accessTokenValidForSeconds: validForSeconds })
  ),
  endpoint: standIn.url
})

const HOSTED = 'https://codecatalyst.test'

describe('a proxy that never answers', () => {
  it.concurrent.each([
    ['an http:// proxy that never answers CONNECT', 'http'],
    ['an https:// proxy that never completes its TLS handshake', 'https']
  ])(
    '%s: each attempt ends after request-timeout-seconds, is retried, and the step says so',
    async (_, scheme) => {
      const hole = await blackHole()
      const result = await run(
        {
          token: DEMO.token,
          endpoint: HOSTED,
          'request-timeout-seconds': '1',
          'max-attempts': '2'
        },
        { HTTPS_PROXY: `${scheme}://127.0.0.1:${hole.port}` }
      )
      expect(result.code).toBe(1)
      expect(result.seconds).toBeLessThan(8)
      expect(result.stdout).toMatch(
        /StartWorkflowRun: the proxy http\S*:\/\/127\.0\.0\.1:\d+\/? did not answer within 1 s; check HTTPS_PROXY and NO_PROXY; retrying/
      )
      expect(errorAnnotation(result.stdout)).toMatch(
        /^StartWorkflowRun failed \(gave up after 2 attempts\): the proxy \S+ did not answer within 1 s/
      )
    }
  )

  it.concurrent(
    'a tunnel that opens but never completes the TLS handshake ends after request-timeout-seconds',
    async () => {
      const hole = await blackHole()
      const tunnel = await proxy({ 'codecatalyst.test:443': hole.port })
      const result = await run(
        {
          token: DEMO.token,
          endpoint: HOSTED,
          'request-timeout-seconds': '1',
          'max-attempts': '2'
        },
        { HTTPS_PROXY: tunnel.url }
      )
      expect(result.code).toBe(1)
      expect(result.seconds).toBeLessThan(8)
      expect(tunnel.connects.length).toBeGreaterThanOrEqual(2)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^StartWorkflowRun failed \(gave up after 2 attempts\): no complete response within 1 s/
      )
    }
  )

  it.concurrent('a cancel ends the step within a moment while the proxy says nothing', async () => {
    const hole = await blackHole()
    const cancel = signalWhen(() => hole.connections() > 0)
    const result = await run(
      { token: DEMO.token, endpoint: HOSTED, 'request-timeout-seconds': '120' },
      { HTTPS_PROXY: `http://127.0.0.1:${hole.port}` },
      cancel.onSpawn
    )
    expect(cancel.signalledAt()).toBeGreaterThan(0)
    expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(2)
    expect(result.code).toBe(1)
    // The first request, the read of the workflow, was waiting for the proxy.
    expect(errorAnnotation(result.stdout)).toBe(
      'The job was cancelled while GetWorkflow was in flight, before any run was started.'
    )
  })

  it.concurrent('asks the proxy for an IPv6 literal in brackets', async () => {
    const refusing = await proxy()
    const result = await run(
      { token: DEMO.token, endpoint: 'https://[2001:db8::1]:443', 'max-attempts': '1' },
      { HTTPS_PROXY: refusing.url }
    )
    expect(result.code).toBe(1)
    // The read of the workflow, then the start: each asks for the bracketed literal.
    expect(refusing.connects).toEqual(['[2001:db8::1]:443', '[2001:db8::1]:443'])
  })
})

describe('deadlines', () => {
  it.concurrent(
    "finishes a renewal whose CreateToken hangs after the wait's deadline, then ends as the deadline says",
    async () => {
      // 2-second tokens: the first renewal comes before the start, the next one about 1.5 s into the wait.
      const standIn = await serve({ sso: { accessTokenLifetimeSeconds: 2 }, statusMs: 10_000 })
      standIn.failNext('CreateToken', 'none', 'hang')
      const result = await run(
        {
          ...ssoInputs(standIn),
          wait: 'true',
          'wait-timeout-seconds': '3',
          'request-timeout-seconds': '3',
          'poll-interval-seconds': '1'
        },
        { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url }
      )
      expect(result.code).toBe(1)
      // Once sent, CreateToken holds a spent refresh token: its attempt runs for its own timeout, past the
      // wait's deadline, and is retried with the same (unspent: the hang came before the renewal) refresh token.
      const [, hung, retried] = standIn
        .requestsFor('CreateToken')
        .map(r => JSON.parse(r.body) as object)
      expect(retried).toEqual(hung)
      expect(result.seconds).toBeGreaterThan(4)
      expect(result.seconds).toBeLessThan(9)
      expect(errorAnnotation(result.stdout)).toMatch(/^Timed out after 3s \(wait-timeout-seconds\)/)
    }
  )

  it.concurrent(
    'a re-send after a stale kept-alive connection shares the request timeout',
    async () => {
      const standIn = await serve()
      // The read opens the connection; the start meets it closed after 1.5 s with no answer, then a hang.
      standIn.failNext('StartWorkflowRun', { resetAfterMs: 1500 }, 'hang')
      const result = await run({
        token: DEMO.token,
        endpoint: standIn.url,
        'request-timeout-seconds': '2',
        'max-attempts': '1'
      })
      const ended = Date.now()
      expect(result.code).toBe(1)
      const starts = standIn.requestsFor('StartWorkflowRun')
      expect(starts).toHaveLength(2)
      expect(starts[1]!.connection).not.toBe(starts[0]!.connection)
      // One timeout of 2 s for both sends, from the first send to the step's end (the process's start-up aside);
      // with a new timer for the re-send, it took 3.5 s.
      expect((ended - starts[0]!.at) / 1000).toBeLessThan(2.9)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^StartWorkflowRun failed: no complete response within 2 s/
      )
    }
  )

  it.concurrent(
    'looks one last time at the deadline, and sees a run that finished in the last interval',
    async () => {
      const standIn = await serve({
        workflows: [
          {
            id: DEMO.workflowId,
            name: DEMO.workflowName,
            space: DEMO.space,
            project: DEMO.project,
            runStatuses: [{ status: 'IN_PROGRESS', ms: 4500 }, 'SUCCEEDED']
          }
        ]
      })
      // Polls at 0 and 4 s; the next would be at 8 s, after the 7 s deadline: a last check comes at 6 s.
      const result = await run({
        token: DEMO.token,
        endpoint: standIn.url,
        wait: 'true',
        'poll-interval-seconds': '4',
        'wait-timeout-seconds': '7'
      })
      expect(errorAnnotation(result.stdout)).toBeUndefined()
      expectSuccess(result)
      expect(result.outputs.status).toBe('SUCCEEDED')
      expect(standIn.requestsFor('GetWorkflowRun')).toHaveLength(3)
    }
  )
})

describe('renewals', () => {
  it.concurrent(
    "CreateToken's own 401 is not taken for CodeCatalyst's: one CreateToken, and its message",
    async () => {
      const standIn = await serve()
      const session = {
        ...standIn.ssoSession({ accessTokenValidForSeconds: -60 }),
        clientSecret: 'wrong'
      }
      const result = await run(
        { 'sso-session': JSON.stringify(session), endpoint: standIn.url },
        { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url }
      )
      expect(result.code).toBe(1)
      expect(standIn.requestsFor('CreateToken')).toHaveLength(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^CreateToken failed: InvalidClientException \(HTTP 401\)/
      )
    }
  )

  it.concurrent(
    'sends CreateToken on a connection of its own, never on a kept-alive one',
    async () => {
      const standIn = await serve({ sso: { accessTokenLifetimeSeconds: 2 }, statusMs: 1500 })
      const result = await run(
        { ...ssoInputs(standIn), wait: 'true', 'poll-interval-seconds': '1' },
        { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url }
      )
      expectSuccess(result)
      const renewals = standIn.requestsFor('CreateToken')
      expect(renewals.length).toBeGreaterThanOrEqual(2)
      const others = standIn.requests.filter(r => r.operation !== 'CreateToken')
      const used = new Set(others.map(r => r.connection))
      for (const renewal of renewals) expect(used.has(renewal.connection)).toBe(false)
      expect(new Set(renewals.map(r => r.connection)).size).toBe(renewals.length)
    }
  )

  it.concurrent(
    'after an attempt that may have renewed before its answer was lost, a refused refresh token says so',
    async () => {
      const standIn = await serve()
      standIn.failNext('CreateToken', 'commit-then-500')
      const result = await run(ssoInputs(standIn), { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url })
      expect(result.code).toBe(1)
      expect(standIn.requestsFor('CreateToken')).toHaveLength(2)
      expect(errorAnnotation(result.stdout)).toMatch(
        inOrder(
          /^CreateToken failed \(gave up after 2 attempts\): InvalidGrantException \(HTTP 400\)/,
          'earlier attempt',
          'spent this refresh token',
          'log in again'
        )
      )
    }
  )

  const FORBIDDEN = {
    status: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    body: '{"message":"Forbidden"}'
  }

  it.concurrent(
    'with an SSO session, a bare 403 gets one renewal and one repeat of the start, with its clientToken',
    async () => {
      const standIn = await serve()
      standIn.failNext('StartWorkflowRun', FORBIDDEN)
      const result = await run(ssoInputs(standIn, 3600), { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url })
      expect(errorAnnotation(result.stdout)).toBeUndefined()
      expectSuccess(result)
      expect(standIn.requestsFor('CreateToken')).toHaveLength(1)
      const starts = standIn.requestsFor('StartWorkflowRun')
      expect(starts).toHaveLength(2)
      expect(starts[1]!.body).toBe(starts[0]!.body)
      expect(starts[1]!.headers.authorization).not.toBe(starts[0]!.headers.authorization)
      expect(standIn.runs.size).toBe(1)
    }
  )

  it.concurrent(
    'a 403 that survives the renewal names both causes: a missing project role, or ended access',
    async () => {
      const standIn = await serve()
      standIn.failNext('StartWorkflowRun', FORBIDDEN, FORBIDDEN)
      const result = await run(ssoInputs(standIn, 3600), { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url })
      expect(result.code).toBe(1)
      expect(standIn.requestsFor('CreateToken')).toHaveLength(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        inOrder(
          /^StartWorkflowRun failed: AccessDeniedException \(HTTP 403\)/,
          'refused the renewed token too',
          'Contributor or Project administrator',
          'log in again',
          'login workflow',
          'aws sso login'
        )
      )
    }
  )

  it.concurrent(
    'with a plain token, a 403 names both causes too, and nothing is renewed',
    async () => {
      const standIn = await serve()
      standIn.failNext('StartWorkflowRun', FORBIDDEN)
      const result = await run({ token: DEMO.token, endpoint: standIn.url })
      expect(result.code).toBe(1)
      expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /Either the token's user lacks a role in the project that may run workflows.*or its session's CodeCatalyst access has ended/
      )
    }
  )
})

describe('attempts and backoff', () => {
  it.concurrent('caps an AWS_MAX_ATTEMPTS set for other tools, with a notice', async () => {
    const standIn = await serve()
    const result = await run(
      { token: DEMO.token, endpoint: standIn.url },
      { AWS_MAX_ATTEMPTS: '20' }
    )
    expectSuccess(result)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(
      '::notice::Environment variable AWS_MAX_ATTEMPTS is 20; this action makes at most 10 attempts per call, so it uses 10.'
    )
  })

  it.concurrent(
    'ignores an AWS_MAX_ATTEMPTS that is no number of attempts, with a warning, and uses the default',
    async () => {
      const standIn = await serve()
      const result = await run(
        { token: DEMO.token, endpoint: standIn.url },
        { AWS_MAX_ATTEMPTS: '0' }
      )
      expectSuccess(result)
      expect(result.stdout).toContain(
        "::warning::Environment variable AWS_MAX_ATTEMPTS is '0', which is not a number of attempts from 1 to 10: it is ignored, and this step makes 5 attempts per call."
      )
    }
  )

  it.concurrent('still refuses a max-attempts input outside 1-10', async () => {
    const standIn = await serve()
    const result = await run({ token: DEMO.token, endpoint: standIn.url, 'max-attempts': '20' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toContain(
      "Input 'max-attempts' is '20'. Expected a whole number from 1 to 10."
    )
    expect(standIn.requests).toHaveLength(0)
  })

  const THROTTLED = (seconds: number) => ({
    status: 429,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': 'ThrottlingException',
      'retry-after': String(seconds)
    },
    body: '{"message":"Rate exceeded"}'
  })

  it.concurrent("waits the server's Retry-After before the next attempt", async () => {
    const standIn = await serve()
    standIn.failNext('StartWorkflowRun', THROTTLED(2))
    const result = await run({ token: DEMO.token, endpoint: standIn.url })
    expectSuccess(result)
    const [first, second] = standIn.requestsFor('StartWorkflowRun')
    // Without Retry-After the backoff is under 1 s (full jitter on a 1 s ceiling).
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1950)
    expect(result.stdout).toMatch(
      /StartWorkflowRun: ThrottlingException \(HTTP 429\).*retrying in 2\.0 s/
    )
  })

  it.concurrent(
    'a cancel in the backoff after a start was sent says the run may exist, and sets client-token',
    async () => {
      const standIn = await serve()
      standIn.failNext('StartWorkflowRun', THROTTLED(10))
      const started = () => standIn.requestsFor('StartWorkflowRun').length > 0
      const cancel = signalWhen(started, 'SIGTERM', 200)
      const result = await run({ token: DEMO.token, endpoint: standIn.url }, {}, cancel.onSpawn)
      expect(result.code).toBe(1)
      expect(result.seconds).toBeLessThan(5)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^The job was cancelled while StartWorkflowRun was in flight: the run may or may not have started/
      )
      expect(result.outputs['client-token']).toMatch(/^gh-/)
    }
  )
})
