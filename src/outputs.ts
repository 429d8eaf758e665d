/** The step's outputs, set as soon as each is known, so later steps have them even if a wait fails. */
import * as core from '@actions/core'
import { Outputs } from './common/constants.js'
import { runDurationSeconds } from './common/format.js'
import type { SessionReport } from './auth/credentials.js'
import type { WaitResult } from './codecatalyst/wait.js'
import type { IdentifiedWorkflow } from './codecatalyst/workflows.js'

export function setWorkflowOutputs(workflow: IdentifiedWorkflow): void {
  core.setOutput(Outputs.WorkflowId, workflow.id)
  if (workflow.details?.name) core.setOutput(Outputs.WorkflowName, workflow.details.name)
}

export function setRunOutputs(runId: string, clientToken?: string): void {
  core.setOutput(Outputs.RunId, runId)
  if (clientToken) setClientTokenOutput(clientToken)
}

/** Alone when a start was cut short: the token identifies the run it may have started. */
export function setClientTokenOutput(clientToken: string): void {
  core.setOutput(Outputs.ClientToken, clientToken)
}

/** Status, times and duration as last seen; the workflow id too when only the run named it. */
export function setWaitOutputs(result: WaitResult, workflowKnown: boolean): void {
  const { run } = result
  if (!run) return
  core.setOutput(Outputs.Status, run.status)
  if (run.startTime) core.setOutput(Outputs.StartTime, run.startTime)
  if (run.endTime) core.setOutput(Outputs.EndTime, run.endTime)
  const duration = runDurationSeconds(run)
  if (duration !== undefined) core.setOutput(Outputs.DurationSeconds, String(duration))
  if (!workflowKnown && run.workflowId) core.setOutput(Outputs.WorkflowId, run.workflowId)
}

/**
 * What became of the SSO session (none with a plain token): set at the step's end, whatever its result, for an
 * `if: failure()` step.
 */
export function setSessionOutputs(session: SessionReport | undefined): void {
  if (!session) return
  core.setOutput(Outputs.SessionRenewed, String(session.renewed))
  if (session.saved !== undefined) core.setOutput(Outputs.SessionSaved, String(session.saved))
}
