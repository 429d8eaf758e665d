/** Following a run to its end: polls on the client, bounded by the wait's deadline. */
import * as core from '@actions/core'
import type { CodeCatalystClient, WorkflowRun } from './client.js'
import { type Sleep, sleep } from '../net/cancellation.js'
import { formatDuration } from '../common/format.js'
import type { Settings, WaitSettings } from '../common/settings.js'
import { type WaitResult, waitForRun } from './wait.js'
import { type IdentifiedWorkflow, checkRunOf } from './workflows.js'

export async function followRun(
  client: CodeCatalystClient,
  settings: Settings,
  wait: WaitSettings,
  runId: string,
  workflow: IdentifiedWorkflow | undefined,
  signal: AbortSignal,
  pause: Sleep = sleep
): Promise<WaitResult> {
  core.info(
    `Waiting for run ${runId} to finish: a status check every ${wait.pollIntervalMs / 1000} s, ` +
      `for at most ${formatDuration(wait.timeoutMs)}; success is ${wait.succeedOn.join(' or ')}.`
  )
  const ref = { space: settings.space, project: settings.project, runId }
  return waitForRun(
    {
      getRun: async (deadline): Promise<WorkflowRun> => {
        const run = await client.getWorkflowRun(ref, { deadline })
        if (workflow) checkRunOf(run, workflow)
        return run
      },
      now: Date.now,
      sleep: ms => pause(ms, signal),
      signal,
      info: line => core.info(line),
      warning: line => core.warning(line)
    },
    wait
  )
}
