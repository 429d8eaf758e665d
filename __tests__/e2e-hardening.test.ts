/**
 * End to end on dist/index.js: proxies, hangs, hostile responses, command injection and the token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import { demoOptions } from '../stand-in/demo.js'
import { CodeCatalystStandIn } from '../stand-in/server.js'
import { type ActionResult, GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { type Certificate, selfSignedCertificate } from './helpers/certificate.js'
import { type ConnectProxy, startConnectProxy } from './helpers/connect-proxy.js'
import { expectNoTokenLeak, expectSuccess } from './helpers/expectations.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

const HOST = 'codecatalyst.test'
let certificate: Certificate
let tls: { key: string; cert: string }
let certFile: string

beforeAll(() => {
  certificate = selfSignedCertificate(HOST)
  tls = certificate
  certFile = certificate.certFile
})
afterAll(() => certificate.remove())

const cleanups: (() => Promise<void>)[] = []
// The tests run side by side, each with stand-ins of its own: all are closed at the end.
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

async function standInFor(options: Parameters<typeof startStandIn>[0] = {}, secure = false) {
  const standIn = secure
    ? await new CodeCatalystStandIn({ ...demoOptions(), ...options }).start({ tls })
    : await startStandIn(options)
  cleanups.push(() => standIn.close())
  return standIn
}

async function proxyFor(
  standIn: CodeCatalystStandIn,
  options: { refuse?: boolean } = {}
): Promise<ConnectProxy> {
  const proxy = await startConnectProxy({ [`${HOST}:${standIn.port}`]: standIn.port }, options)
  cleanups.push(() => proxy.close())
  return proxy
}

function run(inputs: Record<string, string>, env: Record<string, string> = {}) {
  return runAction({
    inputs: { space: DEMO.space, project: DEMO.project, token: DEMO.token, ...inputs },
    env: { ...GITHUB_CONTEXT, ...env }
  })
}

/** The workflow commands the action's stdout carries, by name. */
function commands(result: ActionResult): string[] {
  return result.stdout
    .split('\n')
    .filter(l => l.startsWith('::'))
    .map(l => /^::([a-z-]+)/.exec(l)?.[1] ?? l)
}

