/**
 * The SSO session's life across jobs, end to end on dist/index.js: each job is handed what the secret holds
 * when it starts (as the runner fixes a job's secrets), renews through the stand-in's single-use refresh
 * tokens, and writes the renewed session and its marker back through the GitHub secrets stand-in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createHash } from 'node:crypto'
import { demoOptions } from '../stand-in/demo.js'
import type { Listen } from '../stand-in/http.js'
import type {
  GitHubFault,
  GitHubOperation,
  GitHubSecretsOptions,
  GitHubSecretsStandIn
} from '../stand-in/github-secrets.js'
import {
  type CodeCatalystStandIn,
  type Fault,
  type StandInOptions,
  type StandIns,
  startStandIns
} from '../stand-in/server.js'
import {
  type ActionResult,
  DIST,
  GITHUB_CONTEXT,
  errorAnnotation,
  runAction
} from '../scripts/runner.js'
import { startConnectProxy } from './helpers/connect-proxy.js'
import { expectNoSecretLeak, expectSuccess } from './helpers/expectations.js'
import { signalWhen } from './helpers/signal.js'
import { DEMO } from './helpers/stand-in.js'

const SECRET = 'CODECATALYST_SSO_SESSION'
const MARKER = `${SECRET}_MARKER`
const REPOSITORY = 'octo-org/app'
/** Tokens the GitHub stand-in knows. */
const TOKENS: GitHubSecretsOptions['tokens'] = {
  github_pat_writer: { kind: 'pat', secrets: 'write', variables: 'write' },
  github_pat_reader: { kind: 'pat', secrets: 'read', variables: 'read' },
  github_pat_secrets_reader: { kind: 'pat', secrets: 'read', variables: 'write' },
  github_pat_no_variables: { kind: 'pat', secrets: 'write' },
  github_pat_env_writer: {
    kind: 'pat',
    secrets: 'write',
    variables: 'write',
    environments: 'write'
  },
  ghs_app_writer: { kind: 'app', secrets: 'write', variables: 'write' },
  ghs_job_github_token: { kind: 'github-token' }
}

let standIns: StandIns
let codecatalyst: CodeCatalystStandIn
let github: GitHubSecretsStandIn
afterEach(() => standIns.close())

/** Both stand-ins, and the secret as `gh secret set` stored it an hour ago: its access token has expired. */
async function serve(
  options: {
    sso?: StandInOptions['sso']
    statusMs?: number
    github?: Partial<GitHubSecretsOptions>
    listen?: Listen
    accessTokenValidForSeconds?: number
  } = {}
) {
  standIns = await startStandIns(
    { ...demoOptions(), sso: options.sso, statusMs: options.statusMs },
    { repository: REPOSITORY, environments: ['production'], tokens: TOKENS, ...options.github },
    { github: options.listen }
  )
  ;({ codecatalyst, github } = standIns)
  const validFor = options.accessTokenValidForSeconds ?? -60
  const stored = JSON.stringify(codecatalyst.ssoSession({ accessTokenValidForSeconds: validFor }))
  github.setSecret(SECRET, stored, { updatedAt: Date.now() - 3_600_000 })
  github.setSecret(SECRET, stored, { environment: 'production', updatedAt: Date.now() - 3_600_000 })
  return stored
}

let runs = 0
type JobOptions = {
  session?: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  onSpawn?: Parameters<typeof runAction>[0]['onSpawn']
  bundle?: string
}
/** One job: dist/index.js with `session` (by default, what the secret holds now) and write-back to SECRET. */
function job(options: JobOptions = {}): Promise<ActionResult> {
  const environment = options.inputs?.['sso-session-secret-environment']
  return runAction({
    inputs: {
      space: DEMO.space,
      project: DEMO.project,
      'workflow-id': DEMO.workflowId,
      'sso-session': options.session ?? github.secretValue(SECRET, environment) ?? '',
      'sso-session-secret': SECRET,
      'github-token': 'github_pat_writer',
      endpoint: codecatalyst.url,
      ...options.inputs
    },
    env: {
      ...GITHUB_CONTEXT,
      GITHUB_RUN_ID: String(16020400000 + ++runs),
      ...standIns.env,
      ...options.env
    },
    onSpawn: options.onSpawn,
    bundle: options.bundle
  })
}

type CacheFile = Record<string, string>
const saved = (environment?: string): CacheFile =>
  JSON.parse(github.secretValue(SECRET, environment) ?? '{}') as CacheFile
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const marker = (environment?: string) =>
  JSON.parse(github.variableValue(MARKER, environment) ?? 'null') as {
    current: string
    replaced: string[]
  } | null
const puts = () => github.requests.filter(r => r.method === 'PUT')
const presented = () =>
  codecatalyst
    .requestsFor('CreateToken')
    .map(r => (JSON.parse(r.body) as CacheFile).refreshToken ?? '')
