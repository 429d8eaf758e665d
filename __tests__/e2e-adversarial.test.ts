/**
 * End to end on dist/index.js: what a hostile network, a careless input and a cancel can do.
 * Each case here failed on the bundle before its fix (run with ACTION_UNDER_TEST=<old bundle> to see it).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { demoOptions } from '../stand-in/demo.js'
import { CodeCatalystStandIn, type StandInWorkflow } from '../stand-in/server.js'
import { type ActionResult, GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { expectSuccess } from './helpers/expectations.js'
import { signalWhen } from './helpers/signal.js'
import { DEMO } from './helpers/stand-in.js'

const cleanups: (() => Promise<void>)[] = []
// The tests run side by side, each with stand-ins of its own: all are closed at the end.
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!()
})

const FOREVER: StandInWorkflow = {
  id: '00000000-0000-4000-8000-00000000f0f0',
  name: 'forever',
  space: DEMO.space,
  project: DEMO.project,
  runStatuses: ['IN_PROGRESS']
}

async function serve(listen: { host?: string } = {}) {
  const options = demoOptions()
  const standIn = await new CodeCatalystStandIn({
    ...options,
    workflows: [...options.workflows, FOREVER]
  }).start(listen)
  cleanups.push(() => standIn.close())
  return standIn
}

/** A plain HTTP proxy that records what reaches it and forwards nothing. */
async function recordingProxy() {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = []
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    res.writeHead(502)
    res.end('proxy forwards nothing')
  })
  server.on('connect', (req, socket) => {
    seen.push({ url: req.url ?? '', headers: req.headers })
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  cleanups.push(() => new Promise(resolve => server.close(() => resolve())))
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    seen
  }
}

function run(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  onSpawn?: Parameters<typeof runAction>[0]['onSpawn']
) {
  return runAction({
    inputs: { space: DEMO.space, project: DEMO.project, token: DEMO.token, ...inputs },
    env: { ...GITHUB_CONTEXT, ...env },
    onSpawn
  })
}

/** Workflow commands in stdout, by name. */
const commands = (result: ActionResult) =>
  result.stdout
    .split('\n')
    .filter(l => l.startsWith('::'))
    .map(l => /^::([a-z-]+)/.exec(l)?.[1] ?? l)

describe('1. plain http only where no proxy can carry the token', () => {
  it.concurrent(
    'refuses http to a *.localhost name, which the transport would send through HTTP_PROXY',
    async () => {
      const standIn = await serve()
      const proxy = await recordingProxy()
      const result = await run(
        {
          'workflow-id': DEMO.workflowId,
          endpoint: `http://codecatalyst.localhost:${standIn.port}`
        },
        { HTTP_PROXY: proxy.url }
      )
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^Input 'endpoint' is 'http:\/\/codecatalyst\.localhost:\d+': http is only allowed to a loopback address/
      )
      expect(proxy.seen).toHaveLength(0)
    }
  )

  it.concurrent('goes direct to 127.0.0.1 over http even with HTTP_PROXY set', async () => {
    const standIn = await serve()
    const proxy = await recordingProxy()
    const result = await run(
      { 'workflow-id': DEMO.workflowId, endpoint: standIn.url },
      { HTTP_PROXY: proxy.url, http_proxy: proxy.url }
    )
    expectSuccess(result)
    expect(proxy.seen).toHaveLength(0)
  })
})

describe('2. whitespace and control characters in inputs that are not free text', () => {
  it.concurrent.each([
    ['a line feed', '\n::warning::pwned'],
    ['a tab', '\t/v1']
  ])('refuses an endpoint with %s, naming the input, before any request', async (_, tail) => {
    const standIn = await serve()
    const result = await run({ 'workflow-id': DEMO.workflowId, endpoint: `${standIn.url}${tail}` })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^Input 'endpoint' is '.*': whitespace and control characters are not allowed/
    )
    expect(commands(result)).toEqual(['add-mask', 'error'])
    expect(standIn.requests).toHaveLength(0)
  })

  it.concurrent(
    'refuses AWS_ENDPOINT_URL_CODECATALYST with a line feed, naming the variable',
    async () => {
      const standIn = await serve()
      const result = await run(
        { 'workflow-id': DEMO.workflowId },
        { AWS_ENDPOINT_URL_CODECATALYST: `${standIn.url}\n::warning::pwned` }
      )
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^Environment variable AWS_ENDPOINT_URL_CODECATALYST is '.*': whitespace and control characters/
      )
      expect(commands(result)).toEqual(['add-mask', 'error'])
      expect(standIn.requests).toHaveLength(0)
    }
  )
})

