/**
 * The login action's inputs (login/action.yml) as LoginSettings: where to log in, where to save the session,
 * and whether to keep the stored one when it still works. Reports every problem at once, as the main action's
 * input helper does, whose readers it shares; never puts a secret's value in a message.
 */
import {
  BUILDER_ID_REGION,
  BUILDER_ID_START_URL,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  ENV_SSO_OIDC_ENDPOINT,
  Inputs,
  LOGIN_TIMEOUT_RANGE,
  REQUEST_TIMEOUT_RANGE,
  ssoOidcEndpoint
} from '../common/constants.js'
import {
  InputError,
  type InputReader,
  readBoolean,
  readCodeCatalystEndpoint,
  readEndpoint,
  readMaxAttempts,
  readSeconds,
  readSessionSecret,
  readWholeNumber
} from './action-inputs.js'
import { hasControlCharacters, quote } from '../net/safe-text.js'
import type { SessionSecretSettings, SsoSession } from '../common/settings.js'
import { REGION, parseSsoSession } from '../auth/sso-session.js'

/** The stored session, as `sso-session` gave it: usable, or why it is not (it cannot be renewed then). */
export type StoredSession = { session: SsoSession } | { unusable: string }

export interface LoginSettings {
  /** The SSO start URL: AWS Builder ID, or an IAM Identity Center portal. */
  startUrl: string
  /** Where SSO OIDC is called for a new login, without a trailing slash. */
  oidcEndpoint: string
  region: string
  /** Where the session is saved. */
  secret: SessionSecretSettings
  /** CodeCatalyst's API, without a trailing slash: who the session belongs to. */
  endpoint: string
  /** How long to wait for the person; undefined: as long as the device code lives. */
  loginTimeoutMs?: number
  /** Keep the stored session when it can still be renewed. */
  ifNeeded: boolean
  /** The CodeCatalyst user name the session must belong to. */
  expectedUser?: string
  /** The stored session, when `sso-session` is given. */
  stored?: StoredSession
  /** SSO OIDC's address for the stored session: its own region's, unless AWS_ENDPOINT_URL_SSO_OIDC says. */
  storedOidcEndpoint?: string
  maxAttempts: number
  requestTimeoutMs: number
  notices: string[]
  warnings: string[]
}

/** CodeCatalyst user names: letters, digits, '.', '_' and '-', 3 to 100 (GetUserDetails' userName). */
const USER_NAME = /^[a-zA-Z0-9_.-]{3,100}$/

export function getLoginSettings(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  now: number = Date.now()
): LoginSettings {
  const problems: string[] = []
  const input = (name: Inputs): string => read(name).trim()
  if (!input(Inputs.SsoSessionSecret))
    problems.push(
      `Input '${Inputs.SsoSessionSecret}' is required: the name of the secret to save the session to, e.g. CODECATALYST_SSO_SESSION.`
    )
  const secret = readSessionSecret(input, env, problems)
  const where = readWhereToLogIn(input, env, problems)
  const endpoint = readCodeCatalystEndpoint(input, env, problems)
  const limits = readLimits(input, env, problems)
  const expectedUser = readExpectedUser(input(Inputs.ExpectedUser), problems)
  const ifNeeded = readBoolean(Inputs.IfNeeded, input(Inputs.IfNeeded) || 'true', problems)
  const stored = readStored(input(Inputs.SsoSession), now)
  if (problems.length > 0 || !secret) throw new InputError(problems)
  const storedRegion = stored && 'session' in stored ? stored.session.region : undefined
  return {
    ...where,
    secret,
    endpoint,
    ...limits,
    ifNeeded,
    expectedUser,
    stored,
    storedOidcEndpoint:
      storedRegion && (env[ENV_SSO_OIDC_ENDPOINT]?.trim() || ssoOidcEndpoint(storedRegion))
  }
}

/** start-url and sso-region, and the SSO OIDC endpoint they make (unless AWS_ENDPOINT_URL_SSO_OIDC says). */
function readWhereToLogIn(
  input: (name: Inputs) => string,
  env: NodeJS.ProcessEnv,
  problems: string[]
): Pick<LoginSettings, 'startUrl' | 'region' | 'oidcEndpoint'> {
  const startUrl = readStartUrl(input(Inputs.StartUrl) || BUILDER_ID_START_URL, problems)
  const region = input(Inputs.SsoRegion) || BUILDER_ID_REGION
  if (!REGION.test(region))
    problems.push(
      `Input '${Inputs.SsoRegion}' is ${quote(region)}: expected an AWS region such as us-east-1.`
    )
  const oidcEndpoint = readEndpoint(
    [[`Environment variable ${ENV_SSO_OIDC_ENDPOINT}`, env[ENV_SSO_OIDC_ENDPOINT]?.trim()]],
    ssoOidcEndpoint(region),
    problems
  )
  return { startUrl, region, oidcEndpoint }
}

/** How long to wait for the person, and each request's attempts and timeout. */
function readLimits(
  input: (name: Inputs) => string,
  env: NodeJS.ProcessEnv,
  problems: string[]
): Pick<
  LoginSettings,
  'loginTimeoutMs' | 'maxAttempts' | 'requestTimeoutMs' | 'notices' | 'warnings'
> {
  const timeout = input(Inputs.LoginTimeoutSeconds)
  const source = `Input '${Inputs.LoginTimeoutSeconds}'`
  const loginTimeoutMs = timeout
    ? 1000 * readWholeNumber(source, timeout, LOGIN_TIMEOUT_RANGE, problems)
    : undefined
  const said = { notices: [] as string[], warnings: [] as string[] }
  const maxAttempts = readMaxAttempts(input(Inputs.MaxAttempts), env, problems, said)
  const requestTimeoutMs = readSeconds(
    Inputs.RequestTimeoutSeconds,
    input(Inputs.RequestTimeoutSeconds),
    DEFAULT_REQUEST_TIMEOUT_SECONDS,
    REQUEST_TIMEOUT_RANGE,
    problems
  )
  return { loginTimeoutMs, maxAttempts, requestTimeoutMs, ...said }
}

function readExpectedUser(value: string, problems: string[]): string | undefined {
  if (value && !USER_NAME.test(value))
    problems.push(
      `Input '${Inputs.ExpectedUser}' is ${quote(value)}: expected a CodeCatalyst user name ` +
        "(3 to 100 letters, digits, '.', '_' or '-'), as the CodeCatalyst console shows it in your profile."
    )
  return value || undefined
}

/** An https start URL, such as https://view.awsapps.com/start or https://my-org.awsapps.com/start. */
function readStartUrl(value: string, problems: string[]): string {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || url.protocol !== 'https:' || /\s/.test(value) || hasControlCharacters(value))
    problems.push(
      `Input '${Inputs.StartUrl}' is ${quote(value)}: expected the https start URL of AWS Builder ID ` +
        `(${BUILDER_ID_START_URL}) or of your IAM Identity Center (https://<name>.awsapps.com/start).`
    )
  return value
}

/** The stored session: usable, or why not (not JSON, no refresh token, a registration that ended...). */
function readStored(raw: string, now: number): StoredSession | undefined {
  if (!raw) return undefined
  const problems: string[] = []
  const session = parseSsoSession(raw, now, problems)
  return session ? { session } : { unusable: problems.join(' ') }
}
