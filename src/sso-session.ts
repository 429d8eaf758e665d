/**
 * The `sso-session` input: the content of an AWS CLI SSO token cache file, i.e. what
 * `aws sso login` writes to ~/.aws/sso/cache/<sha1 of the sso-session name>.json.
 * Pure: parses and validates, never prints, and never puts a secret value in a message.
 */
import { Inputs, MAX_SSO_SESSION_LENGTH } from './constants.js'
import { isRecord } from './errors.js'
import { isoDate } from './format.js'
import { isBearerToken, quote } from './safe-text.js'

export interface SsoSession {
  /** The SSO start URL (AWS Builder ID or an IAM Identity Center portal); informational. */
  startUrl?: string
  /** The sso_region: where SSO OIDC is called to renew the access token. */
  region: string
  /** The cached access token, when there is one; renewed once it ends within the refresh window. */
  accessToken?: string
  /** When accessToken ends, in ms since the epoch. */
  expiresAt?: number
  clientId: string
  clientSecret: string
  /** When the client registration (clientId/clientSecret) ends, in ms since the epoch. */
  registrationExpiresAt?: number
  refreshToken: string
}

/** The members whose values are secrets: masked before anything can print them. */
const SECRET_MEMBERS = ['accessToken', 'refreshToken', 'clientSecret'] as const

/** An AWS region name, e.g. us-east-1 or us-gov-west-1: it becomes part of a host name. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/

/** ISO 8601 with a zone, as the CLI writes it (`Z`, or `UTC` in older CLIs, or an offset). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|UTC|[+-]\d{2}:?\d{2})$/

const LOGIN_HINT =
  'Run `aws sso login --profile <profile>` and store the content of the new cache file in the secret ' +
  '(see Authentication in the README).'

/** The secret strings in a raw `sso-session` value, found leniently, so they can be masked first. */
export function ssoSessionSecrets(raw: string): string[] {
  if (!raw || raw.length > MAX_SSO_SESSION_LENGTH) return []
  try {
    const parsed: unknown = JSON.parse(raw)
    if (!isRecord(parsed)) return []
    return SECRET_MEMBERS.map(m => parsed[m]).filter(
      (v): v is string => typeof v === 'string' && v !== ''
    )
  } catch {
    return []
  }
}

/**
 * Parses the `sso-session` input. Every problem goes into `problems`, each naming the input and the
 * member, none showing a secret; returns undefined when there is any.
 */
export function parseSsoSession(
  raw: string,
  now: number,
  problems: string[]
): SsoSession | undefined {
  const name = `Input '${Inputs.SsoSession}'`
  if (raw.length > MAX_SSO_SESSION_LENGTH) {
    problems.push(
      `${name} is ${raw.length} characters long, far larger than an SSO token cache file ` +
        `(at most ${MAX_SSO_SESSION_LENGTH} are accepted). Store the content of one cache file. ${LOGIN_HINT}`
    )
    return undefined
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    // JSON.parse's own message quotes the input, which is a secret: say nothing of the content.
    problems.push(
      `${name} is not valid JSON. Store the whole content of the cache file, unchanged. ${LOGIN_HINT}`
    )
    return undefined
  }
  if (!isRecord(parsed)) {
    problems.push(`${name} is JSON but not an object. ${LOGIN_HINT}`)
    return undefined
  }

  const before = problems.length
  const member = (key: string, required: boolean): string | undefined => {
    const value = parsed[key]
    if (value === undefined || value === null || value === '') {
      if (required) problems.push(`${name} has no '${key}'. ${LOGIN_HINT}`)
      return undefined
    }
    if (typeof value !== 'string') {
      problems.push(`${name}: '${key}' is not a string.`)
      return undefined
    }
    return value
  }
  const time = (key: string): number | undefined => {
    const value = member(key, false)
    if (value === undefined) return undefined
    const ms = TIMESTAMP.test(value) ? Date.parse(value.replace(/UTC$/, 'Z')) : NaN
    if (Number.isNaN(ms)) {
      problems.push(
        `${name}: '${key}' is ${quote(value)}, not a date such as 2026-01-31T12:00:00Z.`
      )
    }
    return ms
  }

  const region = member('region', true)
  if (region !== undefined && !REGION.test(region))
    problems.push(`${name}: 'region' is ${quote(region)}, not an AWS region such as us-east-1.`)
  const clientId = member('clientId', true)
  const clientSecret = member('clientSecret', true)
  const refreshToken = member('refreshToken', true)
  const accessToken = member('accessToken', false)
  if (accessToken !== undefined && !isBearerToken(accessToken))
    problems.push(
      `${name}: 'accessToken' has whitespace or characters that cannot be sent in an HTTP header.`
    )
  const expiresAt = time('expiresAt')
  const registrationExpiresAt = time('registrationExpiresAt')
  if (registrationExpiresAt !== undefined && registrationExpiresAt <= now)
    problems.push(
      `${name}: its SSO client registration expired on ${isoDate(registrationExpiresAt)} ` +
        `(registrationExpiresAt), so the access token can no longer be renewed. ${LOGIN_HINT}`
    )

  if (problems.length > before || !region || !clientId || !clientSecret || !refreshToken)
    return undefined
  return {
    startUrl: member('startUrl', false),
    region,
    accessToken,
    expiresAt,
    clientId,
    clientSecret,
    registrationExpiresAt,
    refreshToken
  }
}

/** The warning to show when the client registration ends within `days`; undefined otherwise. */
export function registrationWarning(
  session: SsoSession,
  now: number,
  days: number
): string | undefined {
  const ends = session.registrationExpiresAt
  if (ends === undefined || ends - now > days * 86_400_000) return undefined
  const left = Math.max(0, Math.floor((ends - now) / 86_400_000))
  return (
    `The SSO client registration in '${Inputs.SsoSession}' ends on ${isoDate(ends)} ` +
    `(in ${left} day${left === 1 ? '' : 's'}); after that this step fails until the secret is renewed. ` +
    LOGIN_HINT
  )
}
