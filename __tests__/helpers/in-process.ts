/**
 * Runs the main action in this process, as the runner runs dist/index.js but without a process of its own:
 * the same INPUT_ variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, its stdout captured, and the same
 * ActionResult as scripts/runner.ts gives. For the timing, renewal, wait and fault cases, which need no bundle:
 * `tune` gives sub-second intervals and timeouts, `sleep` shortens the backoffs. What only the bundle can show
 * (chunks, the runner's masking, TLS, signals, exit codes) stays end to end on dist/.
 * Runs one at a time (process.env is the process's): never in it.concurrent.
 */
import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import type { Settings } from '../../src/common/settings.js'
import { type StepOptions, run } from '../../src/main.js'
import { type ActionResult, type RunOptions, parseOutputFile } from '../../scripts/runner.js'

export interface InProcessOptions extends Omit<RunOptions, 'bundle'>, StepOptions {}

/** A sleep of at most `capMs`: backoffs and Retry-After waits take no time to speak of; a cancel still ends it. */
export function shortSleep(capMs = 20): NonNullable<StepOptions['sleep']> {
  return (ms, signal) =>
    new Promise(resolve => {
      if (signal?.aborted) return resolve()
      const timer = setTimeout(resolve, Math.min(ms, capMs))
      signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
    })
}

/** Sub-second timings for a step in-process: requests time out after `requestMs`, a wait polls every `pollMs`. */
export function fast({
  requestMs = 500,
  pollMs = 50,
  waitMs
}: { requestMs?: number; pollMs?: number; waitMs?: number } = {}): (settings: Settings) => void {
  return settings => {
    settings.requestTimeoutMs = requestMs
    if (settings.wait) {
      settings.wait.pollIntervalMs = pollMs
      if (waitMs !== undefined) settings.wait.timeoutMs = waitMs
    }
  }
}

let running = false

/** Runs run() with `options`, as a runner would run the step, and reads what it wrote. */
export async function runInProcess(options: InProcessOptions): Promise<ActionResult> {
  if (running) throw new Error('runInProcess runs one step at a time (process.env is shared)')
  running = true
  const dir = mkdtempSync(join(tmpdir(), 'in-process-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env = process.env
  const write = process.stdout.write.bind(process.stdout)
  const exitCode = process.exitCode
  let stdout = ''
  process.env = {
    PATH: env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value
  process.stdout.write = (chunk: string | Uint8Array) => {
    stdout += String(chunk)
    return true
  }
  process.exitCode = undefined
  // The summary keeps the path of the first file it wrote to: each step has its own.
  ;(core.summary as unknown as { _filePath?: string })._filePath = undefined
  core.summary.emptyBuffer()
  const child = Object.assign(new EventEmitter(), {
    /** As the runner signals a step: the step's own listeners hear it. */
    kill: (signal: NodeJS.Signals = 'SIGTERM') => process.emit(signal as 'SIGINT')
  })
  let code: number
  try {
    options.onSpawn?.(child as never, () => stdout)
    await run({ tune: options.tune, sleep: options.sleep })
    code = typeof process.exitCode === 'number' ? process.exitCode : 0
  } finally {
    process.stdout.write = write
    process.env = env
    process.exitCode = exitCode
    running = false
    child.emit('exit')
  }
  try {
    return {
      code,
      signal: null,
      stdout,
      stderr: '',
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
