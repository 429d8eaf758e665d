/** The errors of an API call, and what kind of failure each is (decided once, here, for every service). */

/** How a failure may be retried: throttling backs off longer than a transient fault. */
export type RetryClass = 'throttling' | 'transient'

/**
 * What kind of failure an error is, decided once, here, for every service: what is retried, what is said, and
 * whose fault it is all follow from it.
 * - throttled: the service asks the client to slow down (429, ThrottlingException, GitHub's rate limits);
 * - unavailable: the service or the network failed in a way that passes (500, 502, 503, 504, a reset, a timeout);
 * - unreachable: the request cannot get through as configured (DNS, TLS, the proxy refused);
 * - unauthorized (401), forbidden (403), not-found (404), rejected (any other 4xx, and 501): the request or its
 *   credential is at fault;
 * - cancelled: the job's cancellation cut the request short or kept it from being sent;
 * - malformed: the answer was not what the service promises.
 */
export type FailureKind =
  | 'throttled'
  | 'unavailable'
  | 'unreachable'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'rejected'
  | 'cancelled'
  | 'malformed'

/** The failures that pass by themselves: worth retrying, and never the caller's fault. */
export function isPassing(kind: FailureKind): boolean {
  return kind === 'throttled' || kind === 'unavailable'
}

/** A failed API call. `attempts` is set by the retry helper when it gives up. */
export abstract class ApiError extends Error {
  attempts = 1
  retryAfterMs?: number
  abstract readonly kind: FailureKind

  /** How it is retried, from its kind: throttling backs off longer; nothing else is retried. */
  get retry(): RetryClass | undefined {
    return this.kind === 'throttled'
      ? 'throttling'
      : this.kind === 'unavailable'
        ? 'transient'
        : undefined
  }

  constructor(
    readonly operation: string,
    /** The cause alone, for retry lines. */
    readonly reason: string,
    /** What the user can do about it. */
    readonly hint?: string
  ) {
    super(hint ? `${reason}. ${hint}` : reason)
  }

  /** One line for the log: what failed, and, after retries, how often it was tried. */
  logLine(): string {
    return `${this.operation} failed${this.tries()}: ${this.message}`
  }

  /** The log line with another hint than the error's own, where more is known than its type says. */
  logLineWith(hint: string): string {
    return `${this.operation} failed${this.tries()}: ${this.reason}. ${hint}`
  }

  private tries(): string {
    return this.attempts > 1 ? ` (gave up after ${this.attempts} attempts)` : ''
  }
}

/** The service answered with an error status. */
export class ServiceError extends ApiError {
  override readonly name = 'ServiceError'
  readonly kind: FailureKind

  constructor(
    operation: string,
    readonly status: number,
    /** The model's error type, e.g. ThrottlingException; undefined when the body was not an AWS error. */
    readonly type: string | undefined,
    readonly serviceMessage: string | undefined,
    readonly requestId: string | undefined,
    bodyKind: 'json' | 'html' | 'empty' | 'other',
    hints: ErrorHints = {},
    /** A rate limit that is not a 429 (GitHub answers 403 to a client over its rate limits). */
    rateLimited = false
  ) {
    const what = type ? `${type} (HTTP ${status})` : `HTTP ${status}`
    const said = serviceMessage
      ? `: ${serviceMessage}`
      : bodyKind === 'html'
        ? ' with an HTML page instead of a CodeCatalyst error (a proxy or load balancer may have answered)'
        : bodyKind === 'empty'
          ? ' with an empty body'
          : ''
    const request = requestId ? ` [request id ${requestId}]` : ''
    const kind = serviceFailureKind(status, type, rateLimited)
    super(operation, `${what}${said}${request}`, hintFor(status, type, hints))
    this.kind = kind
  }
}

function serviceFailureKind(status: number, type: string | undefined, rateLimited: boolean) {
  if (status === 429 || type === 'ThrottlingException' || rateLimited) return 'throttled'
  if ([500, 502, 503, 504].includes(status)) return 'unavailable'
  const byStatus: Record<number, FailureKind> = {
    401: 'unauthorized',
    403: 'forbidden',
    404: 'not-found'
  }
  return byStatus[status] ?? 'rejected'
}

/** The credential could not be had, renewed or kept; the message says what to do. Never retried. */
export class CredentialError extends Error {
  override readonly name: string = 'CredentialError'
}

/** Where a renewal of the SSO session stopped: before anything was spent, at CreateToken, or saving. */
export type RenewalStage = 'check' | 'create-token' | 'save'

/** A renewal of the SSO session that did not happen or did not finish; the message says what to do. */
export class RenewalError extends CredentialError {
  override readonly name: string = 'RenewalError'
  /** What it showed: the secret holds no session that the next job can renew (log in again). */
  secretSpent = false

  constructor(
    message: string,
    readonly stage: RenewalStage,
    /** The failure passes by itself (throttling, a service or network fault): trying later may succeed. */
    readonly passing: boolean,
    options?: ErrorOptions
  ) {
    super(message, options)
  }
}

/** The job's copy of the session is not the latest: another job renewed it since, and the secret holds that. */
export class ReplacedCopyError extends RenewalError {
  override readonly name: string = 'ReplacedCopyError'

  constructor(
    message: string,
    /** The secret was not written after the marker: the last renewal's save was lost, and the secret is spent. */
    readonly lostSave = false
  ) {
    super(message, 'check', false)
    this.secretSpent = lostSave
  }
}

/** The request never got a complete answer: refused, reset, timed out, cut short. */
export class TransportError extends ApiError {
  override readonly name = 'TransportError'
  readonly kind: FailureKind

  constructor(
    operation: string,
    readonly code: string,
    message: string
  ) {
    super(operation, message)
    // ECANCELED: the job's cancellation cut it short; ENOTSENT: it kept it from being sent.
    this.kind =
      code === 'ECANCELED' || code === 'ENOTSENT'
        ? 'cancelled'
        : code === 'ERESPONSETOOLARGE'
          ? 'malformed'
          : RETRYABLE_NETWORK_CODES.has(code)
            ? 'unavailable'
            : 'unreachable'
  }
}

/** The service answered 2xx or 3xx, but not with what the model promises. Never retried. */
export class ResponseError extends ApiError {
  override readonly name = 'ResponseError'
  readonly kind = 'malformed'
}

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE'
])

/** What to do about each error type of one service; HINT_401 and HINT_5XX where no type says more. */
export type ErrorHints = Readonly<Record<string, string>>
export const HINT_401 = 'HTTP 401'
export const HINT_5XX = 'HTTP 5xx'

function hintFor(status: number, type: string | undefined, hints: ErrorHints): string | undefined {
  if (type && hints[type]) return hints[type]
  if (status === 401) return hints[HINT_401]
  if (status >= 500) return hints[HINT_5XX]
  return undefined
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
