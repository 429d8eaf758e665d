/** The main action's inputs (action.yml) as Settings: every problem reported at once, no secret ever shown. */
import {
  DEFAULT_ENDPOINT,
  DEFAULT_GITHUB_API_URL,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  DEFAULT_SUCCEED_ON,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  ENV_BEARER_TOKEN,
  ENV_ENDPOINT,
  ENV_GITHUB_API_URL,
  ENV_GITHUB_REPOSITORY,
  ENV_MAX_ATTEMPTS,
  ENV_SSO_OIDC_ENDPOINT,
  GITHUB_TOKEN_PERMISSIONS,
  Inputs,
  MAX_ATTEMPTS_RANGE,
  POLL_INTERVAL_RANGE,
  REQUEST_TIMEOUT_RANGE,
  WAIT_TIMEOUT_RANGE,
  ssoOidcEndpoint
} from '../common/constants.js'
import { gitHubContext } from '../codecatalyst/client-token.js'
import {
  CLIENT_TOKEN_MAX_LENGTH,
  FINISHED_STATUSES,
  NAME_PATTERN_TEXT,
  RUNNING_STATUSES,
  isUuid,
  isValidClientToken,
  isValidName
} from '../codecatalyst/model.js'
import { hasControlCharacters, isBearerToken, quote } from '../net/safe-text.js'
import type {
  CredentialSettings,
  SessionSecretSettings,
  Settings,
  Target,
  WaitSettings,
  WorkflowRef
} from '../common/settings.js'
import { parseSsoSession, ssoSessionSecrets } from '../auth/sso-session.js'

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

/** Every secret value among the inputs and the environment, found leniently, to be masked first. */
export function secretsIn(read: InputReader, env: NodeJS.ProcessEnv): string[] {
  return [
    read(Inputs.Token).trim(),
    read(Inputs.GitHubToken).trim(),
    env[ENV_BEARER_TOKEN]?.trim() ?? '',
    ...ssoSessionSecrets(read(Inputs.SsoSession).trim())
  ].filter(Boolean)
}

/**
 * Turns the action's inputs (and the AWS SDK environment conventions) into Settings.
 * Reports every problem in one InputError; never puts a secret's value in a message.
 */
export function getSettings(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  now: number = Date.now()
): Settings {
  const problems: string[] = []
  const input = (name: Inputs): string => read(name).trim()
  const space = readName(Inputs.Space, input(Inputs.Space), problems)
  const project = readName(Inputs.Project, input(Inputs.Project), problems)
  const target = readTarget(input, problems)
  const credential = readCredential(input, env, now, problems)
  const secret = readSessionSecret(input, env, problems)
  if (credential?.kind === 'sso-session') credential.secret = secret
  if (input(Inputs.SsoSessionSecret) && !input(Inputs.SsoSession))
    problems.push(SECRET_NEEDS_SESSION)
  const clientToken = readClientToken(input(Inputs.ClientToken), problems)
  const endpoint = readCodeCatalystEndpoint(input, env, problems)
  const said = { notices: [] as string[], warnings: [] as string[] }
  const maxAttempts = readMaxAttempts(input(Inputs.MaxAttempts), env, problems, said)
  const requestTimeoutMs = readSeconds(
    Inputs.RequestTimeoutSeconds,
    input(Inputs.RequestTimeoutSeconds),
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    REQUEST_TIMEOUT_RANGE,
    problems
  )
  const waits =
    readBoolean(Inputs.Wait, input(Inputs.Wait), problems) || target?.kind === 'existing'
  const wait = readWait(input, problems)

  if (problems.length > 0 || !target || !credential) throw new InputError(problems)
  return {
    space,
    project,
    target,
    wait: waits ? wait : undefined,
    credential,
    clientToken,
    endpoint,
    maxAttempts,
    requestTimeoutMs,
    github: gitHubContext(env),
    ...said
  }
}

function readName(name: Inputs, value: string, problems: string[]): string {
  if (!value) problems.push(`Input '${name}' is required.`)
  else if (!isValidName(value))
    problems.push(`Invalid ${name} ${quote(value)}. Expected ${NAME_PATTERN_TEXT}.`)
  return value
}

