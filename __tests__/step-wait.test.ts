/**
 * Waiting for the run's result: the whole step, in-process (src/main.ts's run()), against the stand-in, with
 * sub-second status changes and polls. The cancellation of a wait, by a real signal, is e2e-wait.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { FINISHED_STATUSES } from '../src/codecatalyst/model.js'
import type { CodeCatalystStandIn, StandInWorkflow } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation } from '../scripts/runner.js'
import { expectSuccess } from './helpers/expectations.js'
import { fast, runInProcess, shortSleep } from './helpers/in-process.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

/** One workflow per scripted status progression, so each test picks its run's fate. */
const SCRIPTS: Record<string, string[]> = {
  ...Object.fromEntries(FINISHED_STATUSES.map(s => [s, ['IN_PROGRESS', s]])),
  ALL_RUNNING: ['VALIDATING', 'PROVISIONING', 'IN_PROGRESS', 'STOPPING', 'SUCCEEDED'],
  UNKNOWN: ['IN_PROGRESS', 'QUEUED_ON_MARS', 'SUCCEEDED'],
  FOREVER: ['IN_PROGRESS']
}
const workflowIds = Object.fromEntries(
  Object.keys(SCRIPTS).map((name, i) => [
    name,
    `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
  ])
)
const workflows: StandInWorkflow[] = Object.entries(SCRIPTS).map(([name, runStatuses]) => ({
  id: workflowIds[name]!,
  name: `wf-${name.toLowerCase()}`,
  space: DEMO.space,
  project: DEMO.project,
  runStatuses
}))

let standIn: CodeCatalystStandIn
beforeEach(async () => {
  standIn = await startStandIn({ workflows, statusMs: 200 })
})
afterEach(async () => {
  await standIn.close()
})

function run(script: string, extra: Record<string, string> = {}) {
  return runInProcess({
    inputs: {
      space: DEMO.space,
      project: DEMO.project,
      'workflow-id': workflowIds[script]!,
      token: DEMO.token,
      endpoint: standIn.url,
      wait: 'true',
      'poll-interval-seconds': '1',
      ...extra
    },
    env: GITHUB_CONTEXT,
    tune: fast({ pollMs: 200 }),
    sleep: shortSleep(200)
  })
}

describe('waiting', () => {
  it('follows a run to SUCCEEDED and reports status, times, duration and the timeline', async () => {
    const result = await run('ALL_RUNNING')
    expectSuccess(result)
    const runId = [...standIn.runs.keys()][0]!
    expect(result.outputs).toEqual({
      'run-id': runId,
      'workflow-id': workflowIds.ALL_RUNNING,
      'workflow-name': 'wf-all_running',
      'client-token': expect.stringMatching(/^gh-/),
      status: 'SUCCEEDED',
      'start-time': standIn.runs.get(runId)!.startTime,
      'end-time': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'duration-seconds': expect.stringMatching(/^\d+$/)
    })
    const changes = result.stdout.match(/^\[\d+s\] Run \S+ is \w+$/gm)!
    expect(changes.map(l => l.split(' is ')[1])).toEqual([
      'VALIDATING',
      'PROVISIONING',
      'IN_PROGRESS',
      'STOPPING',
      'SUCCEEDED'
    ])
    expect(result.summary).toContain('<h2>CodeCatalyst workflow run SUCCEEDED</h2>')
    expect(result.summary).toContain('<h3>Status timeline</h3>')
    expect(
      result.summary.match(/<td>(VALIDATING|PROVISIONING|IN_PROGRESS|STOPPING|SUCCEEDED)<\/td>/g)
    ).toHaveLength(5)
    // One poll per interval, one interval per status: each status seen once, none polled twice over.
    expect(standIn.requestsFor('GetWorkflowRun').length).toBeGreaterThanOrEqual(5)
    expect(standIn.requestsFor('GetWorkflowRun').length).toBeLessThanOrEqual(6)
  })

  it.each(FINISHED_STATUSES.filter(s => s !== 'SUCCEEDED'))(
    'fails the step on %s, naming the status and the run, with the outputs set',
    async status => {
      const result = await run(status)
      expect(result.code).toBe(1)
      const runId = [...standIn.runs.keys()][0]!
      expect(errorAnnotation(result.stdout)).toMatch(
        new RegExp(
          `^CodeCatalyst workflow run ${runId} finished with status ${status}, which is not SUCCEEDED\\.`
        )
      )
      expect(result.outputs).toMatchObject({
        'run-id': runId,
        'workflow-id': workflowIds[status],
        'client-token': expect.stringMatching(/^gh-/),
        status
      })
      expect(result.summary).toContain(`<h2>CodeCatalyst workflow run ${status}</h2>`)
    }
  )

  it('passes on a status that succeed-on names', async () => {
    const result = await run('STOPPED', { 'succeed-on': 'SUCCEEDED,STOPPED' })
    expectSuccess(result)
    expect(result.outputs.status).toBe('STOPPED')
  })

  it('treats an unknown status as running, with one warning', async () => {
    const result = await run('UNKNOWN')
    expectSuccess(result)
    expect(
      result.stdout.match(
        /^::warning::The run has status QUEUED_ON_MARS, which this action does not know/gm
      )
    ).toHaveLength(1)
  })

  it('times out with the last status, saying the run keeps running', async () => {
    const started = Date.now()
    const result = await run('FOREVER', { 'wait-timeout-seconds': '2' })
    expect(Date.now() - started).toBeLessThan(3000)
    expect(result.code).toBe(1)
    const runId = result.outputs['run-id']
    expect(errorAnnotation(result.stdout)).toMatch(
      new RegExp(
        `^Timed out after 2s \\(wait-timeout-seconds\\) waiting for run ${runId}: it was last seen IN_PROGRESS\\. ` +
          'Raise wait-timeout-seconds to wait longer\\. The CodeCatalyst run keeps running: the API has no way to stop it\\.'
      )
    )
    expect(result.outputs.status).toBe('IN_PROGRESS')
    expect(result.outputs['end-time']).toBeUndefined()
    expect(result.summary).toContain('still IN_PROGRESS: stopped waiting')
  })

  it('rides out throttling and a reset while polling', async () => {
    standIn.failNext('GetWorkflowRun', '429', 'reset', '503')
    const result = await run('ALL_RUNNING', { 'request-timeout-seconds': '2' })
    expectSuccess(result)
    expect(result.outputs.status).toBe('SUCCEEDED')
    expect(standIn.runs.size).toBe(1)
    expect(result.stdout).toMatch(
      /^GetWorkflowRun: ThrottlingException \(HTTP 429\): Rate exceeded .*; retrying in/m
    )
    // The reset meets a kept-alive connection: sent again at once, it costs no attempt.
    expect(result.stdout).toMatch(
      /^GetWorkflowRun: ServiceUnavailableException .*\(attempt 3 of 5\)$/m
    )
    expect(result.stdout).not.toMatch(/connection was reset/)
  })

  it('keeps polling when the faults outlast the retries, bounded by the timeout', async () => {
    standIn.failNext('GetWorkflowRun', ...Array<'503'>(2).fill('503'))
    const result = await run('SUCCEEDED', { 'max-attempts': '2' })
    expectSuccess(result)
    expect(result.stdout).toMatch(
      /^::warning::GetWorkflowRun failed \(gave up after 2 attempts\).*Still waiting/m
    )
  })

  it('ends at once when the run cannot be read (403), with the start outputs already set', async () => {
    standIn.failNext('GetWorkflowRun', {
      status: 403,
      headers: { 'x-amzn-errortype': 'AccessDeniedException' },
      body: '{"message":"no read access"}'
    })
    const result = await run('FOREVER')
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^GetWorkflowRun failed: AccessDeniedException \(HTTP 403\): no read access/
    )
    expect(result.outputs).toEqual({
      'run-id': [...standIn.runs.keys()][0],
      'workflow-id': workflowIds.FOREVER,
      'workflow-name': 'wf-forever',
      'client-token': expect.stringMatching(/^gh-/)
    })
    expect(standIn.requestsFor('GetWorkflowRun')).toHaveLength(1)
  })
})

describe('waiting for an existing run (run-id)', () => {
  it('waits without starting anything, and reports the workflow it belongs to', async () => {
    const started = await run('ALL_RUNNING', { wait: 'false' })
    const runId = started.outputs['run-id']!
    const result = await run('ALL_RUNNING', { 'workflow-id': '', 'run-id': runId, wait: 'false' })
    expectSuccess(result)
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(1)
    expect(result.outputs).toMatchObject({
      'run-id': runId,
      'workflow-id': workflowIds.ALL_RUNNING,
      status: 'SUCCEEDED'
    })
    expect(result.outputs['client-token']).toBeUndefined()
  })

  it('fails clearly when the run belongs to another workflow than workflow-id says', async () => {
    const started = await run('SUCCEEDED', { wait: 'false' })
    const result = await run('FAILED', { 'run-id': started.outputs['run-id']! })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^Run \S+ belongs to workflow \S+, not to workflow 'wf-failed' \(00000000-0000-4000-8000-\d+\)\. Check the run-id input/
    )
  })

  it('fails at once on an unknown run', async () => {
    const result = await run('ALL_RUNNING', {
      'workflow-id': '',
      'run-id': '99999999-0000-4000-8000-000000000000'
    })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^GetWorkflowRun failed: ResourceNotFoundException \(HTTP 404\)/
    )
    expect(result.outputs).toEqual({ 'run-id': '99999999-0000-4000-8000-000000000000' })
  })
})
