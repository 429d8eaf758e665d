/**
 * End to end on dist/index.js: a wait that the runner cancels with a real signal. The rest of waiting is
 * step-wait.test.ts, in-process.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { FINISHED_STATUSES } from '../src/codecatalyst/model.js'
import type { CodeCatalystStandIn, StandInWorkflow } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { signalWhen } from './helpers/signal.js'
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
  standIn = await startStandIn({ workflows })
})
afterEach(async () => {
  await standIn.close()
})

function run(
  script: string,
  extra: Record<string, string> = {},
  onSpawn?: Parameters<typeof runAction>[0]['onSpawn']
) {
  return runAction({
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
    onSpawn
  })
}

describe('cancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s, stops at once, writes the summary and says the run continues',
    async signal => {
      const cancel = signalWhen(stdout => / is IN_PROGRESS$/m.test(stdout()), signal)
      const result = await run('FOREVER', { 'poll-interval-seconds': '60' }, cancel.onSpawn)
      expect(Date.now() - cancel.signalledAt()).toBeLessThan(2000)
      expect(result.code).toBe(1)
      expect(result.stdout).toContain(`Received ${signal}: the job is being cancelled; stopping.`)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^The job was cancelled while waiting for run \S+: it was last seen IN_PROGRESS\. The CodeCatalyst run keeps running/
      )
      expect(result.outputs.status).toBe('IN_PROGRESS')
      expect(result.summary).toContain('IN_PROGRESS: job cancelled while waiting')
      expect(standIn.requestsFor('GetWorkflowRun')).toHaveLength(1)
    }
  )
})
