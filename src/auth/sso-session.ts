/**
 * The `sso-session` input: the content of an AWS CLI SSO token cache file, i.e. what
 * `aws sso login` writes to ~/.aws/sso/cache/<sha1 of the sso-session name>.json.
 * Pure: parses and validates, never prints, and never puts a secret value in a message.
 */
import { Inputs, LOG_IN_AGAIN, MAX_SSO_SESSION_LENGTH } from '../common/constants.js'
import { isRecord } from '../net/errors.js'
import { isoDate, isoSeconds } from '../common/format.js'
import { isBearerToken, quote } from '../net/safe-text.js'
import type { Reading, SsoSession } from '../common/settings.js'

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
 * Parses the `sso-session` input: the session when it can be used, and every problem found, each naming the
 * input and the member, none showing a secret. The value is undefined when a member it needs is missing or
 * malformed; a malformed `startUrl` (informational) is a problem but leaves the session usable.
 */
export function parseSsoSession(raw: string, now: number): Reading<SsoSession | undefined> {
  const object = parseObject(raw)
  const record = object.value
  if (!record) return { value: undefined, problems: object.problems }
  const region = regionMember(record)
  const clientId = textMember(record, 'clientId', true)
  const clientSecret = textMember(record, 'clientSecret', true)
  const refreshToken = textMember(record, 'refreshToken', true)
  const accessToken = accessTokenMember(record)
  const expiresAt = timeMember(record, 'expiresAt')
  const registrationExpiresAt = registrationMember(record, now)
  const problems = [
    region,
    clientId,
    clientSecret,
    refreshToken,
    accessToken,
    expiresAt,
    registrationExpiresAt
  ].flatMap(member => member.problems)
  if (
    problems.length > 0 ||
    !region.value ||
    !clientId.value ||
    !clientSecret.value ||
    !refreshToken.value
  )
    return { value: undefined, problems }
  const startUrl = textMember(record, 'startUrl', false)
  const session: SsoSession = {
    startUrl: startUrl.value,
    region: region.value,
    accessToken: accessToken.value,
    expiresAt: expiresAt.value,
    clientId: clientId.value,
    clientSecret: clientSecret.value,
    registrationExpiresAt: registrationExpiresAt.value,
    refreshToken: refreshToken.value,
    members: record
  }
  return { value: session, problems: startUrl.problems }
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
function parseObject(raw: string): Reading<Record<string, unknown> | undefined> {
  const refused = (problem: string) => ({ value: undefined, problems: [problem] })
  if (raw.length > MAX_SSO_SESSION_LENGTH)
    return refused(
      `${NAME} is ${raw.length} characters long, far larger than an SSO token cache file ` +
        `(at most ${MAX_SSO_SESSION_LENGTH} are accepted). Store the content of one cache file. ${LOGIN_HINT}`
    )
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    // JSON.parse's own message quotes the input, which is a secret: say nothing of the content.
    return refused(
      `${NAME} is not valid JSON. Store the whole content of the cache file, unchanged. ${LOGIN_HINT}`
    )
  }
  if (isRecord(parsed)) return { value: parsed, problems: [] }
  return refused(`${NAME} is JSON but not an object. ${LOGIN_HINT}`)
}

/** A string member of the cache file; '' and null count as absent, which is a problem when it is `required`. */
function textMember(
  record: Record<string, unknown>,
  key: string,
  required: boolean
): Reading<string | undefined> {
  const value = record[key]
  if (value === undefined || value === null || value === '')
    return {
      value: undefined,
      problems: required ? [`${NAME} has no '${key}'. ${LOGIN_HINT}`] : []
    }
  if (typeof value === 'string') return { value, problems: [] }
  return { value: undefined, problems: [`${NAME}: '${key}' is not a string.`] }
}

/** A timestamp member, in ms since the epoch; NaN (with a problem) when it is not one. */
function timeMember(record: Record<string, unknown>, key: string): Reading<number | undefined> {
  const text = textMember(record, key, false)
  if (text.value === undefined) return { value: undefined, problems: text.problems }
  const ms = TIMESTAMP.test(text.value) ? Date.parse(text.value.replace(/UTC$/, 'Z')) : NaN
  return {
    value: ms,
    problems: Number.isNaN(ms)
      ? [`${NAME}: '${key}' is ${quote(text.value)}, not a date such as 2026-01-31T12:00:00Z.`]
      : []
  }
}

/** `region`: it becomes part of a host name. */
function regionMember(record: Record<string, unknown>): Reading<string | undefined> {
  const { value, problems } = textMember(record, 'region', true)
  if (value === undefined || REGION.test(value)) return { value, problems }
  return {
    value,
    problems: [
      ...problems,
      `${NAME}: 'region' is ${quote(value)}, not an AWS region such as us-east-1.`
    ]
  }
}

/** `accessToken`, when there is one: it goes in a header. */
function accessTokenMember(record: Record<string, unknown>): Reading<string | undefined> {
  const { value, problems } = textMember(record, 'accessToken', false)
  if (value === undefined || isBearerToken(value)) return { value, problems }
  return {
    value,
    problems: [
      ...problems,
      `${NAME}: 'accessToken' has whitespace or characters that cannot be sent in an HTTP header.`
    ]
  }
}

/** `registrationExpiresAt`: a registration that has ended cannot renew the access token. */
function registrationMember(
  record: Record<string, unknown>,
  now: number
): Reading<number | undefined> {
  const { value, problems } = timeMember(record, 'registrationExpiresAt')
  if (value === undefined || !(value <= now)) return { value, problems }
  return {
    value,
    problems: [
      ...problems,
      `${NAME}: its SSO client registration expired on ${isoDate(value)} ` +
        `(registrationExpiresAt), so the access token can no longer be renewed. ${LOGIN_HINT}`
    ]
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
