/** Names and numbers the whole action shares: inputs, outputs, defaults, ranges, endpoints, and the words for logging in again. */
import packageJson from '../../package.json' with { type: 'json' }

/** Input names, exactly as declared in action.yml. */
export enum Inputs {
  Space = 'space',
  Project = 'project',
  WorkflowId = 'workflow-id',
  WorkflowName = 'workflow-name',
  Token = 'token',
  SsoSession = 'sso-session',
  SsoSessionSecret = 'sso-session-secret',
  SsoSessionSecretEnvironment = 'sso-session-secret-environment',
  GitHubToken = 'github-token',
  ClientToken = 'client-token',
  Endpoint = 'endpoint',
  MaxAttempts = 'max-attempts',
  RequestTimeoutSeconds = 'request-timeout-seconds',
  RunId = 'run-id',
  Wait = 'wait',
  WaitTimeoutSeconds = 'wait-timeout-seconds',
  PollIntervalSeconds = 'poll-interval-seconds',
  SucceedOn = 'succeed-on',
  // The login action's own (login/action.yml).
  StartUrl = 'start-url',
  SsoRegion = 'sso-region',
  LoginTimeoutSeconds = 'login-timeout-seconds',
  IfNeeded = 'if-needed',
  ExpectedUser = 'expected-user'
}

/** The inputs of the login action (login/action.yml), some shared with the main action. */
export const LOGIN_INPUTS = [
  Inputs.StartUrl,
  Inputs.SsoRegion,
  Inputs.SsoSession,
  Inputs.SsoSessionSecret,
  Inputs.SsoSessionSecretEnvironment,
  Inputs.GitHubToken,
  Inputs.Endpoint,
  Inputs.LoginTimeoutSeconds,
  Inputs.IfNeeded,
  Inputs.ExpectedUser,
  Inputs.MaxAttempts,
  Inputs.RequestTimeoutSeconds
] as const

/** Output names, exactly as declared in action.yml. */
export enum Outputs {
  RunId = 'run-id',
  WorkflowId = 'workflow-id',
  WorkflowName = 'workflow-name',
  ClientToken = 'client-token',
  Status = 'status',
  StartTime = 'start-time',
  EndTime = 'end-time',
  DurationSeconds = 'duration-seconds',
  SessionRenewed = 'session-renewed',
  SessionSaved = 'session-saved'
}

/** Output names of the login action, exactly as declared in login/action.yml. */
export enum LoginOutputs {
  UserId = 'user-id',
  UserName = 'user-name',
  DisplayName = 'display-name',
  RegistrationExpiresAt = 'registration-expires-at'
}

/** AWS Builder ID, what most CodeCatalyst spaces use: its start URL and region. */
export const BUILDER_ID_START_URL = 'https://view.awsapps.com/start'
export const BUILDER_ID_REGION = 'us-east-1'
/** A device code lives about 10 minutes; the login waits at most this long whatever the code says. */
export const LOGIN_TIMEOUT_RANGE = { min: 1, max: 3600 } as const
/** The name of the SSO OIDC client the login registers, as a person sees it when they approve. */
export const LOGIN_CLIENT_NAME = 'codecatalyst-run-workflow'

export const ACTION_NAME = 'codecatalyst-run-workflow'
/** package.json's version, bundled at build time: the release bumps it in one place. */
export const ACTION_VERSION: string = packageJson.version

export const DEFAULT_ENDPOINT = 'https://codecatalyst.global.api.aws'
export const CONSOLE_URL = 'https://codecatalyst.aws'

/** Environment variables with the AWS SDKs' meaning. */
export const ENV_ENDPOINT = 'AWS_ENDPOINT_URL_CODECATALYST'
export const ENV_MAX_ATTEMPTS = 'AWS_MAX_ATTEMPTS'
/** botocore's first bearer-token provider for this service (`AWS_BEARER_TOKEN_<signing name>`). */
export const ENV_BEARER_TOKEN = 'AWS_BEARER_TOKEN_CODECATALYST'
/** The SDKs' endpoint override for SSO OIDC. */
export const ENV_SSO_OIDC_ENDPOINT = 'AWS_ENDPOINT_URL_SSO_OIDC'

