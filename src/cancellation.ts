/** The job's cancellation: the runner sends SIGINT, then SIGTERM, when a job is cancelled. */
import { TransportError } from './errors.js'

export interface Cancellation {
  /** Aborts when the job is cancelled. */
  signal: AbortSignal
  /** Stops listening. */
  stop(): void
}

/** Listens for SIGINT and SIGTERM for as long as the step runs; `log` says which arrived. */
export function listenForCancel(log: (line: string) => void): Cancellation {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals) => {
    log(`Received ${signal}: the job is being cancelled; stopping.`)
    controller.abort()
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    stop: () => void process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
}

/** A sleep that ends early when `signal` aborts. */
export function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return ms =>
    new Promise(resolve => {
      if (signal.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
    })
}

/** Whether `error` is a request that the job's cancellation cut short, or kept from being sent. */
export function isCancelled(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && error instanceof TransportError && error.cancelled
}
