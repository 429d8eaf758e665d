/**
 * The `sso-session` input: the content of an AWS CLI SSO token cache file, i.e. what
 * `aws sso login` writes to ~/.aws/sso/cache/<sha1 of the sso-session name>.json.
 * Pure: parses and validates, never prints, and never puts a secret value in a message.
 */
import { Inputs, LOG_IN_AGAIN, MAX_SSO_SESSION_LENGTH } from '../common/constants.js'
import { isRecord } from '../net/errors.js'
import { isoDate, isoSeconds } from '../common/format.js'
import { isBearerToken, quote } from '../net/safe-text.js'
import type { SsoSession } from '../common/settings.js'

/** What a renewal changes in a session. */
export interface RenewedToken {
  accessToken: string
  /** ms since the epoch. */
  expiresAt: number
  refreshToken: string
}

/** The members whose values are secrets: masked before anything can print them. */
const SECRET_MEMBERS = ['accessToken', 'refreshToken', 'clientSecret'] as const

/** An AWS region name, e.g. us-east-1 or us-gov-west-1: it becomes part of a host name. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/

/** ISO 8601 with a zone, as the CLI writes it (`Z`, or `UTC` in older CLIs, or an offset). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|UTC|[+-]\d{2}:?\d{2})$/

const LOGIN_HINT = `For a new session, ${LOG_IN_AGAIN}.`

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
  const record = parseObject(raw, problems)
  if (!record) return undefined
  const before = problems.length
  const members = new MemberReader(record, problems)
  const region = members.text('region', true)
  if (region !== undefined && !REGION.test(region))
    problems.push(`${NAME}: 'region' is ${quote(region)}, not an AWS region such as us-east-1.`)
  const clientId = members.text('clientId', true)
  const clientSecret = members.text('clientSecret', true)
  const refreshToken = members.text('refreshToken', true)
  const accessToken = members.text('accessToken', false)
  if (accessToken !== undefined && !isBearerToken(accessToken))
    problems.push(
      `${NAME}: 'accessToken' has whitespace or characters that cannot be sent in an HTTP header.`
    )
  const expiresAt = members.time('expiresAt')
  const registrationExpiresAt = members.time('registrationExpiresAt')
  if (registrationExpiresAt !== undefined && registrationExpiresAt <= now)
    problems.push(
      `${NAME}: its SSO client registration expired on ${isoDate(registrationExpiresAt)} ` +
        `(registrationExpiresAt), so the access token can no longer be renewed. ${LOGIN_HINT}`
    )
  if (problems.length > before || !region || !clientId || !clientSecret || !refreshToken)
    return undefined
  const startUrl = members.text('startUrl', false)
  return {
    startUrl,
    region,
    accessToken,
    expiresAt,
    clientId,
    clientSecret,
    registrationExpiresAt,
    refreshToken,
    members: record
  }
}

/**
 * The cache file of a renewed session, as the AWS CLI writes it: the new access token and its end, the newest
 * refresh token, and every other member as given (but the save time that earlier versions of the action added).
 */
export function renewedCacheFile(session: SsoSession, renewed: RenewedToken): string {
  const { [LEGACY_SAVED_AT_MEMBER]: _savedAt, ...members } = session.members
  return JSON.stringify({
    ...members,
    accessToken: renewed.accessToken,
    expiresAt: isoSeconds(renewed.expiresAt),
    refreshToken: renewed.refreshToken
  })
}

/** What a new login gives: its start URL and region, client registration and tokens. */
export interface NewSession {
  startUrl: string
  region: string
  clientId: string
  clientSecret: string
  /** ms since the epoch. */
  registrationExpiresAt: number
  accessToken: string
  /** ms since the epoch. */
  expiresAt: number
  refreshToken: string
}

/** The cache file of a new login, exactly as `aws sso login` writes it: its members, in its order. */
export function newCacheFile(session: NewSession): string {
  return JSON.stringify({
    startUrl: session.startUrl,
    region: session.region,
    accessToken: session.accessToken,
    expiresAt: isoSeconds(session.expiresAt),
    clientId: session.clientId,
    clientSecret: session.clientSecret,
    registrationExpiresAt: isoSeconds(session.registrationExpiresAt),
    refreshToken: session.refreshToken
  })
}

/** What versions of the action before the marker variable added to the file: when it saved it. */
const LEGACY_SAVED_AT_MEMBER = 'githubSecretSavedAt'

const NAME = `Input '${Inputs.SsoSession}'`

/** The JSON object in `raw`, or undefined with the problem said (never the content: it is a secret). */
function parseObject(raw: string, problems: string[]): Record<string, unknown> | undefined {
  if (raw.length > MAX_SSO_SESSION_LENGTH) {
    problems.push(
      `${NAME} is ${raw.length} characters long, far larger than an SSO token cache file ` +
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
      `${NAME} is not valid JSON. Store the whole content of the cache file, unchanged. ${LOGIN_HINT}`
    )
    return undefined
  }
  if (isRecord(parsed)) return parsed
  problems.push(`${NAME} is JSON but not an object. ${LOGIN_HINT}`)
  return undefined
}

/** Reads members of the cache file, saying what is missing or malformed. */
class MemberReader {
  constructor(
    private readonly record: Record<string, unknown>,
    private readonly problems: string[]
  ) {}

  /** A string member; '' and null count as absent. */
  text(key: string, required: boolean): string | undefined {
    const value = this.record[key]
    if (value === undefined || value === null || value === '') {
      if (required) this.problems.push(`${NAME} has no '${key}'. ${LOGIN_HINT}`)
      return undefined
    }
    if (typeof value === 'string') return value
    this.problems.push(`${NAME}: '${key}' is not a string.`)
    return undefined
  }

  /** A timestamp member, in ms since the epoch; NaN (with a problem) when it is not one. */
  time(key: string): number | undefined {
    const value = this.text(key, false)
    if (value === undefined) return undefined
    const ms = TIMESTAMP.test(value) ? Date.parse(value.replace(/UTC$/, 'Z')) : NaN
    if (Number.isNaN(ms))
      this.problems.push(
        `${NAME}: '${key}' is ${quote(value)}, not a date such as 2026-01-31T12:00:00Z.`
      )
    return ms
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