/**
 * `max-attempts`, else AWS_MAX_ATTEMPTS (the SDKs' variable), else the default. The variable is set for other
 * tools, not as this step's input: a value over the action's range is capped, with a notice, and one that is
 * no whole number from the range at all is ignored, with a warning.
 */
export function readMaxAttempts(
  value: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
  said: { notices: string[]; warnings: string[] }
): number {
  const fromEnv = env[ENV_MAX_ATTEMPTS]?.trim()
  if (value || !fromEnv)
    return readWholeNumber(
      `Input '${Inputs.MaxAttempts}'`,
      value || String(DEFAULT_MAX_ATTEMPTS),
      MAX_ATTEMPTS_RANGE,
      problems
    )
  const source = `Environment variable ${ENV_MAX_ATTEMPTS}`
  const { min, max } = MAX_ATTEMPTS_RANGE
  const n = /^\d+$/.test(fromEnv) ? Number(fromEnv) : NaN
  if (n >= min && n <= max) return n
  const choose = `Set the '${Inputs.MaxAttempts}' input to choose another number for this step.`
  if (n > max) {
    said.notices.push(
      `${source} is ${fromEnv}; this action makes at most ${max} attempts per call, so it uses ${max}. ${choose}`
    )
    return max
  }
  said.warnings.push(
    `${source} is ${quote(fromEnv)}, which is not a number of attempts from ${min} to ${max}: it is ignored, ` +
      `and this step makes ${DEFAULT_MAX_ATTEMPTS} attempts per call. ${choose}`
  )
  return DEFAULT_MAX_ATTEMPTS
}

function readClientToken(value: string, problems: string[]): string | undefined {
  if (value && !isValidClientToken(value))
    problems.push(
      `Invalid ${Inputs.ClientToken} ${quote(value)}. Expected 1-${CLIENT_TOKEN_MAX_LENGTH} ` +
        `characters: ${NAME_PATTERN_TEXT}.`
    )
  return value || undefined
}

function readWait(input: (name: Inputs) => string, problems: string[]): WaitSettings {
  return {
    timeoutMs: readSeconds(
      Inputs.WaitTimeoutSeconds,
      input(Inputs.WaitTimeoutSeconds),
      DEFAULT_WAIT_TIMEOUT_SECONDS,
      WAIT_TIMEOUT_RANGE,
      problems
    ),
    pollIntervalMs: readSeconds(
      Inputs.PollIntervalSeconds,
      input(Inputs.PollIntervalSeconds),
      DEFAULT_POLL_INTERVAL_SECONDS,
      POLL_INTERVAL_RANGE,
      problems
    ),
    succeedOn: readSucceedOn(input(Inputs.SucceedOn) || DEFAULT_SUCCEED_ON, problems)
  }
}

/** A whole number of seconds input, in milliseconds. */
export function readSeconds(
  name: Inputs,
  value: string,
  fallback: number,
  range: { min: number; max: number },
  problems: string[]
): number {
  return 1000 * readWholeNumber(`Input '${name}'`, value || String(fallback), range, problems)
}

const UUID_EXAMPLE = 'like 0a1b2c3d-1111-4222-8333-444455556666'

