import {
  DEFAULT_ENDPOINT,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  DEFAULT_SUCCEED_ON,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  ENV_ENDPOINT,
  ENV_MAX_ATTEMPTS,
  Inputs,
  MAX_ATTEMPTS_RANGE,
  POLL_INTERVAL_RANGE,
  REQUEST_TIMEOUT_RANGE,
  WAIT_TIMEOUT_RANGE
} from './constants.js'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  FINISHED_STATUSES,
  NAME_PATTERN_TEXT,
  RUNNING_STATUSES,
  isUuid,
  isValidClientToken,
  isValidName
} from './model.js'
import { hasControlCharacters, quote } from './safe-text.js'
import type { WorkflowRef } from './workflow-resolver.js'

/** What the step does: start a run of a workflow, or follow a run that already exists. */
export type Target =
  | { kind: 'start'; workflow: WorkflowRef }
  | { kind: 'existing'; runId: string; workflow?: WorkflowRef }

export interface WaitSettings {
  timeoutMs: number
  pollIntervalMs: number
  /** Finished statuses that count as success. */
  succeedOn: string[]
}

/** Everything the action needs, validated. Nothing downstream reads inputs again. */
export interface Settings {
  space: string
  project: string
  target: Target
  /** Set when the step waits for the run to finish (always, for an existing run). */
  wait?: WaitSettings
  token: string
  /** The explicit `client-token` input, if given; otherwise one is derived. */
  clientToken?: string
  /** API base URL without a trailing slash. */
  endpoint: string
  maxAttempts: number
  requestTimeoutMs: number
}

/** Reads one input the way `core.getInput` does: '' when unset. */
export type InputReader = (name: string) => string

/** Thrown with every input problem found, one per line. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs are invalid:\n${problems.map(p => `- ${p}`).join('\n')}`
    )
    this.name = 'InputError'
  }
}

/**
 * Turns the action's inputs (and the AWS SDK environment conventions) into Settings.
 * Reports every problem in one InputError; never puts the token's value in a message.
 */
export function getSettings(read: InputReader, env: NodeJS.ProcessEnv): Settings {
  const problems: string[] = []
  const input = (name: Inputs): string => read(name).trim()

  const space = input(Inputs.Space)
  const project = input(Inputs.Project)
  for (const [name, value] of [
    [Inputs.Space, space],
    [Inputs.Project, project]
  ] as const) {
    if (!value) problems.push(`Input '${name}' is required.`)
    else if (!isValidName(value))
      problems.push(`Invalid ${name} ${quote(value)}. Expected ${NAME_PATTERN_TEXT}.`)
  }

  const target = readTarget(
    input(Inputs.WorkflowId),
    input(Inputs.WorkflowName),
    input(Inputs.RunId),
    problems
  )

  const token = input(Inputs.Token)
  if (!token)
    problems.push(
      `Input '${Inputs.Token}' is empty. Pass a CodeCatalyst token from a secret, ` +
        'e.g. token: ${{ secrets.CODECATALYST_TOKEN }}, and check that the secret exists.'
    )

  const clientToken = input(Inputs.ClientToken) || undefined
  if (clientToken !== undefined && !isValidClientToken(clientToken))
    problems.push(
      `Invalid ${Inputs.ClientToken} ${quote(clientToken)}. Expected 1-${CLIENT_TOKEN_MAX_LENGTH} ` +
        `characters: ${NAME_PATTERN_TEXT}.`
    )

  const endpoint = readEndpoint(input(Inputs.Endpoint), env, problems)

  const maxAttempts = readWholeNumber(
    input(Inputs.MaxAttempts)
      ? `Input '${Inputs.MaxAttempts}'`
      : `Environment variable ${ENV_MAX_ATTEMPTS}`,
    input(Inputs.MaxAttempts) || env[ENV_MAX_ATTEMPTS]?.trim() || String(DEFAULT_MAX_ATTEMPTS),
    MAX_ATTEMPTS_RANGE,
    problems
  )
  const requestTimeoutSeconds = readWholeNumber(
    `Input '${Inputs.RequestTimeoutSeconds}'`,
    input(Inputs.RequestTimeoutSeconds) || String(DEFAULT_REQUEST_TIMEOUT_SECONDS),
    REQUEST_TIMEOUT_RANGE,
    problems
  )

  const wait = readBoolean(Inputs.Wait, input(Inputs.Wait), problems) || target?.kind === 'existing'
  const waitSettings: WaitSettings = {
    timeoutMs:
      1000 *
      readWholeNumber(
        `Input '${Inputs.WaitTimeoutSeconds}'`,
        input(Inputs.WaitTimeoutSeconds) || String(DEFAULT_WAIT_TIMEOUT_SECONDS),
        WAIT_TIMEOUT_RANGE,
        problems
      ),
    pollIntervalMs:
      1000 *
      readWholeNumber(
        `Input '${Inputs.PollIntervalSeconds}'`,
        input(Inputs.PollIntervalSeconds) || String(DEFAULT_POLL_INTERVAL_SECONDS),
        POLL_INTERVAL_RANGE,
        problems
      ),
    succeedOn: readSucceedOn(input(Inputs.SucceedOn) || DEFAULT_SUCCEED_ON, problems)
  }

  if (problems.length > 0 || !target) throw new InputError(problems)
  return {
    space,
    project,
    target,
    wait: wait ? waitSettings : undefined,
    token,
    clientToken,
    endpoint,
    maxAttempts,
    requestTimeoutMs: requestTimeoutSeconds * 1000
  }
}

