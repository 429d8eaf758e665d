/** Waiting for a run to finish: polls on an interval until it ends, the timeout passes or the job is cancelled. */
import type { WorkflowRun } from './client.js'
import { ApiError } from '../net/errors.js'
import { formatDuration, sentence } from '../common/format.js'
import { RUN_STATUSES, isFinished } from './model.js'

export interface WaitOptions {
  pollIntervalMs: number
  timeoutMs: number
  /** Finished statuses that count as success. */
  succeedOn: readonly string[]
}

export interface WaitDeps {
  /** Reads the run; must be over by `deadline` (ms since the epoch), retries included. */
  getRun: (deadline: number) => Promise<WorkflowRun>
  now: () => number
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep: (ms: number) => Promise<void>
  /** Aborts when the job is cancelled. */
  signal: AbortSignal
  info: (line: string) => void
  warning: (line: string) => void
}

export interface StatusChange {
  status: string
  elapsedMs: number
}

export type WaitOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled'

export interface WaitResult {
  outcome: WaitOutcome
  /** The run as last seen; undefined if no poll ever succeeded. */
  run?: WorkflowRun
  /** Each status the run was seen in, once, in order. */
  timeline: StatusChange[]
  elapsedMs: number
}

/** The last status check starts this long before the deadline, so that it can end by it. */
export const FINAL_CHECK_MS = 1000

/**
 * Polls the run until it finishes, the timeout passes or the job is cancelled.
 * Polls start one interval apart (the first at once), so a finished run is seen within one interval; when
 * the next one would fall at or after the deadline, one last check is made just before it (unless a poll
 * has just been made), so a run that finished in the last interval is not reported as running.
 * Each poll, retries included, must be over by the timeout, so the wait ends on time.
 * Throttling, 5xx and network faults that outlast the client's retries do not end the wait;
 * any other error (403, 404, a malformed answer) ends it by being thrown.
 */
export async function waitForRun(deps: WaitDeps, options: WaitOptions): Promise<WaitResult> {
  const started = deps.now()
  const deadline = started + options.timeoutMs
  const timeline: StatusChange[] = []
  /** Unknown statuses already warned about. */
  const warned = new Set<string>()
  let run: WorkflowRun | undefined
  /** The check under way is the last one. */
  let final = false
  const result = (outcome: WaitOutcome): WaitResult => ({
    outcome,
    run,
    timeline,
    elapsedMs: deps.now() - started
  })

  for (;;) {
    if (deps.signal.aborted) return result('cancelled')
    const pollStarted = deps.now()
    try {
      run = await deps.getRun(deadline)
      noteStatus(run, deps.now() - started, timeline, warned, deps)
      if (isFinished(run.status)) {
        return result(options.succeedOn.includes(run.status) ? 'succeeded' : 'failed')
      }
    } catch (error) {
      if (deps.signal.aborted) return result('cancelled')
      if (!(error instanceof ApiError) || !error.retry) throw error
      if (deps.now() >= deadline) return result('timed-out')
      deps.warning(`${sentence(error.logLine())} Still waiting: polling goes on until the timeout.`)
    }
    const nextPoll = pollStarted + options.pollIntervalMs
    const finalCheck = deadline - FINAL_CHECK_MS
    if (final || (nextPoll >= finalCheck && pollStarted >= finalCheck)) return result('timed-out')
    final = nextPoll >= finalCheck
    await deps.sleep(Math.max(0, Math.min(nextPoll, finalCheck) - deps.now()))
    if (deps.signal.aborted) return result('cancelled')
  }
}

/** Logs a status the first time the run is seen in it, and warns once of a status the action does not know. */
function noteStatus(
  run: WorkflowRun,
  elapsedMs: number,
  timeline: StatusChange[],
  warned: Set<string>,
  deps: Pick<WaitDeps, 'info' | 'warning'>
): void {
  if (timeline.at(-1)?.status !== run.status) {
    timeline.push({ status: run.status, elapsedMs })
    deps.info(`[${formatDuration(elapsedMs)}] Run ${run.id} is ${run.status}`)
  }
  if (!RUN_STATUSES.includes(run.status) && !warned.has(run.status)) {
    warned.add(run.status)
    deps.warning(
      `The run has status ${run.status}, which this action does not know; it is treated as still running.`
    )
  }
}