describe('proxies', () => {
  it.concurrent.each(['HTTPS_PROXY', 'https_proxy'])(
    'sends every request (list, start, poll) through %s to an HTTPS host only the proxy resolves',
    async variable => {
      const standIn = await standInFor({}, true)
      const proxy = await proxyFor(standIn)
      const result = await run(
        {
          'workflow-name': DEMO.workflowName,
          endpoint: `https://${HOST}:${standIn.port}`,
          wait: 'true',
          'poll-interval-seconds': '1'
        },
        { [variable]: proxy.url, NODE_EXTRA_CA_CERTS: certFile }
      )
      expectSuccess(result)
      expect(result.outputs.status).toBe('SUCCEEDED')
      const operations = new Set(standIn.requests.map(r => r.operation))
      expect(operations).toEqual(new Set(['ListWorkflows', 'StartWorkflowRun', 'GetWorkflowRun']))
      // One tunnel for the whole step, kept alive.
      expect(proxy.connects).toEqual([`${HOST}:${standIn.port}`])
      expect(standIn.connections).toBe(1)
    },
    30_000
  )

  it.concurrent('goes direct for a host in NO_PROXY', async () => {
    const standIn = await standInFor({}, true)
    const proxy = await proxyFor(standIn)
    const result = await run(
      {
        'workflow-id': DEMO.workflowId,
        endpoint: `https://${HOST}:${standIn.port}`,
        'max-attempts': '1'
      },
      { HTTPS_PROXY: proxy.url, NO_PROXY: `example.com,${HOST}`, NODE_EXTRA_CA_CERTS: certFile }
    )
    // Direct, the name does not resolve: the proxy was the only way to reach it.
    expect(result.code).toBe(1)
    expect(proxy.connects).toEqual([])
    expect(errorAnnotation(result.stdout)).toMatch(/codecatalyst\.test/)
  })

  it.concurrent(
    'sends the credentials in HTTPS_PROXY to the proxy, decoded, and keeps one tunnel',
    async () => {
      const standIn = await standInFor({}, true)
      const proxy = await startConnectProxy(
        { [`${HOST}:${standIn.port}`]: standIn.port },
        { credentials: 'ci-user:p@ss:word' }
      )
      cleanups.push(() => proxy.close())
      const authenticated = proxy.url.replace('http://', 'http://ci-user:p%40ss%3Aword@')
      const result = await run(
        { 'workflow-id': DEMO.workflowId, endpoint: `https://${HOST}:${standIn.port}` },
        { HTTPS_PROXY: authenticated, NODE_EXTRA_CA_CERTS: certFile }
      )
      expectSuccess(result)
      expect(proxy.connects).toEqual([`${HOST}:${standIn.port}`])
      expect(result.stdout).not.toContain('p@ss')
    }
  )

  it.concurrent(
    'fails clearly, and boundedly, when the proxy refuses, with no token in the error',
    async () => {
      const standIn = await standInFor({}, true)
      const proxy = await proxyFor(standIn, { refuse: true })
      const result = await run(
        {
          'workflow-id': DEMO.workflowId,
          endpoint: `https://${HOST}:${standIn.port}`,
          'max-attempts': '2'
        },
        { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: certFile, RUNNER_DEBUG: '1' }
      )
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^StartWorkflowRun failed: the proxy refused to open a tunnel; check HTTPS_PROXY .*statusCode=407/
      )
      expect(standIn.requests).toHaveLength(0)
      expectNoTokenLeak(result, DEMO.token)
    }
  )

  it.concurrent(
    'refuses an untrusted certificate without retrying, pointing at NODE_EXTRA_CA_CERTS',
    async () => {
      const standIn = await standInFor({}, true)
      const proxy = await proxyFor(standIn)
      const result = await run(
        { 'workflow-id': DEMO.workflowId, endpoint: `https://${HOST}:${standIn.port}` },
        { HTTPS_PROXY: proxy.url }
      )
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(/certificate.*NODE_EXTRA_CA_CERTS/)
      expect(proxy.connects.length).toBeLessThanOrEqual(2)
    }
  )
})

describe('no hang', () => {
  it.concurrent('ends, boundedly, when every attempt hangs', async () => {
    const standIn = await standInFor()
    standIn.failNext('GetWorkflow', ...Array<'hang'>(5).fill('hang'))
    standIn.failNext('StartWorkflowRun', ...Array<'hang'>(5).fill('hang'))
    const started = Date.now()
    const result = await run({
      'workflow-id': DEMO.workflowId,
      endpoint: standIn.url,
      'request-timeout-seconds': '1',
      'max-attempts': '3'
    })
    expect(Date.now() - started).toBeLessThan(12_000)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toBe(
      'StartWorkflowRun failed (gave up after 3 attempts): no complete response within 1 s'
    )
    // The best-effort read before the start is not retried, so a hang costs one timeout there.
    expect(standIn.requestsFor('GetWorkflow')).toHaveLength(1)
  })
})

