/** The main action's readers of what to run and how long to wait: space, project, workflow, run, client token, waiting. */
import {
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_SUCCEED_ON,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  Inputs,
  POLL_INTERVAL_RANGE,
  WAIT_TIMEOUT_RANGE
} from '../common/constants.js'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  FINISHED_STATUSES,
  NAME_PATTERN_TEXT,
  RUNNING_STATUSES,
  isUuid,
  isValidClientToken,
  isValidName
} from '../codecatalyst/model.js'
import type { Target, WaitSettings, WorkflowRef } from '../common/settings.js'
import { hasControlCharacters, quote } from '../net/safe-text.js'
import { type Given, type Reading, readBoolean, readSeconds, reading } from './reading.js'

const UUID_EXAMPLE = 'like 0a1b2c3d-1111-4222-8333-444455556666'

/** `space` or `project`: required, and a name as CodeCatalyst allows it. */
export function readName(name: Inputs.Space | Inputs.Project, value: string): Reading<string> {
  if (!value) return reading(value, `Input '${name}' is required.`)
  return reading(
    value,
    !isValidName(value) && `Invalid ${name} ${quote(value)}. Expected ${NAME_PATTERN_TEXT}.`
  )
}

/** `workflow-id`, when given: the workflow's UUID. */
export function readWorkflowId(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    value !== '' &&
      !isUuid(value) &&
      `Invalid ${Inputs.WorkflowId} ${quote(value)}. Expected the workflow's UUID, ${UUID_EXAMPLE}.`
  )
}

/** `workflow-name`, when given: a name as the console shows it, of sane length and without control characters. */
export function readWorkflowName(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    (value.length > 200 || hasControlCharacters(value)) &&
      `Invalid ${Inputs.WorkflowName} ${quote(value)}. Expected the workflow's name as the console shows it.`
  )
}

/** `run-id`, when given: a workflow run's UUID. */
export function readRunId(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    value !== '' &&
      !isUuid(value) &&
      `Invalid ${Inputs.RunId} ${quote(value)}. Expected a workflow run's UUID, ${UUID_EXAMPLE}.`
  )
}

/** What the step does, from the workflow and run inputs once they are valid and the rules between them hold. */
export function targetOf(
  workflowId: string | undefined,
  workflowName: string | undefined,
  runId: string | undefined
): Target | undefined {
  const workflow: WorkflowRef | undefined = workflowId
    ? { id: workflowId }
    : workflowName
      ? { name: workflowName }
      : undefined
  if (runId) return { kind: 'existing', runId, workflow }
  return workflow && { kind: 'start', workflow }
}

/** `client-token`, when given: the start's idempotency token as CodeCatalyst takes it. */
export function readClientToken(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    value !== '' &&
      !isValidClientToken(value) &&
      `Invalid ${Inputs.ClientToken} ${quote(value)}. Expected 1-${CLIENT_TOKEN_MAX_LENGTH} ` +
        `characters: ${NAME_PATTERN_TEXT}.`
  )
}

/** Whether `wait` asks to wait, and how: `wait-timeout-seconds`, `poll-interval-seconds`, `succeed-on` (read either way). */
export function readWaitInputs(input: Given): Reading<{ asked: boolean; settings: WaitSettings }> {
  const asked = readBoolean(Inputs.Wait, input(Inputs.Wait))
  const timeout = readSeconds(
    Inputs.WaitTimeoutSeconds,
    input(Inputs.WaitTimeoutSeconds),
    DEFAULT_WAIT_TIMEOUT_SECONDS,
    WAIT_TIMEOUT_RANGE
  )
  const pollInterval = readSeconds(
    Inputs.PollIntervalSeconds,
    input(Inputs.PollIntervalSeconds),
    DEFAULT_POLL_INTERVAL_SECONDS,
    POLL_INTERVAL_RANGE
  )
  const succeedOn = readSucceedOn(input(Inputs.SucceedOn) || DEFAULT_SUCCEED_ON)
  const settings = {
    timeoutMs: timeout.value,
    pollIntervalMs: pollInterval.value,
    succeedOn: succeedOn.value
  }
  const problems = [asked, timeout, pollInterval, succeedOn].flatMap(r => r.problems)
  return { value: { asked: asked.value, settings }, problems }
}

/** `succeed-on`: a comma-separated list of finished statuses, in any case. */
export function readSucceedOn(value: string): Reading<string[]> {
  const statuses = value
    .split(',')
    .map(s => s.trim().toUpperCase())
    .filter(Boolean)
  const finished: readonly string[] = FINISHED_STATUSES
  const running: readonly string[] = RUNNING_STATUSES
  const problems = statuses
    .filter(status => !finished.includes(status))
    .map(
      status =>
        `Input '${Inputs.SucceedOn}' names ${quote(status)}, which ` +
        (running.includes(status)
          ? 'is not a finished status'
          : 'is not a CodeCatalyst run status') +
        `. Expected finished statuses from: ${finished.join(', ')}.`
    )
  if (statuses.length === 0)
    problems.push(`Input '${Inputs.SucceedOn}' is empty. Expected e.g. SUCCEEDED.`)
  return { value: statuses, problems }
}
