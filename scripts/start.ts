/**
 * Runs the built action (dist/index.js) as the runner does and prints its log, outputs and summary.
 *
 *   npm start                         start a run on the embedded CodeCatalyst stand-in and wait for it
 *   npm start -- --start-only         ... without waiting
 *   CODECATALYST_TOKEN=... npm start -- --space S --project P --workflow-id ID [--start-only]
 *                                     against the real CodeCatalyst API (or --endpoint URL)
 */
import { parseArgs } from 'node:util'
import { DEMO, demoOptions } from '../stand-in/demo.js'
import { CodeCatalystStandIn } from '../stand-in/server.js'
import { runAction } from './runner.js'

const { values } = parseArgs({
  options: {
    space: { type: 'string' },
    project: { type: 'string' },
    'workflow-id': { type: 'string' },
    endpoint: { type: 'string' },
    'start-only': { type: 'boolean', default: false }
  }
})

const real = values.space !== undefined
const standIn = real ? undefined : await new CodeCatalystStandIn(demoOptions()).start()
if (real && !process.env.CODECATALYST_TOKEN) {
  console.error(
    'Set CODECATALYST_TOKEN to a CodeCatalyst personal access token to run against a real space.'
  )
  process.exit(2)
}

const inputs: Record<string, string> = {
  space: values.space ?? DEMO.space,
  project: values.project ?? DEMO.project,
  'workflow-id': values['workflow-id'] ?? DEMO.workflowId,
  token: real ? process.env.CODECATALYST_TOKEN! : DEMO.token,
  wait: String(!values['start-only']),
  'poll-interval-seconds': real ? '15' : '1'
}
const endpoint = values.endpoint ?? standIn?.url
if (endpoint) inputs.endpoint = endpoint

console.log(
  real
    ? `Running dist/index.js against ${endpoint ?? 'the CodeCatalyst API'}\n`
    : `Running dist/index.js against the CodeCatalyst stand-in at ${standIn!.url}\n`
)
const result = await runAction({
  inputs,
  env: {
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'local',
    GITHUB_ACTION: 'start',
    ...(process.env.HTTPS_PROXY ? { HTTPS_PROXY: process.env.HTTPS_PROXY } : {}),
    ...(process.env.NO_PROXY ? { NO_PROXY: process.env.NO_PROXY } : {})
  },
  onSpawn: child => child.stdout!.on('data', (d: Buffer) => process.stdout.write(d))
})
await standIn?.close()

console.log('\nOutputs (GITHUB_OUTPUT):')
for (const [name, value] of Object.entries(result.outputs)) console.log(`  ${name} = ${value}`)
console.log('\nJob summary (GITHUB_STEP_SUMMARY):')
console.log(
  result.summary
    .replace(/<\/(h2|h3|table|tr|p|ul|li)>/g, '$&\n')
    .replace(/<[^>]+>/g, ' ')
    .trim()
)
console.log(`\nThe action exited with code ${result.code}.`)
process.exit(result.code ?? 1)