const UUID_EXAMPLE = 'like 0a1b2c3d-1111-4222-8333-444455556666'

function readTarget(
  workflowId: string,
  workflowName: string,
  runId: string,
  problems: string[]
): Target | undefined {
  const before = problems.length
  if (workflowId && !isUuid(workflowId))
    problems.push(
      `Invalid ${Inputs.WorkflowId} ${quote(workflowId)}. Expected the workflow's UUID, ${UUID_EXAMPLE}.`
    )
  if (workflowName.length > 200 || hasControlCharacters(workflowName))
    problems.push(
      `Invalid ${Inputs.WorkflowName} ${quote(workflowName)}. Expected the workflow's name as the console shows it.`
    )
  if (workflowId && workflowName)
    problems.push(
      `Inputs '${Inputs.WorkflowId}' and '${Inputs.WorkflowName}' are both set. Give only one: ` +
        `the name is easier to read, the id never changes.`
    )
  if (runId && !isUuid(runId))
    problems.push(
      `Invalid ${Inputs.RunId} ${quote(runId)}. Expected a workflow run's UUID, ${UUID_EXAMPLE}.`
    )
  if (!workflowId && !workflowName && !runId)
    problems.push(
      `Input '${Inputs.WorkflowName}' or '${Inputs.WorkflowId}' is required to start a run ` +
        `(or give '${Inputs.RunId}' to wait for an existing run).`
    )
  if (problems.length > before) return undefined
  const workflow: WorkflowRef | undefined = workflowId
    ? { id: workflowId }
    : workflowName
      ? { name: workflowName }
      : undefined
  if (runId) return { kind: 'existing', runId, workflow }
  return workflow && { kind: 'start', workflow }
}

/** Accepts what core.getBooleanInput accepts (YAML 1.2 core schema), and '' as false. */
function readBoolean(name: Inputs, value: string, problems: string[]): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['', 'false', 'False', 'FALSE'].includes(value)) return false
  problems.push(`Input '${name}' is ${quote(value)}. Expected true or false.`)
  return false
}

function readSucceedOn(value: string, problems: string[]): string[] {
  const statuses = value
    .split(',')
    .map(s => s.trim().toUpperCase())
    .filter(Boolean)
  const finished: readonly string[] = FINISHED_STATUSES
  const running: readonly string[] = RUNNING_STATUSES
  for (const status of statuses) {
    if (finished.includes(status)) continue
    problems.push(
      `Input '${Inputs.SucceedOn}' names ${quote(status)}, which ` +
        (running.includes(status)
          ? 'is not a finished status'
          : 'is not a CodeCatalyst run status') +
        `. Expected finished statuses from: ${finished.join(', ')}.`
    )
  }
  if (statuses.length === 0)
    problems.push(`Input '${Inputs.SucceedOn}' is empty. Expected e.g. SUCCEEDED.`)
  return statuses
}

function readWholeNumber(
  source: string,
  value: string,
  range: { min: number; max: number },
  problems: string[]
): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  if (!(n >= range.min && n <= range.max)) {
    problems.push(
      `${source} is ${quote(value)}. Expected a whole number from ${range.min} to ${range.max}.`
    )
  }
  return n
}

function readEndpoint(fromInput: string, env: NodeJS.ProcessEnv, problems: string[]): string {
  const fromEnv = env[ENV_ENDPOINT]?.trim()
  const [source, value] = fromInput
    ? [`Input '${Inputs.Endpoint}'`, fromInput]
    : fromEnv
      ? [`Environment variable ${ENV_ENDPOINT}`, fromEnv]
      : ['', DEFAULT_ENDPOINT]
  const problem = checkEndpoint(value)
  if (problem) problems.push(`${source} is ${quote(value)}: ${problem}`)
  return value.replace(/\/+$/, '')
}

/** Why an endpoint URL is unacceptable, or undefined if it is fine. */
export function checkEndpoint(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'expected an absolute URL such as https://codecatalyst.global.api.aws.'
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed.'
  if (url.search || url.hash) return 'a query or fragment is not allowed.'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:') {
    return isLoopback(url.hostname)
      ? undefined
      : 'http is only allowed to a loopback host (127.0.0.0/8, ::1, localhost); use https, ' +
          'so the bearer token never crosses a network in clear text.'
  }
  return `the scheme ${url.protocol} is not supported; use https.`
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)
  )
}
