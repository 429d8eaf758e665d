/**
 * One JSON operation of an AWS REST-JSON API (CodeCatalyst, SSO OIDC): sent over the transport,
 * retried per the policy with the very same request, and turned into a parsed body or an ApiError.
 */
import { type ErrorHints, ResponseError, TransportError } from './errors.js'
import { serviceErrorFrom } from './service-errors.js'
import type { HttpRequest, HttpResponse, Transport } from './http-transport.js'
import {
  type RetryDeps,
  defaultRetryPolicy,
  untilDeadlinePolicy,
  withRetries
} from './retry-helper.js'
import { SHOWN, untrusted } from './safe-text.js'

export interface ApiDeps extends Omit<RetryDeps, 'sleep'> {
  transport: Transport
  /** Resolves after `ms`, or at once when `signal` (by default the job's) aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Where retries are reported. */
  log: (line: string) => void
  /** Cancels requests in flight: the job's cancellation. */
  signal?: AbortSignal
}

/** What bounds one call: when it must be over, and what cuts it short (the job's cancellation by default). */
export interface CallScope {
  /** ms since the epoch: each attempt and backoff, retries included, fits before it. */
  deadline?: number
  /** Aborts the call's requests and backoffs instead of the job's cancellation (a renewal's own budget). */
  signal?: AbortSignal
  /**
   * Retry what passes (throttling, 5xx, network faults) for as long as the deadline allows, with no attempt cap
   * and any Retry-After that fits: for what must not give up while time is left (a renewed session's save).
   */
  untilDeadline?: boolean
}

export interface ApiCall extends Omit<HttpRequest, 'signal'>, CallScope {
  maxAttempts: number
  /** What to do about each error type (the service's own hints). */
  hints?: ErrorHints
  /** The success body holds credentials: an error about it never shows it. */
  secretResponse?: boolean
}

/**
 * Sends one operation, retrying throttling and transient faults; returns the parsed JSON body (undefined for a
 * 201 or 204 with no body).
 */
export async function callJsonApi(call: ApiCall, deps: ApiDeps): Promise<unknown> {
  const {
    maxAttempts,
    hints = {},
    secretResponse = false,
    deadline,
    signal = deps.signal,
    untilDeadline,
    ...http
  } = call
  const { operation } = call
  return retried(
    operation,
    { maxAttempts, deadline, signal, untilDeadline, timeoutMs: http.timeoutMs },
    deps,
    async timeoutMs => {
      const response = await deps.transport({ ...http, timeoutMs, signal })
      checkStatus(operation, response, hints)
      if (response.body === '' && (response.status === 201 || response.status === 204))
        return undefined
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
export interface CallLimits extends CallScope {
  maxAttempts: number
  timeoutMs: number
}

/**
 * Runs `attempt` per the retry policy, each time with the request timeout that still fits before the
 * deadline; retries are reported on `deps.log`.
 */
export function retried<T>(
  operation: string,
  { maxAttempts, timeoutMs, deadline, signal, untilDeadline }: CallLimits,
  deps: ApiDeps,
  attempt: (timeoutMs: number) => Promise<T>
): Promise<T> {
  const left = deadline === undefined ? Infinity : deadline - deps.now()
  const policy =
    untilDeadline && deadline !== undefined
      ? untilDeadlinePolicy(left)
      : defaultRetryPolicy(maxAttempts)
  policy.budgetMs = Math.min(policy.budgetMs, left)
  const retryDeps = { ...deps, sleep: (ms: number) => deps.sleep(ms, signal ?? deps.signal) }
  return withRetries(
    () => {
      const left =
        deadline === undefined ? timeoutMs : Math.min(timeoutMs, Math.floor(deadline - deps.now()))
      if (left <= 0)
        throw new TransportError(operation, 'ETIMEDOUT', 'its deadline passed before it was sent')
      return attempt(left)
    },
    policy,
    retryDeps,
    ({ error, attempt: failed, maxAttempts: max, delayMs }) =>
      deps.log(
        `${operation}: ${error.reason}; retrying in ${(delayMs / 1000).toFixed(1)} s ` +
          `(attempt ${failed + 1}${Number.isFinite(max) ? ` of ${max}` : ''})`
      )
  )
}

/** Failures that mean the request never reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENOTSENT', 'EPROXYREFUSED'])

/**
 * The transport, noting whether an attempt may have reached the server and then failed without a definite
 * answer (a 5xx, or a network fault other than one that stops a request before it is sent): the server may
 * then have applied it. An attempt a deadline kept from being sent never reaches the transport.
 */
export function watchForLostAnswers(transport: Transport) {
  let mayHaveLanded = false
  return {
    transport: ((request: HttpRequest) =>
      transport(request).then(
        response => {
          mayHaveLanded ||= response.status >= 500
          return response
        },
        (error: unknown) => {
          mayHaveLanded ||= !(error instanceof TransportError && NOT_SENT.has(error.code))
          throw error
        }
      )) satisfies Transport,
    mayHaveLanded: () => mayHaveLanded
  }
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
