import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * The bundle under test: dist/index.js, or ACTION_UNDER_TEST (e.g. an older release's bundle, to show that a
 * new test fails on it; the end-to-end tests then skip building dist/).
 */
export const DIST =
  process.env.ACTION_UNDER_TEST || join(import.meta.dirname, '..', 'dist', 'index.js')
/** The login action's bundle under test: dist/login/index.js, or LOGIN_UNDER_TEST. */
export const LOGIN_DIST =
  process.env.LOGIN_UNDER_TEST || join(import.meta.dirname, '..', 'dist', 'login', 'index.js')

export interface ActionResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
}

export interface RunOptions {
  /** Action inputs by their action.yml names; become INPUT_<NAME> as the runner sets them. */
  inputs: Record<string, string>
  /** Extra environment, e.g. GITHUB_RUN_ID or AWS_MAX_ATTEMPTS. */
  env?: Record<string, string>
  /** Another bundle to run than DIST (e.g. a copy of dist/ without some of its chunks). */
  bundle?: string
  /** Called once the process is running, e.g. to signal it. */
  onSpawn?: (child: import('node:child_process').ChildProcess, stdout: () => string) => void
}

/** The GitHub context a runner provides for one step; override per test. */
export const GITHUB_CONTEXT = {
  GITHUB_RUN_ID: '16020401234',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'deploy',
  GITHUB_ACTION: 'start'
}

/** Children still running, so that a test that ends early can end them too. */
const running = new Set<import('node:child_process').ChildProcess>()

/** Ends every dist/index.js child still running (a hung one would keep the test runner from exiting). */
export function endRunningActions(): number {
  for (const child of running) child.kill('SIGKILL')
  const ended = running.size
  running.clear()
  return ended
}

/** Runs dist/index.js in a child process exactly as the runner does, and reads what it wrote. */
export async function runAction(options: RunOptions): Promise<ActionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'action-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  try {
    const child = spawn(process.execPath, [options.bundle ?? DIST], {
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    running.add(child)
    child.on('exit', () => running.delete(child))
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    options.onSpawn?.(child, () => stdout)
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
      child.on('close', (c, s) => resolve([c, s]))
    )
    return {
      code,
      signal,
      stdout,
      stderr,
      outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      summary: readFileSync(summaryFile, 'utf8')
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Prints a child's stdout as the runner shows a log: `::add-mask::` lines are consumed, never printed, and
 * every value they masked is shown as *** from then on, also when it arrives split across chunks.
 */
export function maskingPrinter(write: (text: string) => void): {
  data: (chunk: Buffer) => void
  end: () => void
} {
  const masks: string[] = []
  let pending = ''
  const line = (text: string) => {
    const mask = /^::add-mask::(.*)$/.exec(text)
    if (mask) {
      if (mask[1]) masks.push(mask[1])
      masks.sort((a, b) => b.length - a.length)
      return
    }
    write(`${masks.reduce((shown, secret) => shown.split(secret).join('***'), text)}\n`)
  }
  return {
    data: chunk => {
      const lines = (pending + chunk.toString()).split('\n')
      pending = lines.pop() ?? ''
      lines.forEach(line)
    },
    end: () => {
      if (pending) line(pending)
      pending = ''
    }
  }
}

/** Parses the `name<<delimiter` blocks that @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const [, name, delimiter] = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '') ?? []
    if (!name || !delimiter) continue
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] ?? '')
    outputs[name] = value.join('\n')
  }
  return outputs
}

/** The `::error::` annotation text, decoded as the runner decodes it. */
export function errorAnnotation(stdout: string): string | undefined {
  const line = stdout.split('\n').find(l => l.startsWith('::error'))
  return line
    ?.replace(/^::error[^:]*::/, '')
    .replace(/%0A/g, '\n')
    .replace(/%0D/g, '\r')
    .replace(/%25/g, '%')
}
