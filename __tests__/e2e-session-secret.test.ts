/**
 * The SSO session's life across jobs, end to end on dist/index.js: each job is handed what the secret holds
 * when it starts (as the runner fixes a job's secrets), renews through the stand-in's single-use refresh
 * tokens, and writes the renewed session back through the GitHub secrets stand-in.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { demoOptions } from '../stand-in/demo.js'
import type { Listen } from '../stand-in/http.js'
import type { GitHubSecretsOptions, GitHubSecretsStandIn } from '../stand-in/github-secrets.js'
import {
  type CodeCatalystStandIn,
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
const REPOSITORY = 'octo-org/app'
/** Tokens the GitHub stand-in knows. */
const TOKENS: GitHubSecretsOptions['tokens'] = {
  github_pat_writer: { kind: 'pat', secrets: 'write' },
  github_pat_reader: { kind: 'pat', secrets: 'read' },
  github_pat_env_writer: { kind: 'pat', secrets: 'write', environments: 'write' },
  ghs_app_writer: { kind: 'app', secrets: 'write' },
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
  } = {}
) {
  standIns = await startStandIns(
    { ...demoOptions(), sso: options.sso, statusMs: options.statusMs },
    { repository: REPOSITORY, environments: ['production'], tokens: TOKENS, ...options.github },
    { github: options.listen }
  )
  ;({ codecatalyst, github } = standIns)
  const stored = JSON.stringify(codecatalyst.ssoSession({ accessTokenValidForSeconds: -60 }))
  github.setSecret(SECRET, stored, { updatedAt: Date.now() - 3_600_000 })
  github.setSecret(SECRET, stored, { environment: 'production', updatedAt: Date.now() - 3_600_000 })
  return stored
}

