/**
 * One JSON operation of an AWS REST-JSON API (CodeCatalyst, SSO OIDC): sent over the transport,
 * retried per the policy with the very same request, and turned into a parsed body or an ApiError.
 */
import {
  CODECATALYST_HINTS,
  type ErrorHints,
  ResponseError,
  TransportError,
  serviceErrorFrom
} from './errors.js'
import type { HttpRequest, HttpResponse, Transport } from './http-transport.js'
import { type RetryDeps, defaultRetryPolicy, withRetries } from './retry-helper.js'
import { SHOWN, untrusted } from './safe-text.js'

export interface ApiDeps extends RetryDeps {
  transport: Transport
  /** Where retries are reported. */
  log: (line: string) => void
  /** Cancels requests in flight. */
  signal?: AbortSignal
}

export interface ApiCall extends Omit<HttpRequest, 'signal'> {
  maxAttempts: number
  /** What to do about each error type; CodeCatalyst's by default. */
  hints?: ErrorHints
  /** The success body holds credentials: an error about it never shows it. */
  secretResponse?: boolean
  /** When it must be over, retries included (ms since the epoch): each attempt and backoff fits before it. */
  deadline?: number
}

/** Sends one operation, retrying throttling and transient faults; returns the parsed JSON body. */
export async function callJsonApi(call: ApiCall, deps: ApiDeps): Promise<unknown> {
  const {
    maxAttempts,
    hints = CODECATALYST_HINTS,
    secretResponse = false,
    deadline,
    ...http
  } = call
  const { operation } = call
  return retried(
    operation,
    { maxAttempts, deadline, timeoutMs: http.timeoutMs },
    deps,
    async timeoutMs => {
      const response = await deps.transport({ ...http, timeoutMs, signal: deps.signal })
      checkStatus(operation, response, hints)
      try {
        return JSON.parse(response.body) as unknown
      } catch {
        const shown = secretResponse
          ? '(not shown: it may hold credentials)'
          : untrusted(response.body, SHOWN.excerpt) || '(empty)'
        throw new ResponseError(
          operation,
          `HTTP ${response.status} with a body that is not JSON: ${shown}`
        )
      }
    }
  )
}

/** How long one operation may take: attempts, one request's timeout, and a deadline for all of it. */
export interface CallLimits {
  maxAttempts: number
  timeoutMs: number
  /** ms since the epoch: each attempt and backoff fits before it. */
  deadline?: number
}

/**
 * Runs `attempt` per the retry policy, each time with the request timeout that still fits before the
 * deadline; retries are reported on `deps.log`.
 */
export function retried<T>(
  operation: string,
  { maxAttempts, timeoutMs, deadline }: CallLimits,
  deps: ApiDeps,
  attempt: (timeoutMs: number) => Promise<T>
): Promise<T> {
  const policy = defaultRetryPolicy(maxAttempts)
  if (deadline !== undefined) policy.budgetMs = Math.min(policy.budgetMs, deadline - deps.now())
  return withRetries(
    () => {
      const left = deadline === undefined ? timeoutMs : Math.min(timeoutMs, deadline - deps.now())
      if (left <= 0)
        throw new TransportError(operation, 'ETIMEDOUT', 'its deadline passed before it was sent')
      return attempt(left)
    },
    policy,
    deps,
    ({ error, attempt: failed, maxAttempts: max, delayMs }) =>
      deps.log(
        `${operation}: ${error.reason}; retrying in ${(delayMs / 1000).toFixed(1)} s ` +
          `(attempt ${failed + 1} of ${max})`
      )
  )
}

/** Throws for an answer that is not a 2xx: a redirect (never followed) or the service's error. */
export function checkStatus(operation: string, response: HttpResponse, hints: ErrorHints): void {
  if (response.status >= 300 && response.status < 400) {
    const location = untrusted(String(response.headers.location ?? 'nowhere'), SHOWN.excerpt)
    throw new ResponseError(
      operation,
      `the endpoint answered HTTP ${response.status}, a redirect to ${location}. It was not followed, ` +
        'so no credential is sent to another address. Check the endpoint.'
    )
  }
  if (response.status < 200 || response.status >= 300)
    throw serviceErrorFrom(operation, response.status, response.headers, response.body, hints)
}

/** Says a success body lacks what the model promises, quoting it unless it may hold credentials. */
export function missingFromResponse(
  operation: string,
  what: string,
  body: unknown,
  secret = false
): ResponseError {
  const shown = secret ? '' : `: ${untrusted(JSON.stringify(body) ?? 'undefined', SHOWN.excerpt)}`
  return new ResponseError(operation, `the response has no ${what}${shown}`)
}
