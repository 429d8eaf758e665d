/**
 * End to end: the built dist/index.js, run as the runner runs it, against the stand-in.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ACTION_VERSION } from '../src/common/constants.js'
import type { CodeCatalystStandIn } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { expectNoTokenLeak, expectSuccess } from './helpers/expectations.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

let standIn: CodeCatalystStandIn
beforeEach(async () => {
  standIn = await startStandIn()
})
afterEach(async () => {
  await standIn.close()
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

function inputs(extra: Record<string, string> = {}) {
  return {
    space: DEMO.space,
    project: DEMO.project,
    'workflow-id': DEMO.workflowId,
    token: DEMO.token,
    endpoint: standIn.url,
    'request-timeout-seconds': '15',
    ...extra
  }
}

const start = (extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({ inputs: inputs(extra), env: { ...GITHUB_CONTEXT, ...env } })

describe('starting a run', () => {
  it('starts one run and sets the outputs, a notice and the summary', async () => {
    const result = await start()
    expectSuccess(result)
    const [runId] = [...standIn.runs.keys()]
    expect(runId).toMatch(UUID)
    expect(result.outputs).toEqual({
      'run-id': runId,
      'workflow-id': DEMO.workflowId,
      'workflow-name': DEMO.workflowName,
      'client-token': expect.stringMatching(/^gh-16020401234-1-[0-9a-f]{24}$/)
    })
    expect(standIn.runs.get(runId!)!.clientToken).toBe(result.outputs['client-token'])
    expect(result.stdout).toContain(
      `::notice title=CodeCatalyst run started::Started CodeCatalyst workflow run ${runId}`
    )
    for (const text of [
      DEMO.space,
      DEMO.project,
      DEMO.workflowId,
      runId!,
      result.outputs['client-token']!
    ]) {
      expect(result.summary).toContain(`<code>${text}</code>`)
    }
    expect(result.summary).toContain(
      `href="https://codecatalyst.aws/spaces/${DEMO.space}/projects/${DEMO.project}/workflows"`
    )
    expect(result.summary).toContain(`<code>${DEMO.workflowName}</code>`)
    const ua = standIn.requestsFor('StartWorkflowRun')[0]!.headers['user-agent']
    expect(ua).toMatch(
      new RegExp(`^codecatalyst-run-workflow/${ACTION_VERSION.replace(/\./g, '\\.')} node/v\\d+`)
    )
  })

  it('gets the same run when the step is executed again in the same attempt, a new one on re-run', async () => {
    const first = await start()
    const again = await start()
    expect(again.outputs['run-id']).toBe(first.outputs['run-id'])
    expect(standIn.runs.size).toBe(1)
    const rerun = await start({}, { GITHUB_RUN_ATTEMPT: '2' })
    expect(rerun.outputs['run-id']).not.toBe(first.outputs['run-id'])
    expect(rerun.outputs['client-token']).toMatch(/^gh-16020401234-2-/)
    expect(standIn.runs.size).toBe(2)
  })

  it('starts separate runs for two steps of one job', async () => {
    await start({}, { GITHUB_ACTION: 'start-a' })
    await start({}, { GITHUB_ACTION: 'start-b' })
    expect(standIn.runs.size).toBe(2)
  })

  it('uses the client-token input as given', async () => {
    const result = await start({ 'client-token': '16020401234-1-0' })
    expect(result.outputs['client-token']).toBe('16020401234-1-0')
    expect(standIn.requestsFor('StartWorkflowRun')[0]!.body).toBe(
      '{"clientToken":"16020401234-1-0"}'
    )
  })

  it('uses a random token outside GitHub Actions, and says so', async () => {
    const result = await runAction({ inputs: inputs() })
    expectSuccess(result)
    expect(result.outputs['client-token']).toMatch(/^local-[0-9a-f-]{36}$/)
    expect(result.stdout).toMatch(/::notice::GITHUB_RUN_ID is not set.*random client token/)
  })

  // One fault here, end to end; every kind of fault on every operation is step-fault-matrix.test.ts.
  it('ends in exactly one run after a 503, retried with backoff', async () => {
    standIn.failNext('StartWorkflowRun', '503')
    const result = await start({ 'request-timeout-seconds': '1' })
    expectSuccess(result)
    expect(standIn.runs.size).toBe(1)
    expect(result.outputs['run-id']).toBe([...standIn.runs.keys()][0])
    expect(result.stdout).toMatch(
      /^StartWorkflowRun: .+; retrying in \d+\.\d s \(attempt 2 of 5\)$/m
    )
  })

  it('sends a start again at once, on a new connection, when its kept-alive one was closed', async () => {
    // The start reuses GetWorkflow's connection; a reset with no answer there is what a server closing
    // an idle connection looks like: a normal event, not a failed attempt.
    standIn.failNext('StartWorkflowRun', 'reset')
    const result = await start()
    expectSuccess(result)
    expect(standIn.runs.size).toBe(1)
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(2)
    expect(standIn.connections).toBe(2)
    expect(result.stdout).not.toMatch(/retrying in/)
  })

  it('gives up on a persistent fault, quickly, saying what it tried, with no outputs', async () => {
    standIn.failNext('StartWorkflowRun', ...Array<'503'>(10).fill('503'))
    const started = Date.now()
    const result = await start({ 'max-attempts': '4' })
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^StartWorkflowRun failed \(gave up after 4 attempts\): ServiceUnavailableException \(HTTP 503\)/
    )
    expect(result.outputs['run-id']).toBeUndefined()
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(4)
  })
})

describe('failures', () => {
  it('reports every input problem before any request', async () => {
    const result = await start({
      space: 'bad space',
      'workflow-id': 'deploy',
      endpoint: 'http://example.com'
    })
    expect(result.code).toBe(1)
    const annotation = errorAnnotation(result.stdout)!
    expect(annotation.split('\n')).toEqual([
      '3 inputs are invalid:',
      expect.stringMatching(/^- Invalid space 'bad space'/),
      expect.stringMatching(/^- Invalid workflow-id 'deploy'/),
      expect.stringMatching(/^- Input 'endpoint' is 'http:\/\/example\.com'/)
    ])
    expect(standIn.requests).toHaveLength(0)
  })

  it.each([
    [403, 'AccessDeniedException', /Contributor.*scope codecatalyst:read_write/],
    [404, 'ResourceNotFoundException', /Check the space, project and workflow-id/],
    [402, 'ServiceQuotaExceededException', /billing tier/],
    [409, 'ConflictException', /client-token/],
    [400, 'ValidationException', /malformed/]
  ])(
    'explains HTTP %i %s with its message, request id and a hint, without retrying',
    async (status, type, hint) => {
      standIn.failNext('StartWorkflowRun', {
        status,
        headers: {
          'x-amzn-errortype': type,
          'x-amzn-requestid': 'req-0042',
          'content-type': 'application/json'
        },
        body: JSON.stringify({ message: `the service says ${status}` })
      })
      const result = await start()
      expect(result.code).toBe(1)
      const annotation = errorAnnotation(result.stdout)!
      expect(annotation).toContain(
        `StartWorkflowRun failed: ${type} (HTTP ${status}): the service says ${status} [request id req-0042]. `
      )
      expect(annotation).toMatch(hint)
      expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(1)
      expect(result.outputs['run-id']).toBeUndefined()
    }
  )

  it('fails with no run-id when a 200 carries no run id', async () => {
    standIn.failNext('StartWorkflowRun', { status: 200, body: '{"message":"accepted"}' })
    const result = await start()
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^StartWorkflowRun failed: the response has no valid run id/
    )
    expect(result.outputs['run-id']).toBeUndefined()
  })

  it('never lets service text become a workflow command', async () => {
    standIn.failNext('StartWorkflowRun', {
      status: 400,
      // Node refuses line breaks in headers, so the body is the way in.
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: 'nope\n::add-mask::abc\n::stop-commands::x\r\n::warning::pwned',
        __type: 'ValidationException\n::warning::typed'
      })
    })
    const result = await start()
    const commands = result.stdout.split('\n').filter(l => l.startsWith('::'))
    expect(commands.map(l => l.split('::')[1]!.split(' ')[0])).toEqual(['add-mask', 'error'])
    expect(commands[0]).toBe(`::add-mask::${DEMO.token}`)
  })
})

describe('the token', () => {
  it.each([
    ['a success', () => undefined],
    [
      'a service error',
      () => standIn.failNext('StartWorkflowRun', '503', '503', '503', '503', '503')
    ],
    [
      'a network error',
      () => standIn.failNext('StartWorkflowRun', 'reset', 'reset', 'reset', 'reset', 'reset')
    ]
  ])(
    'appears only in the add-mask command, first, at debug level, after %s',
    async (_, arrange) => {
      arrange()
      expectNoTokenLeak(await start({}, { RUNNER_DEBUG: '1' }), DEMO.token)
    }
  )
})
