/**
 * Runs the built action (dist/index.js) as the runner does and prints its log, outputs and summary.
 *
 *   npm start                         start a run on the embedded CodeCatalyst stand-in and wait for it,
 *                                     authenticated by an SSO session whose access token has expired
 *   npm start -- --start-only         ... without waiting
 *   npm start -- --space S --project P --workflow-id ID --sso-session ~/.aws/sso/cache/<sha1>.json
 *                                     against the real CodeCatalyst API (or --endpoint URL); or set
 *                                     CODECATALYST_TOKEN to a bearer access token instead of --sso-session
 */
import { readFileSync } from 'node:fs'
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
    'sso-session': { type: 'string' },
    'start-only': { type: 'boolean', default: false }
  }
})

const real = values.space !== undefined
const standIn = real ? undefined : await new CodeCatalystStandIn(demoOptions()).start()
if (real && !values['sso-session'] && !process.env.CODECATALYST_TOKEN) {
  console.error(
    'Give --sso-session with the path of your SSO token cache file (see Authentication in the README), ' +
      'or set CODECATALYST_TOKEN to a bearer access token, to run against a real space.'
  )
  process.exit(2)
}
// The demo's session is what `aws sso login` would have cached an hour ago: its access token has
// expired, so the action renews it through the stand-in's SSO OIDC side before it starts the run.
const credential: Record<string, string> = standIn
  ? { 'sso-session': JSON.stringify(standIn.ssoSession({ accessTokenValidForSeconds: -60 })) }
  : values['sso-session']
    ? { 'sso-session': readFileSync(values['sso-session'], 'utf8') }
    : { token: process.env.CODECATALYST_TOKEN ?? '' }

const inputs: Record<string, string> = {
  space: values.space ?? DEMO.space,
  project: values.project ?? DEMO.project,
  'workflow-id': values['workflow-id'] ?? DEMO.workflowId,
  ...credential,
  wait: String(!values['start-only']),
  'poll-interval-seconds': real ? '15' : '1'
}
const endpoint = values.endpoint ?? standIn?.url
if (endpoint) inputs.endpoint = endpoint

console.log(
  real
    ? `Running dist/index.js against ${endpoint ?? 'the CodeCatalyst API'}\n`
    : `Running dist/index.js against the CodeCatalyst stand-in at ${standIn?.url}, with an SSO session ` +
        'cached as `aws sso login` writes it, whose access token has expired\n'
)
const result = await runAction({
  inputs,
  env: {
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'local',
    GITHUB_ACTION: 'start',
    ...(standIn ? { AWS_ENDPOINT_URL_SSO_OIDC: standIn.url } : {}),
    ...(process.env.HTTPS_PROXY ? { HTTPS_PROXY: process.env.HTTPS_PROXY } : {}),
    ...(process.env.NO_PROXY ? { NO_PROXY: process.env.NO_PROXY } : {})
  },
  onSpawn: child => child.stdout?.on('data', (d: Buffer) => process.stdout.write(d))
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
