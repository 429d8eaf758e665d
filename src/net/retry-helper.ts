/** Retries with full-jitter exponential backoff, Retry-After as a floor, and a time budget. */
import { ApiError, type RetryClass } from './errors.js'

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** No retry starts after this much time has passed since the first attempt. */
  budgetMs: number
  /** Upper bound of one delay, Retry-After included: a longer Retry-After ends the retries. */
  maxDelayMs: number
  /** Upper bound of the backoff's own ceiling (without Retry-After). */
  maxBackoffMs: number
  /** Backoff base per class: full jitter, `random() * base * 2^retry`. */
  baseDelayMs: Record<RetryClass, number>
}

const BASE_DELAY_MS: Record<RetryClass, number> = { throttling: 500, transient: 100 }

/** The AWS SDK's bases and cap, bounded so a persistent fault gives up in well under a minute. */
export function defaultRetryPolicy(maxAttempts: number): RetryPolicy {
  return {
    maxAttempts,
    budgetMs: 30_000,
    maxDelayMs: 20_000,
    maxBackoffMs: 20_000,
    baseDelayMs: BASE_DELAY_MS
  }
}

/**
 * For what must not give up while time is left (saving a renewed session): retries without an attempt cap for
 * `budgetMs`, waiting any Retry-After that fits in it, and backing off by at most 5 s otherwise.
 */
export function untilDeadlinePolicy(budgetMs: number): RetryPolicy {
  return {
    maxAttempts: Infinity,
    budgetMs,
    maxDelayMs: budgetMs,
    maxBackoffMs: 5000,
    baseDelayMs: BASE_DELAY_MS
  }
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>
  random: () => number
  now: () => number
}

export interface RetryNotice {
  error: ApiError
  /** The attempt that just failed, 1-based. */
  attempt: number
  maxAttempts: number
  delayMs: number
}

/** Full-jitter exponential backoff; Retry-After is a floor; everything is capped at maxDelayMs. */
export function backoffDelay(
  policy: RetryPolicy,
  retryClass: RetryClass,
  retry: number,
  random: () => number,
  retryAfterMs?: number
): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.baseDelayMs[retryClass] * 2 ** retry)
  return Math.round(Math.min(policy.maxDelayMs, Math.max(random() * ceiling, retryAfterMs ?? 0)))
}

/**
 * Runs `operation` until it succeeds, fails with an error that must not be retried, or the attempts or the
 * time budget run out, or the server asks for a longer wait (Retry-After) than one delay may take. The last
 * error is rethrown with `attempts` recorded.
 */
export async function withRetries<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
  onRetry: (notice: RetryNotice) => void
): Promise<T> {
  const started = deps.now()
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      error.attempts = attempt
      if (!error.retry || attempt >= policy.maxAttempts) throw error
      // The server asks for a longer wait than any retry may take: trying sooner is refused again.
      if ((error.retryAfterMs ?? 0) > policy.maxDelayMs) throw error
      const delayMs = backoffDelay(policy, error.retry, attempt, deps.random, error.retryAfterMs)
      if (deps.now() - started + delayMs > policy.budgetMs) throw error
      onRetry({ error, attempt, maxAttempts: policy.maxAttempts, delayMs })
      await deps.sleep(delayMs)
    }
  }
}
