/**
 * Times whole-process starts of a run, interleaved, and prints medians and ratios:
 *   action   node dist/index.js, as the runner runs it
 *   floor    an ncc bundle that only loads @actions/core (the least the action must ship)
 *   minimal  node:http doing the same PUT
 *   sdk      @aws-sdk/client-codecatalyst doing the same call
 *
 *   npm run bench [-- --runs 20]
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEMO, demoOptions } from '../stand-in/demo.js'
import { CodeCatalystStandIn } from '../stand-in/server.js'
import { DIST } from './runner.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } })
const runs = Number(values.runs)
const root = join(import.meta.dirname, '..')

// The floor bundle is built where ncc can resolve @actions/core from the project's node_modules.
const floorDir = join(root, 'node_modules', '.cache', 'bench-floor')
mkdirSync(floorDir, { recursive: true })
writeFileSync(
  join(floorDir, 'entry.mjs'),
  "import * as core from '@actions/core'\ncore.info('floor')\n"
)
execFileSync(
  join(root, 'node_modules', '.bin', 'ncc'),
  ['build', join(floorDir, 'entry.mjs'), '-o', join(floorDir, 'dist'), '-q'],
  {
    stdio: 'inherit'
  }
)

const standIn = await new CodeCatalystStandIn(demoOptions()).start()
const scratch = mkdtempSync(join(tmpdir(), 'bench-'))
const outputFile = join(scratch, 'output')
const summaryFile = join(scratch, 'summary')

const common = {
  PATH: process.env.PATH ?? '',
  ENDPOINT: standIn.url,
  SPACE: DEMO.space,
  PROJECT: DEMO.project,
  WORKFLOW_ID: DEMO.workflowId,
  TOKEN: DEMO.token,
  CLIENT_TOKEN: 'bench-1'
}
const subjects: Record<string, { args: string[]; env: Record<string, string> }> = {
  action: {
    args: [DIST],
    env: {
      ...common,
      INPUT_SPACE: DEMO.space,
      INPUT_PROJECT: DEMO.project,
      'INPUT_WORKFLOW-ID': DEMO.workflowId,
      INPUT_TOKEN: DEMO.token,
      INPUT_ENDPOINT: standIn.url,
      'INPUT_CLIENT-TOKEN': 'bench-1',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile
    }
  },
  floor: { args: [join(floorDir, 'dist', 'index.mjs')], env: common },
  minimal: { args: [join(import.meta.dirname, 'bench', 'minimal-put.mjs')], env: common },
  sdk: { args: [join(import.meta.dirname, 'bench', 'sdk-put.mjs')], env: common }
}

function timeOnce(args: string[], env: Record<string, string>): Promise<number> {
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, args, { env, stdio: 'ignore' })
  return new Promise((resolve, reject) =>
    child.on('close', code =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`${args.join(' ')} exited with ${code}`))
    )
  )
}

const entries = Object.entries(subjects)
const names = entries.map(([name]) => name)
const times = new Map<string, number[]>(names.map(n => [n, []]))
for (const [, subject] of entries) await timeOnce(subject.args, subject.env) // warm the file cache
for (let i = 0; i < runs; i++) {
  // Rotate the order each round so no subject always runs first.
  for (let j = 0; j < entries.length; j++) {
    const [name, subject] = entries[(i + j) % entries.length] ?? []
    if (name && subject) times.get(name)?.push(await timeOnce(subject.args, subject.env))
  }
}
await standIn.close()
rmSync(scratch, { recursive: true, force: true })

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const at = (i: number) => sorted[i] ?? NaN
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2
}
const m = new Map(names.map(n => [n, median(times.get(n) ?? [])]))
const ms = (name: string) => m.get(name) ?? NaN
console.log(
  `Whole-process time, median of ${runs} interleaved runs each (node ${process.version}):`
)
for (const name of names) console.log(`  ${name.padEnd(8)} ${ms(name).toFixed(1).padStart(7)} ms`)
const ratio = (a: string, b: string) => (ms(a) / ms(b)).toFixed(2)
console.log(`  action / floor   = ${ratio('action', 'floor')}  (target <= 1.30)`)
console.log(`  action / sdk     = ${ratio('action', 'sdk')}  (target <= 0.80)`)
console.log(`  action / minimal = ${ratio('action', 'minimal')}`)
