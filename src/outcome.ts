/** What the step says at its end: why it failed, in words that say what to do. */
import { isCancelled } from './net/cancellation.js'
import { Inputs } from './common/constants.js'
import { ApiError, TransportError } from './net/errors.js'
import { formatDuration, workflowsPageUrl } from './common/format.js'
import type { Settings, WaitSettings } from './common/settings.js'
import type { WaitResult } from './codecatalyst/wait.js'

/** The last line of a wait that succeeded. */
export function successLine(runId: string, result: WaitResult): string {
  return `Run ${runId} finished with status ${result.run?.status} after ${formatDuration(result.elapsedMs)} of waiting.`
}

/** Why the wait fails the step, or undefined when the run succeeded. */
export function waitFailure(
  result: WaitResult,
  settings: Settings,
  wait: WaitSettings,
  runId: string
): string | undefined {
  const page = workflowsPageUrl(settings.space, settings.project)
  const status = result.run?.status ?? 'unknown'
  const lastSeen = result.run ? `it was last seen ${status}` : 'its status could not be read'
  const continues =
    'The CodeCatalyst run keeps running: the API has no way to stop it. ' +
    `Follow it at ${page}, or wait for it later with ${Inputs.RunId}: ${runId}.`
  switch (result.outcome) {
    case 'succeeded':
      return undefined
    case 'failed':
      return (
        `CodeCatalyst workflow run ${runId} finished with status ${status}, which is not ` +
        `${wait.succeedOn.join(' or ')}. See the run at ${page}.`
      )
    case 'timed-out':
      return (
        `Timed out after ${formatDuration(wait.timeoutMs)} (${Inputs.WaitTimeoutSeconds}) waiting for run ` +
        `${runId}: ${lastSeen}. Raise ${Inputs.WaitTimeoutSeconds} to wait longer. ${continues}`
      )
    case 'cancelled':
      return `The job was cancelled while waiting for run ${runId}: ${lastSeen}. ${continues}`
  }
}

export interface Failure {
  message: string
  /** The start request was in flight when the job was cancelled: the run may exist. */
  startUnknown: boolean
}

/** Why the step failed, from the error that ended it; a cancel says what is known of the run. */
export function failureFrom(error: unknown, signal: AbortSignal, clientToken?: string): Failure {
  if (isCancelled(error, signal)) {
    const operation = error instanceof ApiError ? error.operation : 'a request'
    // A start may have committed if any attempt of it was sent: only a first attempt never sent is safe to rule out.
    const neverSent =
      error instanceof TransportError && error.code === 'ENOTSENT' && error.attempts === 1
    if (operation === 'StartWorkflowRun' && clientToken && !neverSent) {
      const message =
        `The job was cancelled while StartWorkflowRun was in flight: the run may or may not have started. ` +
        `Running this step again in the same workflow attempt is safe: it sends the same clientToken ` +
        `(${clientToken}), so CodeCatalyst returns that run instead of starting another. ` +
        'A re-run of the workflow is a new attempt, and starts a new run.'
      return { message, startUnknown: true }
    }
    const message = neverSent
      ? `The job was cancelled before ${operation} was sent; no run was started.`
      : `The job was cancelled while ${operation} was in flight, before any run was started.`
    return { message, startUnknown: false }
  }
  return { message: errorText(error), startUnknown: false }
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.logLine()
  return error instanceof Error ? error.message : String(error)
}
