/**
 * The login action's inputs (login/action.yml) as LoginSettings: where to log in, where to save the session,
 * and whether to keep the stored one when it still works. Reports every problem at once, as the main action's
 * inputs do, whose readers and rules it shares; never puts a secret's value in a message.
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
import type { SessionSecretSettings, SsoSession } from '../common/settings.js'
import { REGION, parseSsoSession } from '../auth/sso-session.js'
import { hasControlCharacters, quote } from '../net/safe-text.js'
import { readSecretInputs, sessionSecretOf } from './credential-inputs.js'
import {
  type Given,
  type InputReader,
  InputError,
  type Reading,
  readBoolean,
  readCodeCatalystEndpoint,
  readEndpoint,
  readMaxAttempts,
  readSeconds,
  readWholeNumber,
  reading,
  trimmed
} from './reading.js'
import { loginRules } from './rules.js'

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

/**
 * Turns the login's inputs (and the environment) into LoginSettings. Reports every problem in one InputError;
 * a stored session that cannot be used is no problem: it says why, and the login logs in anew.
 */
export function getLoginSettings(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  now: number = Date.now()
): LoginSettings {
  const input = trimmed(read)
  const r = readLoginInputs(input, env)
  const problems = loginRules(input, env, r)
  const secret = sessionSecretOf(r.secret)
  if (problems.length > 0 || !secret) throw new InputError(problems)
  const stored = readStored(input(Inputs.SsoSession), now)
  const storedRegion = stored && 'session' in stored ? stored.session.region : undefined
  return {
    ...r.where.value,
    secret,
    endpoint: r.endpoint.value,
    loginTimeoutMs: r.loginTimeout.value,
    maxAttempts: r.maxAttempts.value,
    requestTimeoutMs: r.requestTimeout.value,
    notices: r.maxAttempts.notices,
    warnings: r.maxAttempts.warnings,
    ifNeeded: r.ifNeeded.value,
    expectedUser: r.expectedUser.value,
    stored,
    storedOidcEndpoint:
      storedRegion && (env[ENV_SSO_OIDC_ENDPOINT]?.trim() || ssoOidcEndpoint(storedRegion))
  }
}

/** Each of the login's inputs (or group read together) read on its own, whatever the others say. */
function readLoginInputs(input: Given, env: NodeJS.ProcessEnv) {
  return {
    secret: readSecretInputs(input, env),
    where: readWhereToLogIn(input(Inputs.StartUrl), input(Inputs.SsoRegion), env),
    endpoint: readCodeCatalystEndpoint(input(Inputs.Endpoint), env),
    loginTimeout: readLoginTimeout(input(Inputs.LoginTimeoutSeconds)),
    maxAttempts: readMaxAttempts(input(Inputs.MaxAttempts), env),
    requestTimeout: readSeconds(
      Inputs.RequestTimeoutSeconds,
      input(Inputs.RequestTimeoutSeconds),
      DEFAULT_REQUEST_TIMEOUT_SECONDS,
      REQUEST_TIMEOUT_RANGE
    ),
    expectedUser: readExpectedUser(input(Inputs.ExpectedUser)),
    ifNeeded: readBoolean(Inputs.IfNeeded, input(Inputs.IfNeeded) || 'true')
  }
}

/** `start-url` and `sso-region` (AWS Builder ID's by default), and the SSO OIDC endpoint they make (unless AWS_ENDPOINT_URL_SSO_OIDC says). */
export function readWhereToLogIn(
  startUrlInput: string,
  regionInput: string,
  env: NodeJS.ProcessEnv
): Reading<Pick<LoginSettings, 'startUrl' | 'region' | 'oidcEndpoint'>> {
  const startUrl = readStartUrl(startUrlInput || BUILDER_ID_START_URL)
  const region = regionInput || BUILDER_ID_REGION
  const regionProblem =
    !REGION.test(region) &&
    `Input '${Inputs.SsoRegion}' is ${quote(region)}: expected an AWS region such as us-east-1.`
  const oidcEndpoint = readEndpoint(
    [[`Environment variable ${ENV_SSO_OIDC_ENDPOINT}`, env[ENV_SSO_OIDC_ENDPOINT]?.trim()]],
    ssoOidcEndpoint(region)
  )
  return {
    value: { startUrl: startUrl.value, region, oidcEndpoint: oidcEndpoint.value },
    problems: [
      ...startUrl.problems,
      ...(regionProblem ? [regionProblem] : []),
      ...oidcEndpoint.problems
    ]
  }
}

/** `login-timeout-seconds`, when given, in milliseconds: how long to wait for the person. */
export function readLoginTimeout(value: string): Reading<number | undefined> {
  if (!value) return reading(undefined)
  const seconds = readWholeNumber(
    `Input '${Inputs.LoginTimeoutSeconds}'`,
    value,
    LOGIN_TIMEOUT_RANGE
  )
  return { value: 1000 * seconds.value, problems: seconds.problems }
}

/** `expected-user`, when given: a CodeCatalyst user name. */
export function readExpectedUser(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    value !== '' &&
      !USER_NAME.test(value) &&
      `Input '${Inputs.ExpectedUser}' is ${quote(value)}: expected a CodeCatalyst user name ` +
        "(3 to 100 letters, digits, '.', '_' or '-'), as the CodeCatalyst console shows it in your profile."
  )
}

/** An https start URL, such as https://view.awsapps.com/start or https://my-org.awsapps.com/start. */
export function readStartUrl(value: string): Reading<string> {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  return reading(
    value,
    (!url || url.protocol !== 'https:' || /\s/.test(value) || hasControlCharacters(value)) &&
      `Input '${Inputs.StartUrl}' is ${quote(value)}: expected the https start URL of AWS Builder ID ` +
        `(${BUILDER_ID_START_URL}) or of your IAM Identity Center (https://<name>.awsapps.com/start).`
  )
}

/** The stored session: usable, or why not (not JSON, no refresh token, a registration that ended...). */
export function readStored(raw: string, now: number): StoredSession | undefined {
  if (!raw) return undefined
  const { value: session, problems } = parseSsoSession(raw, now)
  return session ? { session } : { unusable: problems.join(' ') }
}