describe('hostile responses', () => {
  it.concurrent('refuses a response body over the size limit, without retrying', async () => {
    const standIn = await standInFor()
    standIn.failNext('StartWorkflowRun', {
      status: 200,
      body: `{"id":"${'x'.repeat(5 * 1024 * 1024)}"}`
    })
    const result = await run({ 'workflow-id': DEMO.workflowId, endpoint: standIn.url })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toBe(
      'StartWorkflowRun failed: the response body exceeded 4194304 bytes and was discarded'
    )
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(1)
  })

  it.concurrent(
    'does not follow a redirect, so the token never reaches another origin',
    async () => {
      const seen: string[] = []
      const other: Server = createServer((req, res) => {
        seen.push(String(req.headers.authorization))
        res.end('{}')
      })
      await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
      cleanups.push(() => new Promise(resolve => other.close(() => resolve())))
      const address = other.address()
      const otherUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/steal`
      const standIn = await standInFor()
      standIn.failNext('StartWorkflowRun', { status: 302, headers: { location: otherUrl } })
      const result = await run({ 'workflow-id': DEMO.workflowId, endpoint: standIn.url })
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toContain(
        `answered HTTP 302, a redirect to ${otherUrl}. It was not followed`
      )
      expect(seen).toEqual([])
    }
  )
})

describe('text from the service', () => {
  const hostile =
    '\n::add-mask::x\n::stop-commands::pwned\r\n::warning::owned\n<script>alert(1)</script>'

  it.concurrent(
    'cannot become a workflow command, through names, statuses or messages',
    async () => {
      const standIn = await standInFor({
        workflows: [
          {
            id: DEMO.workflowId,
            name: `deploy${hostile}`,
            space: DEMO.space,
            project: DEMO.project,
            runStatuses: [`IN_PROGRESS${hostile}`, 'SUCCEEDED']
          }
        ]
      })
      const started = await run({
        'workflow-id': DEMO.workflowId,
        endpoint: standIn.url,
        wait: 'true',
        'poll-interval-seconds': '1'
      })
      expect(started.code).toBe(0)
      expect(commands(started)).toEqual(['add-mask', 'notice', 'warning'])
      expect(started.summary).not.toContain('<script>')
      expect(started.summary).toContain('&lt;script&gt;')

      // A run whose echoed id carries commands: the action prints the id it asked for.
      const runId = started.outputs['run-id']!
      standIn.failNext('GetWorkflowRun', {
        status: 200,
        body: JSON.stringify({
          id: `${runId}${hostile}`,
          workflowId: DEMO.workflowId,
          status: 'SUCCEEDED'
        })
      })
      const followed = await run({ 'run-id': runId, endpoint: standIn.url })
      expect(followed.code).toBe(0)
      expect(commands(followed)).toEqual(['add-mask'])

      const listed = await run({ 'workflow-name': 'missing', endpoint: standIn.url })
      expect(commands(listed)).toEqual(['add-mask', 'error'])

      standIn.failNext('StartWorkflowRun', {
        status: 400,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ message: `bad${hostile}`, __type: `ValidationException${hostile}` })
      })
      const failed = await run({ 'workflow-id': DEMO.workflowId, endpoint: standIn.url })
      expect(commands(failed)).toEqual(['add-mask', 'error'])
    }
  )
})

describe('the token', () => {
  it.concurrent('is redacted even when the service echoes it back, at debug level', async () => {
    const standIn = await standInFor()
    standIn.failNext('GetWorkflow', {
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException' },
      body: JSON.stringify({ message: `token Bearer ${DEMO.token} is not allowed to read` })
    })
    standIn.failNext('StartWorkflowRun', {
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException', 'x-amzn-requestid': DEMO.token },
      body: JSON.stringify({ message: `token ${DEMO.token} is not allowed` })
    })
    const result = await run(
      { 'workflow-id': DEMO.workflowId, endpoint: standIn.url },
      { RUNNER_DEBUG: '1' }
    )
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toContain('token *** is not allowed [request id ***]')
    expect(result.stdout).toMatch(
      /^::debug::Could not read workflow .*token Bearer \*\*\* is not allowed to read/m
    )
    expectNoTokenLeak(result, DEMO.token)
  })

  it.concurrent(
    'never appears while naming, waiting and failing at debug level',
    async () => {
      const standIn = await standInFor()
      standIn.failNext('GetWorkflowRun', '503', 'reset')
      const waited = await run(
        {
          'workflow-name': DEMO.workflowName,
          endpoint: standIn.url,
          wait: 'true',
          'poll-interval-seconds': '1'
        },
        { RUNNER_DEBUG: '1' }
      )
      expect(waited.code).toBe(0)
      expectNoTokenLeak(waited, DEMO.token)
      const missing = await run(
        { 'workflow-name': 'nope', endpoint: standIn.url },
        { RUNNER_DEBUG: '1' }
      )
      expect(missing.code).toBe(1)
      expectNoTokenLeak(missing, DEMO.token)
    },
    20_000
  )
})
