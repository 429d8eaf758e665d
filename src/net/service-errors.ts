/**
 * A service's error answer as a ServiceError: its type (the AWS JSON protocols' three places), its message,
 * request id, Retry-After, and GitHub's rate limits, read from whatever the body is; secrets redacted first.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { type ErrorHints, ServiceError, isRecord } from './errors.js'
import { SHOWN, redact, untrusted } from './safe-text.js'

/** The error type, from x-amzn-errortype, then the body's code, then its __type (per the AWS JSON protocols). */
export function parseErrorType(headers: IncomingHttpHeaders, body: unknown): string | undefined {
  const record = isRecord(body) ? body : {}
  const candidates = [headers['x-amzn-errortype'], record.code, record.__type]
  const found = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '')
  if (found === undefined) return undefined
  // Redact before cutting: a secret that holds ':' or '#' must not leave a piece behind.
  const [beforeColon = ''] = redact(found).split(':')
  const type = (beforeColon.split('#').pop() ?? '').trim()
  return type ? untrusted(type, SHOWN.id) : undefined
}

/** Builds the error for a non-2xx response, whatever its body is. */
export function serviceErrorFrom(
  operation: string,
  status: number,
  headers: IncomingHttpHeaders,
  rawBody: string,
  hints: ErrorHints = {}
): ServiceError {
  // Redact before parsing: whatever is cut out of the body later holds no piece of a secret.
  const body = redact(rawBody)
  let parsed: unknown
  try {
    parsed = body ? JSON.parse(body) : undefined
  } catch {
    parsed = undefined
  }
  const record = isRecord(parsed) ? parsed : {}
  // SSO OIDC's errors carry error_description instead of message.
  const message = [record.message, record.Message, record.error_description].find(
    m => typeof m === 'string' && m.trim() !== ''
  )
  const requestId = headers['x-amzn-requestid'] ?? headers['x-github-request-id']
  const bodyKind = !body.trim()
    ? 'empty'
    : isRecord(parsed)
      ? 'json'
      : /^\s*</.test(body)
        ? 'html'
        : 'other'
  const error = new ServiceError(
    operation,
    status,
    parseErrorType(headers, parsed),
    typeof message === 'string' ? untrusted(message) : undefined,
    typeof requestId === 'string' ? untrusted(requestId, SHOWN.id) : undefined,
    bodyKind,
    hints,
    status === 403 && isGitHubRateLimit(headers, message)
  )
  error.retryAfterMs =
    parseRetryAfter(headers['retry-after']) ??
    (error.kind === 'throttled' ? rateLimitWaitMs(headers) : undefined)
  return error
}

/** An answer of GitHub's: every one carries its request id, or its rate limit's count. */
function fromGitHub(headers: IncomingHttpHeaders): boolean {
  return headers['x-github-request-id'] !== undefined || headers['x-ratelimit-limit'] !== undefined
}

/**
 * GitHub's rate limits answered 403: its primary limit (no requests left), its secondary limit (a Retry-After,
 * or only its message). A 429 is throttling from any service; a 403 from another than GitHub never is.
 */
function isGitHubRateLimit(headers: IncomingHttpHeaders, message: unknown): boolean {
  return (
    fromGitHub(headers) &&
    (headers['x-ratelimit-remaining'] === '0' ||
      headers['retry-after'] !== undefined ||
      (typeof message === 'string' && /\brate limit/i.test(message)))
  )
}

/**
 * How long GitHub asks a rate-limited client to wait when it sends no Retry-After (its guidance): until
 * x-ratelimit-reset (epoch seconds, against GitHub's own clock in the Date header) when no requests are left,
 * else a minute. Undefined for other services: the backoff decides.
 */
function rateLimitWaitMs(headers: IncomingHttpHeaders, now = Date.now()): number | undefined {
  if (!fromGitHub(headers)) return undefined
  const reset = Number(headers['x-ratelimit-reset'])
  const date = Date.parse(headers.date ?? '')
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset))
    return Math.max(0, reset * 1000 - (Number.isNaN(date) ? now : date))
  return 60_000
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