describe('3. the token is checked before any request', () => {
  it.concurrent.each([
    ['a line feed', 'abc\ndef'],
    ['a non-Latin-1 character', 'abc€def'],
    ['a space', 'abc def']
  ])('refuses a token with %s, naming the input and not the value', async (_, token) => {
    const standIn = await serve()
    const result = await run({ 'workflow-id': DEMO.workflowId, endpoint: standIn.url, token })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^The token in input 'token' has whitespace or characters that cannot be sent in an HTTP header/
    )
    expect(result.stdout.split('\n').slice(1).join('\n')).not.toMatch(/abc|def/)
    expect(standIn.requests).toHaveLength(0)
  })
})

describe('4. no piece of the token in any form', () => {
  const token = 'Zq7partA:Zq7partB#Zq7partC"Zq7partD\\Zq7partE'
  const pieces = ['Zq7partA', 'Zq7partB', 'Zq7partC', 'Zq7partD', 'Zq7partE']
  const expectNoPiece = (result: ActionResult) => {
    const shown = [
      result.stdout
        .split('\n')
        .filter(l => !l.startsWith('::add-mask::'))
        .join('\n'),
      result.stderr,
      result.summary
    ].join('\n')
    for (const piece of pieces) expect(shown).not.toContain(piece)
  }

  it.concurrent('when a server echoes it as the error type', async () => {
    const standIn = await serve()
    standIn.options.token = token
    standIn.failNext('StartWorkflowRun', {
      status: 400,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': token },
      body: JSON.stringify({ message: 'no', __type: token, code: token })
    })
    const result = await run({ 'workflow-id': DEMO.workflowId, endpoint: standIn.url, token })
    expect(result.code).toBe(1)
    expectNoPiece(result)
  })

  it.concurrent('when a 200 without a run id echoes it (printed as JSON)', async () => {
    const standIn = await serve()
    standIn.options.token = token
    standIn.failNext('StartWorkflowRun', { status: 200, body: JSON.stringify({ echo: token }) })
    const result = await run({ 'workflow-id': DEMO.workflowId, endpoint: standIn.url, token })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /the response has no valid run id: \{"echo":"\*\*\*"\}/
    )
    expectNoPiece(result)
  })
})

describe('5. bounded server-controlled sizes', () => {
  it.concurrent('refuses an absurd nextToken at once, and never sends it back', async () => {
    const standIn = await serve()
    for (let page = 0; page < 5; page++) {
      standIn.failNext('ListWorkflows', {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: [], nextToken: `${page}${'n'.repeat(100_000)}` })
      })
    }
    const result = await run({ 'workflow-name': DEMO.workflowName, endpoint: standIn.url })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^ListWorkflows failed: the service returned a nextToken of 100001 characters/
    )
    expect(standIn.requestsFor('ListWorkflows')).toHaveLength(1)
  })

  it.concurrent('refuses a page with more workflows than maxResults asked for', async () => {
    const standIn = await serve()
    const items = Array.from({ length: 1000 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `w${i}`
    }))
    standIn.failNext('ListWorkflows', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items, nextToken: 'more' })
    })
    const result = await run({ 'workflow-name': DEMO.workflowName, endpoint: standIn.url })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^ListWorkflows failed: the service returned 1000 workflows on one page, more than the 100 asked for/
    )
  })
})

describe('6 and 10. every deadline is a deadline', () => {
  it.concurrent(
    'ends a wait on time when a poll hangs, as a timeout that names wait-timeout-seconds',
    async () => {
      const standIn = await serve()
      standIn.failNext('GetWorkflowRun', ...Array<'hang'>(10).fill('hang'))
      const started = Date.now()
      const result = await run({
        'workflow-id': FOREVER.id,
        endpoint: standIn.url,
        wait: 'true',
        'wait-timeout-seconds': '2',
        'poll-interval-seconds': '1'
      })
      expect(Date.now() - started).toBeLessThan(4500)
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^Timed out after 2s \(wait-timeout-seconds\) waiting for run \S+: its status could not be read\. Raise wait-timeout-seconds to wait longer\. The CodeCatalyst run keeps running/
      )
      expect(result.summary).toContain('stopped waiting')
    }
  )
})