const codeCatalystRequests = () => codecatalyst.requests.filter(r => r.operation !== 'CreateToken')
/** Every secret a job could leak: the GitHub tokens, the client secret, every refresh and access token. */
const allSecrets = () =>
  [
    ...Object.keys(TOKENS),
    'github_pat_revoked',
    codecatalyst.sso.clientSecret,
    ...presented(),
    ...[...codecatalyst.accessTokens.keys()],
    saved().refreshToken ?? ''
  ].filter(Boolean)

/**
 * The session is kept: the secret holds a refresh token SSO OIDC still accepts, the marker names it, and every
 * refresh token that was presented (but the first `unmarked`, whose marker was never written) is in the
 * marker's replaced list.
 */
function expectSessionKept(unmarked = 0): void {
  const { refreshToken = '' } = saved()
  expect(codecatalyst.oidc.acceptsRefreshToken(refreshToken)).toBe(true)
  expect(marker()?.current).toBe(sha256(refreshToken))
  for (const token of new Set(presented().slice(unmarked)))
    if (token !== refreshToken) expect(marker()?.replaced).toContain(sha256(token))
}

/**
 * Job 1 as `first` says (a fault planned before it), then jobs 2 and 3 from what the secret holds: every job
 * renews (10-minute tokens), presents the refresh token the secret held when it started, and succeeds.
 */
