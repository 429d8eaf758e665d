/**
 * Runs the built action (dist/index.js) as the runner does and prints its log (masked as the runner masks
 * it), outputs and summary.
 *
 *   npm start                         three jobs on the embedded stand-ins (CodeCatalyst, SSO OIDC, GitHub's
 *                                     secrets API), as a team lives with them: the login action shows a link
 *                                     and a code, a person (the stand-in) approves it, and the session is saved
 *                                     to the secret; then the deploying job renews it, saves the renewed session,
 *                                     starts a run and waits for it; the next one starts from what the secret
 *                                     holds now and renews with the rotated refresh token (each is accepted once)
 *   npm start -- --start-only         ... without waiting
 *   npm start -- --space S --project P --workflow-id ID --sso-session ~/.aws/sso/cache/<sha1>.json
 *                                     against the real CodeCatalyst API (or --endpoint URL); or set
 *                                     CODECATALYST_TOKEN to a bearer access token instead of --sso-session
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DEMO, demoOptions } from '../stand-in/demo.js'
import { startStandIns } from '../stand-in/server.js'
import { type ActionResult, LOGIN_DIST, maskingPrinter, runAction } from './runner.js'

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

const PROXY_ENV = Object.fromEntries(
  ['HTTPS_PROXY', 'NO_PROXY'].flatMap(name =>
    process.env[name] ? [[name, process.env[name] ?? '']] : []
  )
)

/**
 * Runs dist/index.js (or `bundle`) once, printing its log as a runner would; `job` names it in the GitHub
 * context; `watch` sees the log as it grows.
 */
async function runJob(
  job: string,
  inputs: Record<string, string>,
  env: Record<string, string>,
  { bundle, watch }: { bundle?: string; watch?: (stdout: string) => void } = {}
): Promise<ActionResult> {
  const printer = maskingPrinter(text => process.stdout.write(text))
  const result = await runAction({
    bundle,
    inputs: bundle ? inputs : { wait: String(!values['start-only']), ...inputs },
    env: {
      GITHUB_RUN_ID: String(Date.now()),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: job,
      GITHUB_ACTION: 'start',
      ...PROXY_ENV,
      ...env
    },
    onSpawn: (child, stdout) => {
      child.stdout?.on('data', printer.data)
      child.stdout?.on('data', () => watch?.(stdout()))
      child.stdout?.on('end', printer.end)
    }
  })
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
  return result
}

/** Against a real space: one job, with the SSO cache file or CODECATALYST_TOKEN. */
async function real(): Promise<number> {
  if (!values['sso-session'] && !process.env.CODECATALYST_TOKEN) {
    console.error(
      'Give --sso-session with the path of your SSO token cache file (see Authentication in the README), ' +
        'or set CODECATALYST_TOKEN to a bearer access token, to run against a real space.'
    )
    return 2
  }
  const credential: Record<string, string> = values['sso-session']
    ? { 'sso-session': readFileSync(values['sso-session'], 'utf8') }
    : { token: process.env.CODECATALYST_TOKEN ?? '' }
  const endpoint: Record<string, string> = values.endpoint ? { endpoint: values.endpoint } : {}
  console.log(`Running dist/index.js against ${values.endpoint ?? 'the CodeCatalyst API'}\n`)
  const result = await runJob(
    'local',
    {
      space: values.space ?? '',
      project: values.project ?? '',
      'workflow-id': values['workflow-id'] ?? '',
      ...credential,
      ...endpoint,
      'poll-interval-seconds': '15'
    },
    {}
  )
  return result.code ?? 1
}

const SECRET = 'CODECATALYST_SSO_SESSION'
const REPOSITORY = 'octo-org/app'
const GITHUB_TOKEN = 'github_pat_stand_in_writer'

/** On the stand-ins: a login, then two jobs that share the secret, one after the other. */
async function demo(): Promise<number> {
  // Access tokens of 10 minutes: less than the 15 the action wants left, so both deploying jobs renew.
  const standIns = await startStandIns(
    { ...demoOptions(), sso: { accessTokenLifetimeSeconds: 600, pollIntervalSeconds: 1 } },
    {
      repository: REPOSITORY,
      tokens: { [GITHUB_TOKEN]: { kind: 'pat', secrets: 'write', variables: 'write' } }
    }
  )
  const { codecatalyst, github, env } = standIns
  const codes: (number | null)[] = []
  try {
    console.log(
      `\n=== Job 'login': dist/login/index.js, a login with the device authorization grant against the SSO OIDC ` +
        `stand-in at ${codecatalyst.url}; a person (the stand-in) approves the code once the log shows it\n`
    )
    let approved = false
    const login = await runJob(
      'login',
      { 'sso-session-secret': SECRET, 'github-token': GITHUB_TOKEN, endpoint: codecatalyst.url },
      env,
      {
        bundle: LOGIN_DIST,
        // As a person would: read the code in the log, open the link, check the code, approve, a moment later.
        watch: stdout => {
          const code = /^([A-Z0-9]{4}-[A-Z0-9]{4})$/m.exec(stdout)?.[1]
          if (!code || approved) return
          approved = true
          setTimeout(() => codecatalyst.approve(code), 2000)
        }
      }
    )
    codes.push(login.code)
    for (const job of ['deploy', 'deploy-again']) {
      console.log(
        `\n=== Job '${job}': dist/index.js against the CodeCatalyst stand-in at ${codecatalyst.url}, ` +
          `with ${SECRET} as the secret holds it now, saving renewals through the GitHub stand-in at ${github.url}\n`
      )
      const result = await runJob(
        job,
        {
          space: DEMO.space,
          project: DEMO.project,
          'workflow-id': DEMO.workflowId,
          'sso-session': github.secretValue(SECRET) ?? '',
          'sso-session-secret': SECRET,
          'github-token': GITHUB_TOKEN,
          endpoint: codecatalyst.url,
          'poll-interval-seconds': '1'
        },
        env
      )
      codes.push(result.code)
    }
    const renewals = codecatalyst
      .requestsFor('CreateToken')
      .filter(r => (JSON.parse(r.body) as { grantType: string }).grantType === 'refresh_token')
    console.log(
      `\n=== The session's life: one login, approved in the browser; then ${renewals.length} renewals, each ` +
        `with the refresh token the secret held; ${github.requestsFor('CreateOrUpdateRepoSecret').length} saves ` +
        `to ${SECRET}, which now holds the refresh token that the last renewal returned.`
    )
  } finally {
    await standIns.close()
  }
  return codes.every(code => code === 0) ? 0 : 1
}

process.exit(values.space !== undefined ? await real() : await demo())