describe('7. unusable values from the server are data, never a crash', () => {
  it.concurrent.each([1e300, -1e300, '+275760-09-13T00:00:00.001Z'])(
    'treats a startTime of %s as unknown',
    async startTime => {
      const standIn = await serve()
      standIn.failNext('GetWorkflowRun', {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          workflowId: DEMO.workflowId,
          status: 'SUCCEEDED',
          startTime,
          endTime: 1e300
        })
      })
      const result = await run({
        'workflow-id': DEMO.workflowId,
        endpoint: standIn.url,
        wait: 'true',
        'poll-interval-seconds': '1'
      })
      expectSuccess(result)
      expect(result.outputs.status).toBe('SUCCEEDED')
      expect(result.outputs['start-time']).toBeUndefined()
      expect(result.outputs['duration-seconds']).toBeUndefined()
    }
  )
})

describe('8. IPv6 loopback', () => {
  it.concurrent('works at http://[::1]:PORT, directly even with HTTP_PROXY set', async () => {
    const standIn = await serve({ host: '::1' })
    const proxy = await recordingProxy()
    const result = await run(
      {
        'workflow-id': DEMO.workflowId,
        endpoint: standIn.url,
        wait: 'true',
        'poll-interval-seconds': '1'
      },
      { HTTP_PROXY: proxy.url }
    )
    expect(standIn.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    expectSuccess(result)
    expect(result.outputs.status).toBe('SUCCEEDED')
    expect(proxy.seen).toHaveLength(0)
  })
})

describe('9. a cancel anywhere says what is known', () => {
  /** Runs the action with `operation` hanging, and sends `signal` once the stand-in has its request. */
  async function cancelDuring(
    operation: 'ListWorkflows' | 'GetWorkflow' | 'StartWorkflowRun',
    inputs: Record<string, string>,
    signal: NodeJS.Signals
  ) {
    const standIn = await serve()
    standIn.failNext(operation, 'hang')
    const cancel = signalWhen(() => standIn.requestsFor(operation).length > 0, signal)
    const result = await run({ ...inputs, endpoint: standIn.url }, {}, cancel.onSpawn)
    return { standIn, result, elapsedMs: Date.now() - cancel.signalledAt() }
  }

  it.concurrent.each([
    ['SIGINT', 'ListWorkflows', { 'workflow-name': DEMO.workflowName }],
    ['SIGTERM', 'ListWorkflows', { 'workflow-name': DEMO.workflowName }],
    ['SIGTERM', 'GetWorkflow', { 'workflow-id': DEMO.workflowId }]
  ] as const)(
    'on %s while %s is in flight: ends at once, starts nothing, writes the summary',
    async (signal, operation, inputs) => {
      const { standIn, result, elapsedMs } = await cancelDuring(operation, inputs, signal)
      expect(elapsedMs).toBeLessThan(2000)
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toBe(
        `The job was cancelled while ${operation} was in flight, before any run was started.`
      )
      expect(result.summary).toContain('not started')
      expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(0)
    }
  )

  it.concurrent(
    'on SIGTERM while the start is in flight: says the run may have started and a retry is safe',
    async () => {
      const { standIn, result, elapsedMs } = await cancelDuring(
        'StartWorkflowRun',
        { 'workflow-id': DEMO.workflowId },
        'SIGTERM'
      )
      expect(elapsedMs).toBeLessThan(2000)
      expect(result.code).toBe(1)
      const sent = JSON.parse(standIn.requestsFor('StartWorkflowRun')[0]!.body) as {
        clientToken: string
      }
      const { clientToken } = sent
      expect(errorAnnotation(result.stdout)).toMatch(
        new RegExp(
          `^The job was cancelled while StartWorkflowRun was in flight: the run may or may not have started\\. ` +
            `Running this step again in the same workflow attempt is safe: it sends the same clientToken \\(${clientToken}\\)`
        )
      )
      expect(result.outputs['client-token']).toBe(clientToken)
      expect(result.summary).toContain(clientToken)
    }
  )
})
