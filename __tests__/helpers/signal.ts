import type { RunOptions } from '../../scripts/runner.js'

/**
 * Cancels the action as the runner does: `onSpawn` checks `ready` every 20 ms and, once it holds, sends
 * `signal` to the action (`delayMs` later). `signalledAt()` is when the signal was sent (0 if never).
 */
export function signalWhen(
  ready: (stdout: () => string) => boolean,
  signal: NodeJS.Signals = 'SIGTERM',
  delayMs = 0
): { onSpawn: NonNullable<RunOptions['onSpawn']>; signalledAt: () => number } {
  let at = 0
  return {
    onSpawn: (child, stdout) => {
      const timer = setInterval(() => {
        if (!ready(stdout)) return
        clearInterval(timer)
        setTimeout(() => {
          at = Date.now()
          child.kill(signal)
        }, delayMs)
      }, 20)
      child.on('exit', () => clearInterval(timer))
    },
    signalledAt: () => at
  }
}