let runs = 0
/** One job: dist/index.js with `session` (by default, what the secret holds now) and write-back to SECRET. */
function job(
  options: {
    session?: string
    inputs?: Record<string, string>
    env?: Record<string, string>
    onSpawn?: Parameters<typeof runAction>[0]['onSpawn']
    bundle?: string
  } = {}
): Promise<ActionResult> {
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
const puts = () => github.requests.filter(r => r.method === 'PUT')
const codeCatalystRequests = () => codecatalyst.requests.filter(r => r.operation !== 'CreateToken')
/** Every secret a job could leak: the GitHub tokens, the client secret, every refresh and access token. */
const allSecrets = () =>
  [
    ...Object.keys(TOKENS),
    'github_pat_revoked',
    codecatalyst.sso.clientSecret,
    ...codecatalyst
      .requestsFor('CreateToken')
      .map(r => (JSON.parse(r.body) as CacheFile).refreshToken ?? ''),
    ...[...codecatalyst.accessTokens.keys()],
    saved().refreshToken ?? ''
  ].filter(Boolean)

describe('write-back across jobs', () => {
  it('keeps the session alive over three jobs in a row, each starting from what the secret holds', async () => {
    // Tokens of 10 minutes: every job finds less than 15 minutes left and renews.
    await serve({ sso: { accessTokenLifetimeSeconds: 600 } })
    const presented: string[] = []
    for (let n = 1; n <= 3; n++) {
      const before = saved()
      const result = await job()
      expect({ n, code: result.code, error: errorAnnotation(result.stdout) }).toEqual({
        n,
        code: 0,
        error: undefined
      })
      expect(result.stdout).toContain(
        'Saved the renewed SSO session to the secret CODECATALYST_SSO_SESSION of octo-org/app.'
      )
      expectNoSecretLeak(result, allSecrets())
      const after = saved()
      presented.push(
        (JSON.parse(codecatalyst.requestsFor('CreateToken').at(-1)!.body) as CacheFile)
          .refreshToken!
      )
      // Each job presents the refresh token the secret held, and leaves the rotated one behind.
      expect(presented.at(-1)).toBe(before.refreshToken)
      expect(after.refreshToken).not.toBe(before.refreshToken)
      // The CLI's cache file, with the new access token and its end; the rest unchanged.
      expect(Object.keys(after)).toEqual([
        'startUrl',
        'region',
        'accessToken',
        'expiresAt',
        'clientId',
        'clientSecret',
        'registrationExpiresAt',
        'refreshToken',
        'githubSecretSavedAt'
      ])
      expect(after).toMatchObject({
        startUrl: before.startUrl,
        region: before.region,
        clientId: before.clientId,
        clientSecret: before.clientSecret,
        registrationExpiresAt: before.registrationExpiresAt
      })
      expect(after.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(Math.abs(Date.parse(after.expiresAt!) - (Date.now() + 600_000))).toBeLessThan(10_000)
      expect(after.githubSecretSavedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(codecatalyst.accessTokens.has(after.accessToken!)).toBe(true)
      // The new token was saved before CodeCatalyst saw it.
      const startedWith = codecatalyst.requestsFor('StartWorkflowRun').at(-1)!.headers.authorization
      expect(startedWith).toBe(`Bearer ${after.accessToken}`)
    }
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(3)
    expect(new Set(presented).size).toBe(3)
    expect(puts()).toHaveLength(3)
    expect(codecatalyst.runs.size).toBe(3)
  })

  it('without write-back, warns on each renewal, and the next job fails saying why and what to set', async () => {
    await serve()
    const inputs = { 'sso-session-secret': '', 'github-token': '' }
    const first = await job({ inputs })
    expectSuccess(first)
    expect(first.stdout).toContain(
      "::warning title=CodeCatalyst SSO session not saved::SSO OIDC replaced the session's refresh token, and the one stored in the secret is probably spent"
    )
    expect(first.stdout).toContain("unless 'sso-session-secret' and 'github-token' are set")
    const second = await job({ inputs })
    expect(second.code).toBe(1)
    expect(errorAnnotation(second.stdout)).toMatch(
      /^CreateToken failed: InvalidGrantException \(HTTP 400\).*SSO OIDC accepts each refresh token once, so an earlier job that renewed the session has most likely spent it: set 'sso-session-secret' and 'github-token'/s
    )
    expect(github.requests).toHaveLength(0)
  })

  it('makes no GitHub request at all while the cached access token is good', async () => {
    await serve()
    const session = JSON.stringify(codecatalyst.ssoSession({ accessTokenValidForSeconds: 3600 }))
    const result = await job({ session })
    expectSuccess(result)
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })

  it('loads no on-demand chunk when there is nothing to renew: the bundle alone runs the step', async () => {
    await serve()
    // The main bundle holds none of what loads on demand (its string literals survive minification):
    // libsodium's sealing and octokit's secrets routes, SSO OIDC's grant, the tunnel's CONNECT.
    const main = readFileSync(DIST, 'utf8')
    for (const marker of [
      'crypto_box_seal',
      '/actions/secrets/public-key',
      '"refresh_token"',
      'did not answer CONNECT'
    ])
      expect(main.includes(marker) ? `index.js holds ${marker}` : 'on demand').toBe('on demand')
    // dist/ without the chunks that import() loads: the SSO OIDC client, the writer, the proxy tunnel.
    const bare = mkdtempSync(join(tmpdir(), 'bare-dist-'))
    try {
      for (const file of readdirSync(dirname(DIST)).filter(f => !/^\d+\.index\.js$/.test(f)))
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
    const result = await job({
      inputs: { wait: 'true', 'poll-interval-seconds': '1' }
    })
    expectSuccess(result)
    const renewals = codecatalyst.requestsFor('CreateToken').length
    expect(renewals).toBeGreaterThanOrEqual(3)
    expect(puts()).toHaveLength(renewals)
    expect(codecatalyst.expiredTokenRejections).toBe(0)
    // The secret's refresh token is the one SSO OIDC accepts now: the next job renews with it.
    const next = await job()
    expectSuccess(next)
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(renewals + 1)
  }, 60_000)
})

describe('nothing is spent before it can be saved', () => {
  it.each([
    [
      'a token GitHub does not know (401)',
      { 'github-token': 'github_pat_revoked' },
      /GitHub did not accept 'github-token': it has expired or was revoked\. Create a new one, a fine-grained personal access token with the repository permission Secrets: Read and write/
    ],
    [
      "the job's GITHUB_TOKEN (403)",
      { 'github-token': 'ghs_job_github_token' },
      /HTTP 403: Resource not accessible by integration.*'github-token' may not read or write the secret CODECATALYST_SSO_SESSION of octo-org\/app: it must be a fine-grained personal access token with the repository permission Secrets: Read and write.*The job's GITHUB_TOKEN can never write secrets/s
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
      expect(codecatalyst.requests).toHaveLength(0)
      expect(puts()).toHaveLength(0)
      expectNoSecretLeak(result, allSecrets())
      // Nothing was spent: the stored session still renews, with a token that may write.
      const fixed = await job({ session: stored })
      expectSuccess(fixed)
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
      /^GetRepoPublicKey failed: the response has no usable public key .*\nCould not read the secret CODECATALYST_SSO_SESSION of octo-org\/app before renewing the SSO session, so nothing was renewed/s
    )
    expect(codecatalyst.requests).toHaveLength(0)
  })

  it('a token that can only read: the run starts, outputs are set, and the step fails saying the session was not saved', async () => {
    await serve()
    const result = await job({ inputs: { 'github-token': 'github_pat_reader' } })
    expect(result.code).toBe(1)
    expect(codecatalyst.runs.size).toBe(1)
    expect(result.outputs['run-id']).toBe([...codecatalyst.runs.keys()][0])
    expect(result.outputs['client-token']).toMatch(/^gh-/)
    const error = errorAnnotation(result.stdout) ?? ''
    expect(error).toMatch(
      /^The renewed SSO session could not be saved to the secret CODECATALYST_SSO_SESSION of octo-org\/app: CreateOrUpdateRepoSecret failed: HTTP 403: Resource not accessible by personal access token/
    )
    expect(error).toContain(
      "The secret's refresh token is probably spent (SSO OIDC accepts each refresh token once), so the next job's renewal will most likely fail. To recover: log in again (aws sso login --profile <profile>), store the new cache file in CODECATALYST_SSO_SESSION"
    )
    expect(error).toContain(
      "give 'github-token' write access (it could read the secret but not write it)"
    )
    expect(result.summary).toContain('could not be saved')
    expectNoSecretLeak(result, allSecrets())
  })

  it('a save that fails for good (503 on every attempt) fails the step at its end, after the wait', async () => {
    await serve()
    github.failNext(
      'CreateOrUpdateRepoSecret',
      ...Array.from({ length: 3 }, () => ({
        status: 503,
        body: '{"message":"Service Unavailable"}'
      }))
    )
    const result = await job({
      inputs: { 'max-attempts': '3', wait: 'true', 'poll-interval-seconds': '1' }
    })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('SUCCEEDED')
    expect(puts()).toHaveLength(3)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^The renewed SSO session could not be saved to the secret CODECATALYST_SSO_SESSION of octo-org\/app: CreateOrUpdateRepoSecret failed \(gave up after 3 attempts\): HTTP 503: Service Unavailable.*if GitHub was unavailable, nothing else needs fixing/s
    )
  })

  it('a cancel while the save is in flight ends the step at once, saying the session was not saved', async () => {
    await serve()
    github.failNext('CreateOrUpdateRepoSecret', 'hang')
    const cancel = signalWhen(() => puts().length > 0)
    const result = await job({ onSpawn: cancel.onSpawn })
    expect(cancel.signalledAt()).toBeGreaterThan(0)
    expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(2)
    expect(result.code).toBe(1)
    expect(codecatalyst.runs.size).toBe(0)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^The job was cancelled before GetWorkflow was sent; no run was started\.\nThe renewed SSO session could not be saved to the secret CODECATALYST_SSO_SESSION of octo-org\/app: CreateOrUpdateRepoSecret failed: cancelled while in flight\n.*nothing else needs fixing: the job was cancelled while it was saving\.$/s
    )
  })

  it('a save that fails once is retried, and the step succeeds', async () => {
    await serve()
    github.failNext('CreateOrUpdateRepoSecret', { status: 502, body: '' })
    github.failNext('GetRepoSecret', 'reset')
    const result = await job()
    expectSuccess(result)
    expect(result.stdout).toMatch(/CreateOrUpdateRepoSecret: HTTP 502 with an empty body.*retrying/)
    expect(puts()).toHaveLength(2)
    expect(saved().refreshToken).not.toBe(undefined)
    expectSuccess(await job({ inputs: {} }))
  })
})

describe('scopes and addresses', () => {
  it('saves an environment secret, and leaves the repository secret alone', async () => {
    await serve()
    const repositoryCopy = github.secretValue(SECRET)
    const inputs = {
      'sso-session-secret-environment': 'production',
      'github-token': 'github_pat_env_writer'
    }
    const result = await job({ inputs })
    expectSuccess(result)
    expect(github.requests.map(r => `${r.method} ${r.url}`)).toEqual([
      'GET /repos/octo-org/app/environments/production/secrets/public-key',
      `GET /repos/octo-org/app/environments/production/secrets/${SECRET}`,
      'GET /repos/octo-org/app/environments/production/secrets/public-key',
      `PUT /repos/octo-org/app/environments/production/secrets/${SECRET}`
    ])
    expect(github.secretValue(SECRET)).toBe(repositoryCopy)
    expect(saved('production').githubSecretSavedAt).toBeDefined()
    expectSuccess(await job({ inputs }))
  })

  it('reaches GitHub Enterprise Server under its /api/v3 prefix, with an App installation token', async () => {
    await serve({ github: { pathPrefix: '/api/v3' } })
    const result = await job({ inputs: { 'github-token': 'ghs_app_writer' } })
    expectSuccess(result)
    expect(puts().map(r => r.url)).toEqual([`/api/v3/repos/octo-org/app/actions/secrets/${SECRET}`])
    const put = puts()[0]!
    expect(put.headers.authorization).toBe('token ghs_app_writer')
    expect(put.headers['x-github-api-version']).toBe('2022-11-28')
    expect(Object.keys(JSON.parse(put.body) as object).sort()).toEqual([
      'encrypted_value',
      'key_id'
    ])
  })
})

describe('jobs that share the secret', () => {
  it('two jobs renewing the same copy at once: one wins, the loser never writes, and the next job succeeds', async () => {
    await serve()
    const copy = github.secretValue(SECRET)!
    const results = await Promise.all([job({ session: copy }), job({ session: copy })])
    const codes = results.map(r => r.code).sort()
    expect(codes).toEqual([0, 1])
    const loser = results.find(r => r.code === 1)!
    // The loser met either the spent refresh token, or the winner's save when it checked the secret.
    expect(errorAnnotation(loser.stdout)).toMatch(
      /Another job that shares the secret may have renewed the session at the same moment.*`max-parallel: 1`, a `concurrency` group, or one job that starts all runs.*re-run this job: it picks up the renewed session|another job renewed the SSO session after this job started/s
    )
    expect(puts()).toHaveLength(1)
    const next = await job()
    expectSuccess(next)
  })

  it('a copy older than what the secret holds is not replayed', async () => {
    await serve({ sso: { accessTokenLifetimeSeconds: 600 } })
    const first = await job()
    expectSuccess(first)
    const olderCopy = github.secretValue(SECRET)!
    // Another job renewed and saved a minute later (its session is whatever the secret holds now).
    github.setSecret(SECRET, olderCopy, { updatedAt: Date.now() + 60_000 })
    const stale = await job({ session: olderCopy })
    expect(stale.code).toBe(1)
    expect(errorAnnotation(stale.stdout)).toMatch(
      /^The secret CODECATALYST_SSO_SESSION of octo-org\/app was saved again at \S+Z, after this job's copy \(saved at \S+Z\): another job renewed the SSO session after this job started, so this copy's refresh token is probably spent, and it was not used\. Re-run this job: it picks up the renewed session\./
    )
    expect(codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
    expect(codeCatalystRequests()).toHaveLength(2)
    expect(puts()).toHaveLength(1)
  })

  it('a copy stored by hand is not replayed once the secret was saved after this step started', async () => {
    const stored = await serve()
    github.setSecret(SECRET, 'a newer session', { updatedAt: Date.now() + 30_000 })
    const result = await job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /after the copy this job was given: another job renewed/
    )
    expect(codecatalyst.requests).toHaveLength(0)
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
    expect(errorAnnotation(result.stdout)).toBe(
      [
        '3 inputs are invalid:',
        "- Invalid sso-session-secret 'GITHUB_SESSION'. Expected the name of a secret: letters, digits and '_', not starting with a digit or GITHUB_, e.g. CODECATALYST_SSO_SESSION.",
        "- Input 'sso-session-secret' needs 'github-token': a token that may write that secret, a fine-grained personal access token with the repository permission Secrets: Read and write (and Environments: Read and write for an environment secret), or a GitHub App installation token with secrets: write (and environments: write). The job's GITHUB_TOKEN cannot write secrets.",
        '- Environment variable GITHUB_REPOSITORY is not set: saving the session needs the repository as owner/repo (the runner sets it; outside GitHub Actions, set it yourself).'
      ].join('\n')
    )
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

  it("ends a renewal's GitHub call by the wait's deadline", async () => {
    // 2-second tokens: the first renewal comes before the start, the next one 1.5 s into the wait.
    await serve({ sso: { accessTokenLifetimeSeconds: 2 }, statusMs: 5000 })
    github.failNext('GetRepoSecret', 'none', 'hang')
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
    expect(github.requestsFor('GetRepoSecret')).toHaveLength(2)
    // Without the deadline, the hung request would have run for its 60 s timeout.
    expect(seconds).toBeLessThan(10)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^GetRepoSecret failed: no complete response within .*Could not read the secret CODECATALYST_SSO_SESSION of octo-org\/app before renewing the SSO session/s
    )
  }, 30_000)
})