/** The runner's GitHub REST API base URL (https://HOST/api/v3 on GitHub Enterprise Server) and repository. */
export const ENV_GITHUB_API_URL = 'GITHUB_API_URL'
export const ENV_GITHUB_REPOSITORY = 'GITHUB_REPOSITORY'
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com'

/** What `github-token` must be allowed, said in every message that asks for it. */
export const GITHUB_TOKEN_PERMISSIONS =
  'a fine-grained personal access token with the repository permissions Secrets: Read and write and ' +
  'Variables: Read and write (and Environments: Read and write for an environment secret), or a GitHub App ' +
  'installation token with secrets: write and variables: write (and environments: write)'

/**
 * The Actions variable beside the secret (same repository or environment) that says which refresh token the
 * secret holds, as a SHA-256: a secret's value cannot be read back, a variable's can (src/auth/marker.ts).
 */
export function markerVariableName(secretName: string): string {
  return `${secretName.toUpperCase()}_MARKER`
}

/** SSO OIDC's regional endpoint. */
export function ssoOidcEndpoint(region: string): string {
  return `https://oidc.${region}.amazonaws.com`
}

/**
 * A cached access token is used as is while it has at least this long to live (botocore's advisory window);
 * within it, a renewal is tried, and one that fails having spent nothing lets the step go on with the token.
 */
export const SSO_REFRESH_WINDOW_MS = 15 * 60 * 1000
/** With less than this left (botocore's mandatory window), the token must be renewed, or the step fails. */
export const SSO_MANDATORY_WINDOW_MS = 10 * 60 * 1000
/** An early renewal's check of the secret may take at most this long: the token it renews is still good. */
export const EARLY_CHECK_MS = 20 * 1000
/** After an early renewal failed having spent nothing, the next one is tried no sooner than this. */
export const EARLY_RENEWAL_RETRY_MS = 60 * 1000
/**
 * Once CreateToken is sent, the renewal (CreateToken and the save, with their retries) has this long, whatever
 * the step's deadline, and is not cut short by a cancel until the runner's grace after it runs out.
 */
export const RENEWAL_BUDGET_MS = 60 * 1000
/** The step warns when the SSO client registration ends within this many days. */
export const REGISTRATION_WARNING_DAYS = 14
/** What renews an SSO session: the AWS CLI's login, named in every message that asks for it. */
export const SSO_LOGIN_COMMAND = 'aws sso login --profile <profile>'
/** The way back in that needs no AWS CLI: the login action, run as a workflow (login/action.yml). */
export const LOGIN_WORKFLOW = "the login workflow (see 'Log in from GitHub' in the README)"
/** What to do when the stored session can no longer be renewed, said in every message that comes to that. */
export const LOG_IN_AGAIN =
  `log in again: run ${LOGIN_WORKFLOW}, or run \`${SSO_LOGIN_COMMAND}\` and store the new cache file in ` +
  `the secret that '${Inputs.SsoSession}' comes from`
/** A CLI cache file is about 3 KB; anything far larger is not one. */
export const MAX_SSO_SESSION_LENGTH = 64 * 1024

export const DEFAULT_MAX_ATTEMPTS = 5
export const MAX_ATTEMPTS_RANGE = { min: 1, max: 10 } as const
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15
export const REQUEST_TIMEOUT_RANGE = { min: 1, max: 300 } as const
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600
/** Five days: longer than any job a runner allows. */
export const WAIT_TIMEOUT_RANGE = { min: 1, max: 432_000 } as const
export const DEFAULT_POLL_INTERVAL_SECONDS = 15
export const POLL_INTERVAL_RANGE = { min: 1, max: 3600 } as const
export const DEFAULT_SUCCEED_ON = 'SUCCEEDED'
