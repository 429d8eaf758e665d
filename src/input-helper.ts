import {
  DEFAULT_ENDPOINT,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  ENV_ENDPOINT,
  ENV_MAX_ATTEMPTS,
  Inputs,
  MAX_ATTEMPTS_RANGE,
  REQUEST_TIMEOUT_RANGE
} from './constants.js'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  NAME_PATTERN_TEXT,
  isUuid,
  isValidClientToken,
  isValidName
} from './model.js'

/** Everything the action needs, validated. Nothing downstream reads inputs again. */
export interface Settings {
  space: string
  project: string
  workflowId: string
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

/** Shows a user's value in a message: quoted, and shortened if long. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value
  return `'${shown.replace(/[\r\n]+/g, ' ')}'`
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

  const workflowId = input(Inputs.WorkflowId)
  if (!workflowId) problems.push(`Input '${Inputs.WorkflowId}' is required.`)
  else if (!isUuid(workflowId))
    problems.push(
      `Invalid ${Inputs.WorkflowId} ${quote(workflowId)}. Expected the workflow's UUID, ` +
        'like 0a1b2c3d-1111-4222-8333-444455556666.'
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

  if (problems.length > 0) throw new InputError(problems)
  return {
    space,
    project,
    workflowId,
    token,
    clientToken,
    endpoint,
    maxAttempts,
    requestTimeoutMs: requestTimeoutSeconds * 1000
  }
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