async function threeJobs(first: JobOptions = {}, unmarked = 0): Promise<ActionResult[]> {
  const results: ActionResult[] = []
  for (let n = 1; n <= 3; n++) {
    const before = saved().refreshToken
    const result = await job(n === 1 ? first : {})
    results.push(result)
    expect(presented().at(-1)).toBe(before)
    if (n > 1) {
      expect({ n, code: result.code, error: errorAnnotation(result.stdout) }).toEqual({
        n,
        code: 0,
        error: undefined
      })
      expect(result.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
    }
    expectNoSecretLeak(result, allSecrets())
    // What the user sees first: that jobs 2 and 3 succeed; then what the stand-ins hold.
    if (n > 1) expectSessionKept(unmarked)
  }
  return results
}

const TEN_MINUTES = { accessTokenLifetimeSeconds: 600 }

/** Resolves once `condition` holds (checked every 20 ms). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 20))
}

describe('write-back across jobs', () => {
  it('keeps the session alive over three jobs in a row, each starting from what the secret holds', async () => {
    await serve({ sso: TEN_MINUTES })
    const [first] = await threeJobs()
    expectSuccess(first!)
    expect(first!.stdout).toContain(
      'Saved the renewed SSO session to the secret CODECATALYST_SSO_SESSION of octo-org/app.'
    )
    const after = saved()
    // The CLI's cache file, with the new access token and its end; the rest unchanged.
    expect(Object.keys(after)).toEqual([
      'startUrl',
      'region',
      'accessToken',
      'expiresAt',
      'clientId',
      'clientSecret',
      'registrationExpiresAt',
      'refreshToken'
    ])
    expect(after.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(Math.abs(Date.parse(after.expiresAt!) - (Date.now() + 600_000))).toBeLessThan(10_000)
    // The new token was saved before CodeCatalyst saw it.
    const startedWith = codecatalyst.requestsFor('StartWorkflowRun').at(-1)!.headers.authorization
    expect(startedWith).toBe(`Bearer ${after.accessToken}`)
    expect(new Set(presented()).size).toBe(3)
    expect(puts()).toHaveLength(3)
    expect(codecatalyst.runs.size).toBe(3)
    // The marker holds hashes, never a token.
    expect(github.variableValue(MARKER)).not.toContain('aor-')
  })

  it('without write-back, warns on each renewal, and the next job fails saying why and what to set', async () => {
    await serve()
    const inputs = { 'sso-session-secret': '', 'github-token': '' }
    const first = await job({ inputs })
    expectSuccess(first)
    expect(first.stdout).toContain(
      "::warning title=CodeCatalyst SSO session not saved::SSO OIDC replaced the session's refresh token"
    )
    expect(first.outputs['session-renewed']).toBe('true')
    expect(first.outputs['session-saved']).toBeUndefined()
    const second = await job({ inputs })
    expect(second.code).toBe(1)
    expect(errorAnnotation(second.stdout)).toMatch(
      /^CreateToken failed: InvalidGrantException \(HTTP 400\).*accepts each refresh token once.*set 'sso-session-secret' and 'github-token'/s
    )
    expect(github.requests).toHaveLength(0)
  })

  it('makes no GitHub request at all while the cached access token is good', async () => {
    await serve({ accessTokenValidForSeconds: 3600 })
    const result = await job()
    expectSuccess(result)
    expect(result.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })

  it('loads no on-demand chunk when there is nothing to renew: the bundle alone runs the step', async () => {
    await serve()
    // The main bundle holds none of what loads on demand (its string literals survive minification):
    // libsodium's sealing and GitHub's secrets routes, SSO OIDC's grant, the tunnel's CONNECT.
    const main = readFileSync(DIST, 'utf8')
    for (const marker of [
      'crypto_box_seal',
      '/secrets/public-key',
      '"refresh_token"',
      'did not answer CONNECT'
    ])
      expect(main.includes(marker) ? `index.js holds ${marker}` : 'on demand').toBe('on demand')
    // dist/ without the chunks that import() loads: the SSO OIDC client, the writer, the proxy tunnel.
    const bare = mkdtempSync(join(tmpdir(), 'bare-dist-'))
    try {
      for (const file of readdirSync(dirname(DIST)).filter(f =>
        /^(?!\d+\.index\.js$).+\.(js|json|txt)$/.test(f)
      ))
        copyFileSync(join(dirname(DIST), file), join(bare, file))
      const bundle = join(bare, 'index.js')
      const session = JSON.stringify(codecatalyst.ssoSession({ accessTokenValidForSeconds: 3600 }))
      expectSuccess(await job({ session, bundle }))
      // A renewal needs them: the same bundle fails when the cached token has expired.
      const expired = await job({ bundle })
      expect(expired.code).toBe(1)
      expect(expired.stdout).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/)
    } finally {
      rmSync(bare, { recursive: true, force: true })
    }
  })

  it('saves every renewal of a long wait, and leaves the live refresh token in the secret', async () => {
    // 4-second tokens over a run of about 9 s: a renewal every 3 s or so.
    await serve({ sso: { accessTokenLifetimeSeconds: 4 }, statusMs: 2000 })
    const result = await job({ inputs: { wait: 'true', 'poll-interval-seconds': '1' } })
    expectSuccess(result)
    const renewals = codecatalyst.requestsFor('CreateToken').length
    expect(renewals).toBeGreaterThanOrEqual(3)
    expect(puts()).toHaveLength(renewals)
    expect(codecatalyst.expiredTokenRejections).toBe(0)
    expectSessionKept()
    // The job's own later renewals present what it saved itself, whatever its save's timing.
    expectSuccess(await job())
  }, 60_000)
})

describe('GitHub at its worst: nothing spent is lost, and the next job needs no login', () => {
  it('a first save answered 503 with a Retry-After longer than any clock slack', async () => {
    await serve({ sso: TEN_MINUTES })
    const unavailable = {
      status: 503,
      headers: { 'retry-after': '7', 'content-type': 'application/json' },
      body: '{"message":"Service Unavailable"}'
    }
    github.failNext('CreateOrUpdateRepoSecret', unavailable)
    const [first] = await threeJobs()
    expectSuccess(first!)
    expect(first!.stdout).toMatch(/CreateOrUpdateRepoSecret: HTTP 503.*retrying in 7\.0 s/)
  }, 60_000)

  it('a save GitHub applied and answered too late: timed out, retried, and kept', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('CreateOrUpdateRepoSecret', { delayMs: 2500, commit: true })
    const [first] = await threeJobs({ inputs: { 'request-timeout-seconds': '1' } })
    expectSuccess(first!)
    expect(first!.stdout).toMatch(
      /CreateOrUpdateRepoSecret: no complete response within 1 s.*retrying/
    )
    expect(github.requestsFor('CreateOrUpdateRepoSecret').length).toBeGreaterThanOrEqual(4)
  }, 60_000)

  it('a secondary rate limit on the key read is waited out, not taken for a permission problem', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('GetRepoPublicKey', 'secondary-rate-limit')
    const [first] = await threeJobs()
    expectSuccess(first!)
    expect(first!.stdout).toMatch(
      /GetRepoPublicKey: HTTP 403: You have exceeded a secondary rate limit.*retrying in 1\.0 s/
    )
  }, 60_000)

  it('a primary rate limit before a renewal that resets soon is waited out; one that lasts says so and spends nothing', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('GetRepoVariable', { rateLimit: 'primary', resetInSeconds: 3600 })
    const limited = await job()
    expect(limited.code).toBe(1)
    const error = errorAnnotation(limited.stdout) ?? ''
    expect(error).toMatch(/^GetRepoVariable failed: HTTP 403: API rate limit exceeded/)
    expect(error).toContain("GitHub is rate limiting 'github-token'")
    expect(error).toContain('Nothing was renewed, so the SSO session in the secret is untouched')
    expect(error).not.toMatch(/may not read|permission/)
    expect(limited.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
    expect(codecatalyst.requests).toHaveLength(0)
    github.failNext('GetRepoPublicKey', 'rate-limited')
    const [first] = await threeJobs()
    expectSuccess(first!)
  }, 60_000)

  it('a save that needs a retry right at the wait deadline is finished, then the step ends as the deadline says', async () => {
    // 8-second tokens: the second renewal falls at the wait's last status check, 1 s before its deadline.
    await serve({ sso: { accessTokenLifetimeSeconds: 8 }, statusMs: 20_000 })
    const unavailable = {
      status: 503,
      headers: { 'retry-after': '3' },
      body: '{"message":"Service Unavailable"}'
    }
    github.failNext('CreateOrUpdateRepoSecret', 'none', unavailable)
    const inputs = { wait: 'true', 'wait-timeout-seconds': '7', 'poll-interval-seconds': '1' }
    const started = Date.now()
    const result = await job({ inputs })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(/^Timed out after 7s \(wait-timeout-seconds\)/)
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(2)
    expect(puts()).toHaveLength(3)
    // The retry went out 3 s after the 503, past the deadline: the deadline did not drop it.
    const [, failed, retried] = puts()
    expect(retried!.at - failed!.at).toBeGreaterThanOrEqual(2900)
    expect(retried!.at - started).toBeGreaterThan(7000)
    expect((Date.now() - started) / 1000).toBeLessThan(14)
    expect(result.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
    expectSessionKept()
    expectSuccess(await job())
    expectSuccess(await job())
    expectSessionKept()
  }, 60_000)

  it('an early renewal during a wait that meets GitHub 503s warns once, and the wait goes on', async () => {
    // The stored access token has 14 minutes left: renewed early, and still good for the whole wait.
    await serve({ accessTokenValidForSeconds: 14 * 60 })
    github.failNext('GetRepoPublicKey', '503', '503')
    const result = await job({
      inputs: { wait: 'true', 'poll-interval-seconds': '1', 'max-attempts': '2' }
    })
    expectSuccess(result)
    expect(result.outputs).toMatchObject({
      status: 'SUCCEEDED',
      'session-renewed': 'false',
      'session-saved': 'true'
    })
    const warnings = result.stdout.split('\n').filter(l => l.startsWith('::warning'))
    expect(warnings).toEqual([
      expect.stringMatching(
        /^::warning title=CodeCatalyst SSO session not renewed ahead of time::Could not renew the SSO session ahead of time: GetRepoPublicKey failed \(gave up after 2 attempts\): HTTP 503.*GitHub is unavailable.*The step goes on with the current access token/
      )
    ])
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
    expectSuccess(await job())
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
    expectSessionKept()
  }, 60_000)

  it("an early renewal's hung check takes at most half the wait's time left, and the wait sees the run finish", async () => {
    // 15 min 3 s left: the first polls use the token as it is; 3 s in, a renewal is tried early.
    await serve({ accessTokenValidForSeconds: 15 * 60 + 3 })
    github.failNext('GetRepoPublicKey', 'hang')
    const result = await job({
      inputs: {
        wait: 'true',
        'wait-timeout-seconds': '8',
        'poll-interval-seconds': '1',
        'request-timeout-seconds': '60'
      }
    })
    expectSuccess(result)
    expect(result.outputs).toMatchObject({ status: 'SUCCEEDED', 'session-renewed': 'false' })
    expect(result.stdout).toMatch(
      /::warning title=CodeCatalyst SSO session not renewed ahead of time::Could not renew the SSO session ahead of time: GetRepoPublicKey failed: no complete response within 2\.\d s/
    )
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
  }, 30_000)

  it.each<[string, GitHubOperation, Fault]>([
    ['CreateToken in flight', 'GetRepoPublicKey', 'none'],
    ['the save in flight', 'CreateOrUpdateRepoSecret', { delayMs: 800 }]
  ])(
    'SIGTERM with %s: the renewal is finished and saved before the step stops',
    async (_, operation, fault) => {
      await serve({ sso: TEN_MINUTES })
      const slowCreateToken = operation === 'GetRepoPublicKey'
      if (slowCreateToken) codecatalyst.failNext('CreateToken', { delayMs: 800, commit: true })
      else github.failNext(operation, fault)
      const inFlight = () =>
        slowCreateToken ? codecatalyst.requestsFor('CreateToken').length > 0 : puts().length > 0
      const cancel = signalWhen(inFlight)
      const [first] = await threeJobs({ onSpawn: cancel.onSpawn })
      expect(cancel.signalledAt()).toBeGreaterThan(0)
      expect(first!.code).toBe(1)
      expect(first!.stdout).toContain('finishing the renewal and its save before stopping')
      expect(errorAnnotation(first!.stdout)).toMatch(/^The job was cancelled before \w+ was sent/)
      expect(first!.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
      expect(codecatalyst.runs.size).toBe(2)
    },
    60_000
  )

  it('SIGINT with a slow save: the save gets the 6.5 s the runner leaves before its SIGTERM', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('CreateOrUpdateRepoSecret', { delayMs: 4000 })
    const cancel = signalWhen(() => puts().length > 0, 'SIGINT')
    const [first] = await threeJobs({ onSpawn: cancel.onSpawn })
    expect(first!.code).toBe(1)
    expect(first!.outputs['session-saved']).toBe('true')
    expect((Date.now() - cancel.signalledAt()) / 1000).toBeGreaterThan(3)
  }, 60_000)

  it('SIGTERM with a save that never lands: the step ends within the runner grace, saying the session was not saved', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('CreateOrUpdateRepoSecret', 'hang')
    const cancel = signalWhen(() => puts().length > 0)
    const result = await job({ onSpawn: cancel.onSpawn })
    expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(2.5)
    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'false' })
    expect(errorAnnotation(result.stdout)).toMatch(
      /The renewed SSO session could not be saved to the secret CODECATALYST_SSO_SESSION of octo-org\/app: CreateOrUpdateRepoSecret failed: cancelled while in flight\n.*Nothing else needs fixing: the job was cancelled, and the renewal did not finish in the time the runner leaves after a cancel\.$/s
    )
  }, 30_000)
})

describe('no single failed write makes a live secret look replaced', () => {
  it('the marker written but not the secret: the step says so, and the next job spends nothing and says the last save was lost', async () => {
    await serve({ sso: TEN_MINUTES })
    // A token that may write the marker but only read the secret: the marker lands, the secret never does.
    const first = await job({ inputs: { 'github-token': 'github_pat_secrets_reader' } })
    expect(first.code).toBe(1)
    expect(first.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'false' })
    const error = errorAnnotation(first.stdout) ?? ''
    expect(error).toMatch(
      /^The renewed SSO session could not be saved to the secret CODECATALYST_SSO_SESSION of octo-org\/app: CreateOrUpdateRepoSecret failed: HTTP 403: Resource not accessible by personal access token/
    )
    // GitHub answered 403: it did not take the save, and the message does not say it may have.
    expect(error).toContain('The secret holds a spent refresh token')
    expect(error).not.toContain('may have applied')
    expect(error).toContain(
      "Then give 'github-token' write access (it could read the secret but not write it)"
    )
    expect(error).toContain(
      "To recover: log in again: run the login workflow (see 'Log in from GitHub' in the README)"
    )
    expect(first.summary).toContain('log in again')
    const next = await job()
    expect(next.code).toBe(1)
    expect(errorAnnotation(next.stdout)).toMatch(
      /^The last renewal of the SSO session was not saved: the marker CODECATALYST_SSO_SESSION_MARKER of octo-org\/app lists this copy's refresh token as replaced, but the secret .* was not written after the marker.*log in again/s
    )
    expect(next.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'false' })
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
  }, 60_000)

  it('five 503s in a row on the save: retried for as long as the renewal budget allows, and saved', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('CreateOrUpdateRepoSecret', ...Array<GitHubFault>(5).fill('503'))
    const [first] = await threeJobs({ inputs: { 'max-attempts': '2' } })
    expectSuccess(first!)
    expect(github.requestsFor('CreateOrUpdateRepoSecret').length).toBe(6 + 2)
  }, 60_000)

  it('a cancel while the marker write hangs: the marker gives way, and the secret is saved', async () => {
    await serve({ sso: TEN_MINUTES })
    github.failNext('UpdateRepoVariable', 'hang')
    const cancel = signalWhen(() => github.requestsFor('UpdateRepoVariable').length > 0)
    const [first] = await threeJobs({
      onSpawn: cancel.onSpawn,
      inputs: { 'request-timeout-seconds': '60' }
    })
    expect(first!.code).toBe(1)
    expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(2.5)
    expect(first!.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
    // The first job wrote the marker once more after the secret, with the time that was left.
    const [hung, afterSecret] = github.requestsFor('UpdateRepoVariable')
    expect(afterSecret!.body).toBe(hung!.body)
    expect(afterSecret!.at).toBeGreaterThan(puts()[0]!.at)
  }, 60_000)

  it('the secret written but not the marker: the step warns, and the next job presents the saved session', async () => {
    await serve({ sso: TEN_MINUTES })
    const refused = { status: 422, body: '{"message":"Validation Failed"}' }
    github.failNext('UpdateRepoVariable', refused, refused)
    const first = await job()
    expectSuccess(first)
    expect(first.stdout).toMatch(
      /::warning title=CodeCatalyst SSO session marker not updated::Saved the renewed SSO session to the secret CODECATALYST_SSO_SESSION of octo-org\/app, but could not update its marker/
    )
    // The marker still names the copy the first job presented; the saved one is new to it, so it is presented.
    expect(marker()?.current).toBe(sha256(presented()[0]!))
    await threeJobs()
  }, 60_000)
})

describe('nothing is spent before it can be saved', () => {
  it.each([
    [
      'a token GitHub does not know (401)',
      { 'github-token': 'github_pat_revoked' },
      /GitHub did not accept 'github-token': it has expired or was revoked\. Create a new one, a fine-grained personal access token with the repository permissions Secrets: Read and write and Variables: Read and write/
    ],
    [
      "the job's GITHUB_TOKEN (403)",
      { 'github-token': 'ghs_job_github_token' },
      /HTTP 403: Resource not accessible by integration.*'github-token' may not read or write the secret CODECATALYST_SSO_SESSION of octo-org\/app: it must be a fine-grained personal access token.*The job's GITHUB_TOKEN can never write secrets/s
    ],
    [
      'a token without the Variables permission (403 on the marker)',
      { 'github-token': 'github_pat_no_variables' },
      /^GetRepoVariable failed: HTTP 403.*'github-token' may not read the marker variable CODECATALYST_SSO_SESSION_MARKER of octo-org\/app: it must be .*Variables: Read and write/s
    ],
    [
      'a secret that does not exist (404)',
      { 'sso-session-secret': 'CODECATALYST_SESSION' },
      /There is no secret CODECATALYST_SESSION in repository octo-org\/app: 'sso-session-secret' must name the secret that 'sso-session' comes from/
    ],
    [
      'an environment that does not exist (404)',
      { 'sso-session-secret-environment': 'staging', 'github-token': 'github_pat_env_writer' },
      /GitHub found no environment 'staging' in octo-org\/app that 'github-token' can see: check 'sso-session-secret-environment'/
    ],
    [
      'an environment secret with a token that lacks Environments (403)',
      { 'sso-session-secret-environment': 'production' },
      /Resource not accessible by personal access token.*Environments: Read and write for an environment secret/s
    ]
  ])(
    '%s fails the step before CreateToken and any CodeCatalyst request',
    async (_, inputs, message) => {
      const stored = await serve()
      const result = await job({ inputs, session: stored })
      expect(result.code).toBe(1)
      const error = errorAnnotation(result.stdout) ?? ''
      expect(error).toMatch(message)
      expect(error).toContain('Nothing was renewed, so the SSO session in the secret is untouched.')
      expect(result.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
      expect(codecatalyst.requests).toHaveLength(0)
      expect(puts()).toHaveLength(0)
      expectNoSecretLeak(result, allSecrets())
      // Nothing was spent: the stored session still renews, with a token that may write.
      expectSuccess(await job({ session: stored }))
    }
  )

  it('a public key GitHub answers malformed spends nothing either', async () => {
    const stored = await serve()
    github.failNext('GetRepoPublicKey', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"key_id":"1","key":"bm90IGEga2V5"}'
    })
    const result = await job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^GetRepoPublicKey failed: the response has no usable public key .*\nGitHub's answer to GetRepoPublicKey is not what its API promises.*Nothing was renewed/s
    )
    expect(codecatalyst.requests).toHaveLength(0)
  })

  it('a marker the action did not write spends nothing, and says to delete it', async () => {
    const stored = await serve()
    github.setVariable(MARKER, 'hand-made')
    const result = await job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^The variable CODECATALYST_SSO_SESSION_MARKER of octo-org\/app holds no marker this action wrote.*Delete the variable/
    )
    expect(codecatalyst.requests).toHaveLength(0)
  })

  it('a token that may only read the marker fails before anything is spent, naming the permission', async () => {
    const stored = await serve()
    const result = await job({ inputs: { 'github-token': 'github_pat_reader' }, session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^CreateRepoVariable failed: HTTP 403.*'github-token' may not write the marker variable CODECATALYST_SSO_SESSION_MARKER of octo-org\/app: it must be .*Variables: Read and write.*Nothing was renewed/s
    )
    expect(codecatalyst.requests).toHaveLength(0)
    expectSuccess(await job({ session: stored }))
  })

  it('a save that fails once is retried, and the step succeeds', async () => {
    await serve()
    github.failNext('CreateOrUpdateRepoSecret', { status: 502, body: '' })
    github.failNext('GetRepoSecret', 'reset')
    const result = await job()
    expectSuccess(result)
    expect(result.stdout).toMatch(/CreateOrUpdateRepoSecret: HTTP 502 with an empty body.*retrying/)
    expect(puts()).toHaveLength(2)
    expectSessionKept()
    expectSuccess(await job())
  })
})

describe('scopes and addresses', () => {
  it('saves an environment secret and its marker, and leaves the repository secret alone', async () => {
    await serve()
    const repositoryCopy = github.secretValue(SECRET)
    const inputs = {
      'sso-session-secret-environment': 'production',
      'github-token': 'github_pat_env_writer'
    }
    const result = await job({ inputs })
    expectSuccess(result)
    const base = '/repos/octo-org/app/environments/production'
    expect(github.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      `GET ${base}/secrets/public-key`,
      `GET ${base}/secrets/${SECRET}`,
      // No marker yet: created before the renewal, which proves the token may write it.
      `GET ${base}/variables/${MARKER}`,
      `POST ${base}/variables`,
      // The renewal's save: the marker, then the secret, then a look that no other writer came between.
      `PATCH ${base}/variables/${MARKER}`,
      `PUT ${base}/secrets/${SECRET}`,
      `GET ${base}/variables/${MARKER}`
    ])
    expect(github.secretValue(SECRET)).toBe(repositoryCopy)
    expect(marker('production')?.current).toBe(sha256(saved('production').refreshToken!))
    expect(marker()).toBeNull()
    expectSuccess(await job({ inputs }))
  })

  it('reaches GitHub Enterprise Server under its /api/v3 prefix, with an App installation token', async () => {
    await serve({ github: { pathPrefix: '/api/v3' } })
    const result = await job({ inputs: { 'github-token': 'ghs_app_writer' } })
    expectSuccess(result)
    expect(puts().map(r => r.url)).toEqual([`/api/v3/repos/octo-org/app/actions/secrets/${SECRET}`])
    const put = puts()[0]!
    expect(put.headers.authorization).toBe('Bearer ghs_app_writer')
    expect(put.headers['x-github-api-version']).toBe('2022-11-28')
    expect(put.headers.accept).toBe('application/vnd.github+json')
    expect(Object.keys(JSON.parse(put.body) as object).sort()).toEqual([
      'encrypted_value',
      'key_id'
    ])
  })
})

describe('jobs that share the secret', () => {
  it('two steps of one job: the second takes over what the first saved, which no other step can open', async () => {
    await serve({ sso: TEN_MINUTES })
    const temp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    try {
      // Both steps are given the secret as it was when the job started, in the same RUNNER_TEMP.
      const given = github.secretValue(SECRET)!
      const step = () => job({ session: given, env: { RUNNER_TEMP: temp } })
      expectSuccess(await step())
      const savedByFirst = saved().refreshToken
      const second = await step()
      expectSuccess(second)
      expect(second.stdout).toContain(
        'Using the SSO session that an earlier step of this job saved'
      )
      // It renews (10-minute tokens) from what the first step saved, not from the copy it was given.
      expect(presented()).toEqual([(JSON.parse(given) as CacheFile).refreshToken, savedByFirst])
      expectSessionKept()
      // Sealed: no secret of the session is in the file, and a step given another copy cannot open it.
      const [file] = readdirSync(join(temp, 'codecatalyst-run-workflow'))
      const sealed = readFileSync(join(temp, 'codecatalyst-run-workflow', file!), 'utf8')
      for (const secret of allSecrets())
        expect(sealed.includes(secret) ? secret : 'sealed').toBe('sealed')
      const other = await job({
        session: github.secretValue(SECRET)!,
        env: { RUNNER_TEMP: temp }
      })
      expectSuccess(other)
      expect(other.stdout).not.toContain('earlier step of this job')
    } finally {
      rmSync(temp, { recursive: true, force: true })
    }
  })

  it('two jobs renewing the same copy at once: one wins, the loser never writes, and the next job succeeds', async () => {
    await serve()
    const copy = github.secretValue(SECRET)!
    const results = await Promise.all([job({ session: copy }), job({ session: copy })])
    expect(results.map(r => r.code).sort()).toEqual([0, 1])
    const loser = results.find(r => r.code === 1)!
    // The winner saved: the secret is live, and the loser does not ask for a login.
    expect(loser.outputs['session-saved']).toBe('true')
    // The loser met either the spent refresh token, or the winner's marker when it checked.
    expect(errorAnnotation(loser.stdout)).toMatch(
      /Another job that shares the secret may have renewed the session at the same moment.*`max-parallel: 1`, a `concurrency` group, or one job that starts all runs.*re-run this job: it picks up the renewed session|This job's copy of the SSO session is not the latest one/s
    )
    expect(puts()).toHaveLength(1)
    expectSuccess(await job())
  })

  it('a copy that another job replaced seconds after it was saved is never presented', async () => {
    await serve({ sso: TEN_MINUTES })
    expectSuccess(await job())
    const olderCopy = github.secretValue(SECRET)!
    // Another job renews from what the secret holds and saves a moment later.
    expectSuccess(await job())
    const stale = await job({ session: olderCopy })
    expect(stale.code).toBe(1)
    expect(errorAnnotation(stale.stdout)).toMatch(
      /^This job's copy of the SSO session is not the latest one: the marker CODECATALYST_SSO_SESSION_MARKER of octo-org\/app lists this copy's refresh token as replaced, because another job renewed the session and saved it to the secret CODECATALYST_SSO_SESSION of octo-org\/app after this job was given its copy\. That refresh token is spent, so it was not used\. Re-run this job: it is given the renewed session\./
    )
    expect(stale.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(2)
    expect(codeCatalystRequests()).toHaveLength(4)
    expectSessionKept()
  })

  it('a copy stored by hand that another job has renewed since is never presented', async () => {
    const stored = await serve()
    expectSuccess(await job({ session: stored }))
    const result = await job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(/is not the latest one/)
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
  })

  it('a login stored by hand while a save is slow: whichever session the secret ends with is presented', async () => {
    await serve({ sso: TEN_MINUTES })
    // Job A renews the old session; its secret write lands late, after job B saved a new login's renewal.
    github.failNext('CreateOrUpdateRepoSecret', { delayMs: 2500 })
    const jobA = job()
    await until(() => puts().length === 1)
    const login = JSON.stringify(
      codecatalyst.ssoSession({ accessTokenValidForSeconds: -60, newLogin: true })
    )
    github.setSecret(SECRET, login)
    expectSuccess(await job({ session: login }))
    expectSuccess(await jobA)
    // The secret holds job A's session (its write came last), which the marker no longer names.
    expect(marker()?.current).not.toBe(sha256(saved().refreshToken!))
    const next = await job()
    expect({ code: next.code, error: errorAnnotation(next.stdout) }).toEqual({
      code: 0,
      error: undefined
    })
    expectSessionKept()
  }, 30_000)

  it('a new login stored by hand is presented, and the copies of the old session are refused from then on', async () => {
    await serve({ sso: TEN_MINUTES })
    expectSuccess(await job())
    const oldCopy = github.secretValue(SECRET)!
    // `aws sso login` again, and `gh secret set`: the marker has never seen this session.
    const login = JSON.stringify(
      codecatalyst.ssoSession({ accessTokenValidForSeconds: -60, newLogin: true })
    )
    github.setSecret(SECRET, login)
    expectSuccess(await job())
    const old = await job({ session: oldCopy })
    expect(old.code).toBe(1)
    expect(errorAnnotation(old.stdout)).toMatch(/is not the latest one/)
    expectSessionKept()
  })
})

describe('inputs', () => {
  it('reports every write-back problem at once, before any request', async () => {
    await serve()
    const result = await job({
      inputs: { 'sso-session-secret': 'GITHUB_SESSION', 'github-token': '' },
      env: { GITHUB_REPOSITORY: '' }
    })
    expect(result.code).toBe(1)
    const error = errorAnnotation(result.stdout) ?? ''
    expect(error.split('\n')).toEqual([
      '3 inputs are invalid:',
      expect.stringMatching(
        /^- Invalid sso-session-secret 'GITHUB_SESSION'\. Expected the name of a secret/
      ),
      expect.stringMatching(
        /^- Input 'sso-session-secret' needs 'github-token'.*Variables: Read and write.*GITHUB_TOKEN cannot write secrets/
      ),
      expect.stringMatching(/^- Environment variable GITHUB_REPOSITORY is not set/)
    ])
    expect(codecatalyst.requests).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })

  it.each([
    [
      { 'sso-session-secret': '', 'sso-session-secret-environment': 'production' },
      "Input 'sso-session-secret-environment' is set but 'sso-session-secret' is not"
    ],
    [{ 'sso-session-secret': '' }, "Input 'github-token' is set but 'sso-session-secret' is not"],
    [{ 'sso-session-secret': '1SESSION' }, "Invalid sso-session-secret '1SESSION'"],
    [{ 'sso-session-secret': 'SSO-SESSION' }, "Invalid sso-session-secret 'SSO-SESSION'"],
    [
      { 'sso-session': '', token: DEMO.token },
      "Input 'sso-session-secret' needs 'sso-session': only an SSO session is renewed and saved"
    ]
  ])('refuses %j', async (inputs, message) => {
    await serve()
    const result = await job({ inputs })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toContain(message)
    expect(codecatalyst.requests).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })

  it('masks github-token first, and shows it nowhere, also with RUNNER_DEBUG and echoing servers', async () => {
    await serve()
    github.failNext('GetRepoPublicKey', {
      status: 500,
      body: JSON.stringify({ message: 'upstream said token github_pat_writer' })
    })
    const result = await job({ env: { RUNNER_DEBUG: '1' } })
    expectSuccess(result)
    expect(result.stdout.split('\n')[0]).toBe('::add-mask::github_pat_writer')
    expect(result.stdout).toContain('upstream said token ***')
    expectNoSecretLeak(result, allSecrets())
  })
})

describe('GitHub on the network', () => {
  const HOST = 'github.test'
  let certDir: string
  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'cert-'))
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${HOST}`]
        .concat(['-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')])
        .concat(['-addext', `subjectAltName=DNS:${HOST}`]),
      { stdio: 'ignore' }
    )
  })
  afterAll(() => rmSync(certDir, { recursive: true, force: true }))

  it('goes through HTTPS_PROXY to an HTTPS host that only the proxy resolves, on one tunnel', async () => {
    const tls = {
      key: readFileSync(join(certDir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(certDir, 'cert.pem'), 'utf8')
    }
    await serve({ listen: { tls, name: HOST } })
    const proxy = await startConnectProxy({ [`${HOST}:${github.port}`]: github.port })
    try {
      const result = await job({
        env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') }
      })
      expect(errorAnnotation(result.stdout)).toBeUndefined()
      expectSuccess(result)
      expect(puts()).toHaveLength(1)
      expect(proxy.connects).toEqual([`${HOST}:${github.port}`])
    } finally {
      await proxy.close()
    }
  })

  it("ends a needed renewal's hung check by the wait's deadline, having spent nothing", async () => {
    // 2-second tokens: the first renewal comes before the start, the next one, needed, about 2 s into the wait.
    await serve({ sso: { accessTokenLifetimeSeconds: 2 }, statusMs: 5000 })
    // The check and the look after the save pass; the second renewal's check hangs.
    github.failNext('GetRepoVariable', 'none', 'none', 'hang')
    const started = Date.now()
    const result = await job({
      inputs: {
        wait: 'true',
        'wait-timeout-seconds': '4',
        'poll-interval-seconds': '1',
        'request-timeout-seconds': '60'
      }
    })
    const seconds = (Date.now() - started) / 1000
    expect(result.code).toBe(1)
    // Without the deadline, the hung request would have run for its 60 s timeout.
    expect(seconds).toBeLessThan(10)
    expect(errorAnnotation(result.stdout)).toMatch(/^Timed out after 4s \(wait-timeout-seconds\)/)
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
    expectSessionKept()
  }, 30_000)
})
