/**
 * The job's cancellation. A runner cancels a step by sending SIGINT, then SIGTERM 7.5 s later, then killing it
 * 2.5 s after that: what must finish (saving a renewed session) has until then, everything else stops at once.
 */
import { ApiError } from './errors.js'

/** What the runner leaves a step after each signal, less a moment to end cleanly (outputs, summary). */
export const CANCEL_GRACE_MS: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = {
  SIGINT: 7500 - 1000,
  SIGTERM: 2500 - 1000
}

export interface Cancellation {
  /** Aborts when the job is cancelled. */
  signal: AbortSignal
  /** By when the step must have ended, after the signals received so far (ms since the epoch). */
  mustEndBy(): number | undefined
  /** Calls `listener` on every signal received, with `mustEndBy()`; returns what stops it. */
  onSignal(listener: (mustEndBy: number) => void): () => void
  /** Stops listening. */
  stop(): void
}

/** Listens for SIGINT and SIGTERM for as long as the step runs; `log` says which arrived. */
export function listenForCancel(
  log: (line: string) => void,
  now: () => number = Date.now
): Cancellation {
  const controller = new AbortController()
  const listeners = new Set<(mustEndBy: number) => void>()
  let endBy: number | undefined
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    endBy = Math.min(endBy ?? Infinity, now() + CANCEL_GRACE_MS[signal])
    if (!controller.signal.aborted) log(`Received ${signal}: the job is being cancelled; stopping.`)
    controller.abort()
    for (const listener of listeners) listener(endBy)
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    mustEndBy: () => endBy,
    onSignal: listener => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    stop: () => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}

/** A sleep: resolves after `ms`, or at once when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/** Whether `error` is a request that the job's cancellation cut short, or kept from being sent. */
export function isCancelled(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && error instanceof ApiError && error.kind === 'cancelled'
}