function readTarget(input: (name: Inputs) => string, problems: string[]): Target | undefined {
  const workflowId = input(Inputs.WorkflowId)
  const workflowName = input(Inputs.WorkflowName)
  const runId = input(Inputs.RunId)
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
export function readBoolean(name: Inputs, value: string, problems: string[]): boolean {
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

export function readWholeNumber(
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

const SESSION_EXAMPLE = `${Inputs.SsoSession}: \${{ secrets.CODECATALYST_SSO_SESSION }}`

/** Exactly one of `token` and `sso-session`, or neither and AWS_BEARER_TOKEN_CODECATALYST. */
function readCredential(
  input: (name: Inputs) => string,
  env: NodeJS.ProcessEnv,
  now: number,
  problems: string[]
): CredentialSettings | undefined {
  const token = input(Inputs.Token)
  const session = input(Inputs.SsoSession)
  if (token && session) {
    problems.push(
      `Inputs '${Inputs.Token}' and '${Inputs.SsoSession}' are both set. Give only one: ` +
        `'${Inputs.SsoSession}' (recommended) is renewed by the action, '${Inputs.Token}' is used as is.`
    )
    return undefined
  }
  if (session) {
    const parsed = parseSsoSession(session, now, problems)
    if (!parsed) return undefined
    const oidcEndpoint = readEndpoint(
      [[`Environment variable ${ENV_SSO_OIDC_ENDPOINT}`, env[ENV_SSO_OIDC_ENDPOINT]?.trim()]],
      ssoOidcEndpoint(parsed.region),
      problems
    )
    return { kind: 'sso-session', session: parsed, oidcEndpoint, given: session }
  }
  const [source, value] = token
    ? [`input '${Inputs.Token}'`, token]
    : [`environment variable ${ENV_BEARER_TOKEN}`, env[ENV_BEARER_TOKEN]?.trim() ?? '']
  if (!value) {
    problems.push(
      `No credential: give '${Inputs.SsoSession}' (recommended: the AWS CLI's SSO session, which the action ` +
        `renews) or '${Inputs.Token}' (a bearer access token) from a secret, e.g. ${SESSION_EXAMPLE}; ` +
        `or set ${ENV_BEARER_TOKEN}. Check that the secret exists: workflows triggered from forks get no secrets.`
    )
    return undefined
  }
  if (!isBearerToken(value)) {
    problems.push(
      `The token in ${source} has whitespace or characters that cannot be sent in an HTTP header ` +
        '(its value is not shown). Store the access token alone in the secret, with no spaces or line breaks.'
    )
    return undefined
  }
  return { kind: 'token', token: value, source }
}

const SECRET_NEEDS_SESSION =
  `Input '${Inputs.SsoSessionSecret}' needs '${Inputs.SsoSession}': only an SSO session is renewed and saved ` +
  `(a '${Inputs.Token}' is used as is).`

/** Secret names as GitHub takes them. */
const SECRET_NAME = /^(?!GITHUB_)[A-Z_][A-Z0-9_]*$/i
/** One part of GITHUB_REPOSITORY: an owner or a repository name. */
const REPOSITORY_PART = /^[\w.-]+$/

/**
 * `sso-session-secret`, with its environment and `github-token`: where renewed sessions are saved.
 * Each needs the others (and `sso-session`); every problem is reported.
 */
export function readSessionSecret(
  input: (name: Inputs) => string,
  env: NodeJS.ProcessEnv,
  problems: string[]
): SessionSecretSettings | undefined {
  const name = input(Inputs.SsoSessionSecret)
  const environment = input(Inputs.SsoSessionSecretEnvironment) || undefined
  const githubToken = input(Inputs.GitHubToken)
  if (!name) {
    refuseWithoutSecret(environment, githubToken, problems)
    return undefined
  }
  const before = problems.length
  if (!SECRET_NAME.test(name))
    problems.push(
      `Invalid ${Inputs.SsoSessionSecret} ${quote(name)}. Expected the name of a secret: letters, digits and '_', ` +
        'not starting with a digit or GITHUB_, e.g. CODECATALYST_SSO_SESSION.'
    )
  if (environment !== undefined && (environment.length > 255 || hasControlCharacters(environment)))
    problems.push(
      `Invalid ${Inputs.SsoSessionSecretEnvironment} ${quote(environment)}. Expected the name of an environment of the repository.`
    )
  if (!githubToken)
    problems.push(
      `Input '${Inputs.SsoSessionSecret}' needs '${Inputs.GitHubToken}': a token that may write that secret, ` +
        `${GITHUB_TOKEN_PERMISSIONS}. The job's GITHUB_TOKEN cannot write secrets.`
    )
  else if (!isBearerToken(githubToken))
    problems.push(
      `The token in input '${Inputs.GitHubToken}' has whitespace or characters that cannot be sent in an HTTP ` +
        'header (its value is not shown). Store the token alone in the secret, with no spaces or line breaks.'
    )
  const [owner, repo] = readRepository(env, problems)
  const apiUrl = readEndpoint(
    [[`Environment variable ${ENV_GITHUB_API_URL}`, env[ENV_GITHUB_API_URL]?.trim()]],
    DEFAULT_GITHUB_API_URL,
    problems
  )
  if (problems.length > before) return undefined
  return { name, environment, githubToken, apiUrl, owner, repo }
}

/** `sso-session-secret-environment` and `github-token` serve only `sso-session-secret`: alone, each is a mistake. */
function refuseWithoutSecret(
  environment: string | undefined,
  githubToken: string,
  problems: string[]
): void {
  const alone = [
    [Inputs.SsoSessionSecretEnvironment, environment, 'the environment whose secret it is'],
    [Inputs.GitHubToken, githubToken, 'the token that saves the renewed SSO session to it']
  ] as const
  for (const [inputName, given, what] of alone)
    if (given)
      problems.push(
        `Input '${inputName}' is set but '${Inputs.SsoSessionSecret}' is not: '${inputName}' is ${what}. ` +
          `Set '${Inputs.SsoSessionSecret}' to the name of the secret that '${Inputs.SsoSession}' comes from, or remove '${inputName}'.`
      )
}

/** GITHUB_REPOSITORY as [owner, repo]: where the secret is. */
function readRepository(env: NodeJS.ProcessEnv, problems: string[]): [string, string] {
  const repository = env[ENV_GITHUB_REPOSITORY]?.trim() ?? ''
  const [owner = '', repo = '', ...rest] = repository.split('/')
  if (!REPOSITORY_PART.test(owner) || !REPOSITORY_PART.test(repo) || rest.length > 0)
    problems.push(
      `Environment variable ${ENV_GITHUB_REPOSITORY} is ${repository ? quote(repository) : 'not set'}: saving the ` +
        `session needs the repository as owner/repo (the runner sets it; outside GitHub Actions, set it yourself).`
    )
  return [owner, repo]
}

/** CodeCatalyst's API: `endpoint`, else AWS_ENDPOINT_URL_CODECATALYST, else the global endpoint. */
export function readCodeCatalystEndpoint(
  input: (name: Inputs) => string,
  env: NodeJS.ProcessEnv,
  problems: string[]
): string {
  return readEndpoint(
    [
      [`Input '${Inputs.Endpoint}'`, input(Inputs.Endpoint)],
      [`Environment variable ${ENV_ENDPOINT}`, env[ENV_ENDPOINT]?.trim()]
    ],
    DEFAULT_ENDPOINT,
    problems
  )
}

/** The first endpoint given among `candidates` (source, value), else `fallback`; checked and without a trailing slash. */
export function readEndpoint(
  candidates: [source: string, value: string | undefined][],
  fallback: string,
  problems: string[]
): string {
  const [source, value] = candidates.find(([, v]) => v) ?? ['', fallback]
  const problem = value === undefined ? undefined : checkEndpoint(value)
  if (problem) problems.push(`${source} is ${quote(value ?? '')}: ${problem}`)
  return (value ?? fallback).replace(/\/+$/, '')
}

/** Why an endpoint URL is unacceptable, or undefined if it is fine. */
export function checkEndpoint(value: string): string | undefined {
  // The URL parser drops tabs and line breaks silently; the raw value must not differ from what is used.
  if (/\s/.test(value) || hasControlCharacters(value))
    return 'whitespace and control characters are not allowed.'
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
      : 'http is only allowed to a loopback address (127.0.0.0/8, [::1] or localhost), which the ' +
          'transport always reaches directly, never through a proxy; use https, so no credential ever ' +
          'crosses a network in clear text.'
  }
  return `the scheme ${url.protocol} is not supported; use https.`
}

/**
 * A host that is on this machine and that @actions/http-client always reaches directly, whatever
 * HTTP_PROXY and NO_PROXY say: `localhost`, an IPv4 address in 127.0.0.0/8, or [::1] (hostname as the
 * URL parser gives it). Names such as x.localhost are not: the client sends them to a configured proxy.
 */
function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)
  )
}
