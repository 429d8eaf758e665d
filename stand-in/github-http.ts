/**
 * How GitHub's REST API answers, for the GitHub stand-in: its error body and headers, its clock, the
 * x-ratelimit-* headers of every answer, its primary and secondary rate limits as faults, and the words it
 * uses for the server errors that faults.ts plays.
 */
import { randomUUID } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { ErrorAnswer, Fault } from './faults.js'
import { send } from './http.js'

/** GitHub's timestamps: UTC, whole seconds. */
export const githubTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`

/** A refusal as GitHub words it; the stand-in answers it with `githubErrorBody`. */
export class GitHubFailure extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** GitHub's error body. */
export const githubErrorBody = (status: number, message: string) =>
  JSON.stringify({
    message,
    documentation_url: 'https://docs.github.com/rest',
    status: String(status)
  })

/** What every answer of GitHub's carries: JSON, and a request id. */
export const githubHeaders = () => ({
  'content-type': 'application/json; charset=utf-8',
  'x-github-request-id': randomUUID().toUpperCase()
})

export const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'

/** GitHub's words for the server errors (and the 429s) that faults.ts plays. */
const SERVER_ERRORS: Record<number, string> = {
  429: SECONDARY_RATE_LIMIT_MESSAGE,
  500: 'Server Error',
  502: 'Server Error',
  503: 'No server is currently available to service your request. Sorry about that. Please try resubmitting your request and contact us if the problem persists.',
  504: "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."
}

/** faults.ts's errors as GitHub sends them: its JSON body and headers, none of AWS's. */
export const githubError: ErrorAnswer = (res, { status }, headers = {}) => {
  const message = SERVER_ERRORS[status] ?? 'Server Error'
  send(res, status, githubErrorBody(status, message), { ...githubHeaders(), ...headers })
}

/**
 * A rate limit GitHub answers with: the primary one (no requests left until `resetInSeconds` from now,
 * default 1) or a secondary one (Retry-After `retryAfterSeconds`, default 1); 403 unless `status` says 429.
 */
export interface RateLimitFault {
  rateLimit: 'primary' | 'secondary'
  status?: 403 | 429
  resetInSeconds?: number
  retryAfterSeconds?: number
}

/** Faults worth playing against GitHub: faults.ts's that GitHub may meet, and its rate limits. */
export const GITHUB_FAULTS = [
  '500',
  '502',
  '503',
  '504',
  'reset',
  'hang',
  'html',
  'truncated',
  'commit-then-500',
  'commit-then-503',
  'commit-then-reset',
  'commit-then-hang',
  'rate-limited',
  'secondary-rate-limit'
] as const
export type GitHubFaultName = (typeof GITHUB_FAULTS)[number]

/** What a network or GitHub can do to one request instead of answering it (faults.ts), or a rate limit. */
export type GitHubFault = Fault | 'rate-limited' | 'secondary-rate-limit' | RateLimitFault

type RateLimitName = 'rate-limited' | 'secondary-rate-limit'

/** Whether a fault is one of GitHub's rate limits. */
export const isRateLimit = (fault: unknown): fault is RateLimitName | RateLimitFault =>
  fault === 'rate-limited' ||
  fault === 'secondary-rate-limit' ||
  (typeof fault === 'object' && fault !== null && 'rateLimit' in fault)

/** The core limit of each token, as the x-ratelimit-* headers of GitHub's answers count it: 5000 an hour. */
export class RateLimits {
  private readonly windows = new Map<string, { used: number; resetAt: number }>()

  /** Counts one request of `token` and gives the headers of its answer. */
  count(token: string): Record<string, string> {
    const now = Date.now()
    let window = this.windows.get(token)
    if (!window || window.resetAt * 1000 <= now) {
      window = { used: 0, resetAt: Math.ceil(now / 1000) + 3600 }
      this.windows.set(token, window)
    }
    window.used = Math.min(window.used + 1, LIMIT)
    return rateLimitHeaders(window.used, window.resetAt)
  }

  /** Answers with a rate limit; a secondary one counts the request as usual, a primary one has none left. */
  play(res: ServerResponse, fault: RateLimitName | RateLimitFault, token: string): void {
    const limit: RateLimitFault =
      typeof fault === 'object'
        ? fault
        : { rateLimit: fault === 'rate-limited' ? 'primary' : 'secondary' }
    const status = limit.status ?? 403
    if (limit.rateLimit === 'primary') {
      const resetAt = Math.ceil(Date.now() / 1000 + (limit.resetInSeconds ?? 1))
      const message = 'API rate limit exceeded for installation ID 1234.'
      send(res, status, githubErrorBody(status, message), {
        ...githubHeaders(),
        ...rateLimitHeaders(LIMIT, resetAt)
      })
    } else
      send(res, status, githubErrorBody(status, SECONDARY_RATE_LIMIT_MESSAGE), {
        ...githubHeaders(),
        ...this.count(token),
        'retry-after': String(limit.retryAfterSeconds ?? 1)
      })
  }
}

const LIMIT = 5000

const rateLimitHeaders = (used: number, resetAt: number) => ({
  'x-ratelimit-limit': String(LIMIT),
  'x-ratelimit-remaining': String(LIMIT - used),
  'x-ratelimit-used': String(used),
  'x-ratelimit-reset': String(resetAt),
  'x-ratelimit-resource': 'core'
})
