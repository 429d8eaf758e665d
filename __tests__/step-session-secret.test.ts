/**
 * The SSO session's life across jobs, in-process (src/main.ts's run()): each job is handed what the secret holds
 * when it starts (as the runner fixes a job's secrets), renews through the stand-in's single-use refresh tokens,
 * and writes the renewed session and its marker back through the GitHub secrets stand-in. Backoffs and
 * Retry-After waits are cut short (shortSleep). What only the bundle can show is e2e-session-secret.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { GitHubFault } from '../stand-in/github-secrets.js'
import type { RunOptions } from '../scripts/runner.js'
import { errorAnnotation } from '../scripts/runner.js'
import { expectNoSecretLeak, expectSuccess, inOrder } from './helpers/expectations.js'
import { fast, runInProcess, shortSleep } from './helpers/in-process.js'
import {
  type CacheFile,
  MARKER,
  SECRET,
  TEN_MINUTES,
  type World,
  type WorldOptions,
  serve as serveWorld,
  sha256
} from './helpers/session-world.js'
import { DEMO } from './helpers/stand-in.js'

/** A job in-process, with sub-second polls and backoffs of at most 20 ms. */
const run = (options: RunOptions) =>
  runInProcess({ ...options, tune: fast({ requestMs: 1000, pollMs: 100 }), sleep: shortSleep() })
let world: World | undefined
afterEach(() => world?.close())
const serve = async (runner: typeof run, options?: WorldOptions) =>
  (world = await serveWorld(runner, options))

describe('write-back across jobs', () => {
  it('without write-back, warns on each renewal, and the next job fails saying why and what to set', async () => {
    const w = await serve(run)
    const inputs = { 'sso-session-secret': '', 'github-token': '' }
    const first = await w.job({ inputs })
    expectSuccess(first)
    expect(first.stdout).toContain(
      "::warning title=CodeCatalyst SSO session not saved::SSO OIDC replaced the session's refresh token"
    )
    expect(first.outputs['session-renewed']).toBe('true')
    expect(first.outputs['session-saved']).toBeUndefined()
    const second = await w.job({ inputs })
    expect(second.code).toBe(1)
    expect(errorAnnotation(second.stdout)).toMatch(
      /^CreateToken failed: InvalidGrantException \(HTTP 400\).*accepts each refresh token once.*set 'sso-session-secret' and 'github-token'/s
    )
    expect(w.github.requests).toHaveLength(0)
  })

  it('makes no GitHub request at all while the cached access token is good', async () => {
    const w = await serve(run, { accessTokenValidForSeconds: 3600 })
    const result = await w.job()
    expectSuccess(result)
    expect(result.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
    expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
    expect(w.github.requests).toHaveLength(0)
  })

  it('saves every renewal of a long wait, and leaves the live refresh token in the secret', async () => {
    // 1-second tokens over a run of about 2 s: a renewal every 0.75 s or so.
    const w = await serve(run, { sso: { accessTokenLifetimeSeconds: 1 }, statusMs: 500 })
    const result = await w.job({ inputs: { wait: 'true', 'poll-interval-seconds': '1' } })
    expectSuccess(result)
    const renewals = w.codecatalyst.requestsFor('CreateToken').length
    expect(renewals).toBeGreaterThanOrEqual(3)
    expect(w.puts()).toHaveLength(renewals)
    expect(w.codecatalyst.expiredTokenRejections).toBe(0)
    w.expectSessionKept()
    // The job's own later renewals present what it saved itself, whatever its save's timing.
    expectSuccess(await w.job())
  }, 60_000)
})

describe('GitHub at its worst: nothing spent is lost, and the next job needs no login', () => {
  it('a first save answered 503 with a Retry-After longer than any clock slack', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    const unavailable = {
      status: 503,
      headers: { 'retry-after': '7', 'content-type': 'application/json' },
      body: '{"message":"Service Unavailable"}'
    }
    w.github.failNext('CreateOrUpdateRepoSecret', unavailable)
    const [first] = await w.threeJobs()
    expectSuccess(first!)
    expect(first!.stdout).toMatch(/CreateOrUpdateRepoSecret: HTTP 503.*retrying in 7\.0 s/)
  }, 60_000)

  it('a save GitHub applied and answered too late: timed out, retried, and kept', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    w.github.failNext('CreateOrUpdateRepoSecret', { delayMs: 2500, commit: true })
    const [first] = await w.threeJobs({ inputs: { 'request-timeout-seconds': '1' } })
    expectSuccess(first!)
    expect(first!.stdout).toMatch(
      /CreateOrUpdateRepoSecret: no complete response within 1 s.*retrying/
    )
    expect(w.github.requestsFor('CreateOrUpdateRepoSecret').length).toBeGreaterThanOrEqual(4)
  }, 60_000)

  it('a secondary rate limit on the key read is waited out, not taken for a permission problem', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    w.github.failNext('GetRepoPublicKey', 'secondary-rate-limit')
    const [first] = await w.threeJobs()
    expectSuccess(first!)
    expect(first!.stdout).toMatch(
      /GetRepoPublicKey: HTTP 403: You have exceeded a secondary rate limit.*retrying in 1\.0 s/
    )
  }, 60_000)

  it('a primary rate limit before a renewal that resets soon is waited out; one that lasts says so and spends nothing', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    w.github.failNext('GetRepoVariable', { rateLimit: 'primary', resetInSeconds: 3600 })
    const limited = await w.job()
    expect(limited.code).toBe(1)
    const error = errorAnnotation(limited.stdout) ?? ''
    expect(error).toMatch(/^GetRepoVariable failed: HTTP 403: API rate limit exceeded/)
    expect(error).toContain("GitHub is rate limiting 'github-token'")
    expect(error).toContain('Nothing was renewed, so the SSO session in the secret is untouched')
    expect(error).not.toMatch(/may not read|permission/)
    expect(limited.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
    expect(w.codecatalyst.requests).toHaveLength(0)
    w.github.failNext('GetRepoPublicKey', 'rate-limited')
    const [first] = await w.threeJobs()
    expectSuccess(first!)
  }, 60_000)

  it('an early renewal during a wait that meets GitHub 503s warns once, and the wait goes on', async () => {
    // The stored access token has 14 minutes left: renewed early, and still good for the whole wait.
    const w = await serve(run, { accessTokenValidForSeconds: 14 * 60, statusMs: 200 })
    w.github.failNext('GetRepoPublicKey', '503', '503')
    const result = await w.job({
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
    expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
    expectSuccess(await w.job())
    expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
    w.expectSessionKept()
  }, 60_000)
})

describe('no single failed write makes a live secret look replaced', () => {
  it('the marker written but not the secret: the step says so, and the next job spends nothing and says the last save was lost', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    // A token that may write the marker but only read the secret: the marker lands, the secret never does.
    const first = await w.job({ inputs: { 'github-token': 'github_pat_secrets_reader' } })
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
    const next = await w.job()
    expect(next.code).toBe(1)
    expect(errorAnnotation(next.stdout)).toMatch(
      /^The last renewal of the SSO session was not saved: the marker CODECATALYST_SSO_SESSION_MARKER of octo-org\/app lists this copy's refresh token as replaced, but the secret .* was not written after the marker.*log in again/s
    )
    expect(next.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'false' })
    expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
  }, 60_000)

  it('five 503s in a row on the save: retried for as long as the renewal budget allows, and saved', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    w.github.failNext('CreateOrUpdateRepoSecret', ...Array<GitHubFault>(5).fill('503'))
    const [first] = await w.threeJobs({ inputs: { 'max-attempts': '2' } })
    expectSuccess(first!)
    expect(w.github.requestsFor('CreateOrUpdateRepoSecret').length).toBe(6 + 2)
  }, 60_000)

  it('the secret written but not the marker: the step warns, and the next job presents the saved session', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    const refused = { status: 422, body: '{"message":"Validation Failed"}' }
    w.github.failNext('UpdateRepoVariable', refused, refused)
    const first = await w.job()
    expectSuccess(first)
    expect(first.stdout).toMatch(
      /::warning title=CodeCatalyst SSO session marker not updated::Saved the renewed SSO session to the secret CODECATALYST_SSO_SESSION of octo-org\/app, but could not update its marker/
    )
    // The marker still names the copy the first job presented; the saved one is new to it, so it is presented.
    expect(w.marker()?.current).toBe(sha256(w.presented()[0]!))
    await w.threeJobs()
  }, 60_000)
})

describe('nothing is spent before it can be saved', () => {
  it.each([
    [
      'a token GitHub does not know (401)',
      { 'github-token': 'github_pat_revoked' },
      inOrder(
        "'github-token'",
        'expired or was revoked',
        'Secrets: Read and write',
        'Variables: Read and write'
      )
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
      const w = await serve(run)
      const stored = w.stored
      const result = await w.job({ inputs, session: stored })
      expect(result.code).toBe(1)
      const error = errorAnnotation(result.stdout) ?? ''
      expect(error).toMatch(message)
      expect(error).toContain('Nothing was renewed, so the SSO session in the secret is untouched.')
      expect(result.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
      expect(w.codecatalyst.requests).toHaveLength(0)
      expect(w.puts()).toHaveLength(0)
      expectNoSecretLeak(result, w.allSecrets())
      // Nothing was spent: the stored session still renews, with a token that may write.
      expectSuccess(await w.job({ session: stored }))
    }
  )

  it('a public key GitHub answers malformed spends nothing either', async () => {
    const w = await serve(run)
    const stored = w.stored
    w.github.failNext('GetRepoPublicKey', {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"key_id":"1","key":"bm90IGEga2V5"}'
    })
    const result = await w.job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^GetRepoPublicKey failed: the response has no usable public key .*\nGitHub's answer to GetRepoPublicKey is not what its API promises.*Nothing was renewed/s
    )
    expect(w.codecatalyst.requests).toHaveLength(0)
  })

  it('a marker the action did not write spends nothing, and says to delete it', async () => {
    const w = await serve(run)
    const stored = w.stored
    w.github.setVariable(MARKER, 'hand-made')
    const result = await w.job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^The variable CODECATALYST_SSO_SESSION_MARKER of octo-org\/app holds no marker this action wrote.*Delete the variable/
    )
    expect(w.codecatalyst.requests).toHaveLength(0)
  })

  it('a token that may only read the marker fails before anything is spent, naming the permission', async () => {
    const w = await serve(run)
    const stored = w.stored
    const result = await w.job({ inputs: { 'github-token': 'github_pat_reader' }, session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^CreateRepoVariable failed: HTTP 403.*'github-token' may not write the marker variable CODECATALYST_SSO_SESSION_MARKER of octo-org\/app: it must be .*Variables: Read and write.*Nothing was renewed/s
    )
    expect(w.codecatalyst.requests).toHaveLength(0)
    expectSuccess(await w.job({ session: stored }))
  })

  it('a save that fails once is retried, and the step succeeds', async () => {
    const w = await serve(run)
    w.github.failNext('CreateOrUpdateRepoSecret', { status: 502, body: '' })
    w.github.failNext('GetRepoSecret', 'reset')
    const result = await w.job()
    expectSuccess(result)
    expect(result.stdout).toMatch(/CreateOrUpdateRepoSecret: HTTP 502 with an empty body.*retrying/)
    expect(w.puts()).toHaveLength(2)
    w.expectSessionKept()
    expectSuccess(await w.job())
  })
})

describe('scopes and addresses', () => {
  it('saves an environment secret and its marker, and leaves the repository secret alone', async () => {
    const w = await serve(run)
    const repositoryCopy = w.github.secretValue(SECRET)
    const inputs = {
      'sso-session-secret-environment': 'production',
      'github-token': 'github_pat_env_writer'
    }
    const result = await w.job({ inputs })
    expectSuccess(result)
    const base = '/repos/octo-org/app/environments/production'
    expect(w.github.requests.map(r => `${r.method} ${r.url}`)).toEqual([
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
    expect(w.github.secretValue(SECRET)).toBe(repositoryCopy)
    expect(w.marker('production')?.current).toBe(sha256(w.saved('production').refreshToken!))
    expect(w.marker()).toBeNull()
    expectSuccess(await w.job({ inputs }))
  })

  it('reaches GitHub Enterprise Server under its /api/v3 prefix, with an App installation token', async () => {
    const w = await serve(run, { github: { pathPrefix: '/api/v3' } })
    const result = await w.job({ inputs: { 'github-token': 'ghs_app_writer' } })
    expectSuccess(result)
    expect(w.puts().map(r => r.url)).toEqual([
      `/api/v3/repos/octo-org/app/actions/secrets/${SECRET}`
    ])
    const put = w.puts()[0]!
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
    const w = await serve(run, { sso: TEN_MINUTES })
    const temp = mkdtempSync(join(tmpdir(), 'runner-temp-'))
    try {
      // Both steps are given the secret as it was when the job started, in the same RUNNER_TEMP.
      const given = w.github.secretValue(SECRET)!
      const step = () => w.job({ session: given, env: { RUNNER_TEMP: temp } })
      expectSuccess(await step())
      const savedByFirst = w.saved().refreshToken
      const second = await step()
      expectSuccess(second)
      expect(second.stdout).toContain(
        'Using the SSO session that an earlier step of this job saved'
      )
      // It renews (10-minute tokens) from what the first step saved, not from the copy it was given.
      expect(w.presented()).toEqual([(JSON.parse(given) as CacheFile).refreshToken, savedByFirst])
      w.expectSessionKept()
      // Sealed: no secret of the session is in the file, and a step given another copy cannot open it.
      const [file] = readdirSync(join(temp, 'codecatalyst-run-workflow'))
      const sealed = readFileSync(join(temp, 'codecatalyst-run-workflow', file!), 'utf8')
      for (const secret of w.allSecrets())
        expect(sealed.includes(secret) ? secret : 'sealed').toBe('sealed')
      const other = await w.job({
        session: w.github.secretValue(SECRET)!,
        env: { RUNNER_TEMP: temp }
      })
      expectSuccess(other)
      expect(other.stdout).not.toContain('earlier step of this job')
    } finally {
      rmSync(temp, { recursive: true, force: true })
    }
  })

  it('a copy that another job replaced seconds after it was saved is never presented', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    expectSuccess(await w.job())
    const olderCopy = w.github.secretValue(SECRET)!
    // Another job renews from what the secret holds and saves a moment later.
    expectSuccess(await w.job())
    const stale = await w.job({ session: olderCopy })
    expect(stale.code).toBe(1)
    expect(errorAnnotation(stale.stdout)).toMatch(
      inOrder(
        /^This job's copy of the SSO session is not the latest/,
        'CODECATALYST_SSO_SESSION_MARKER',
        'replaced',
        'another job',
        'not used',
        'Re-run this job'
      )
    )
    expect(stale.outputs).toMatchObject({ 'session-renewed': 'false', 'session-saved': 'true' })
    expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(2)
    expect(w.codeCatalystRequests()).toHaveLength(4)
    w.expectSessionKept()
  })

  it('a copy stored by hand that another job has renewed since is never presented', async () => {
    const w = await serve(run)
    const stored = w.stored
    expectSuccess(await w.job({ session: stored }))
    const result = await w.job({ session: stored })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(/is not the latest one/)
    expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
  })

  it('a new login stored by hand is presented, and the copies of the old session are refused from then on', async () => {
    const w = await serve(run, { sso: TEN_MINUTES })
    expectSuccess(await w.job())
    const oldCopy = w.github.secretValue(SECRET)!
    // `aws sso login` again, and `gh secret set`: the marker has never seen this session.
    const login = JSON.stringify(
      w.codecatalyst.ssoSession({ accessTokenValidForSeconds: -60, newLogin: true })
    )
    w.github.setSecret(SECRET, login)
    expectSuccess(await w.job())
    const old = await w.job({ session: oldCopy })
    expect(old.code).toBe(1)
    expect(errorAnnotation(old.stdout)).toMatch(/is not the latest one/)
    w.expectSessionKept()
  })
})

describe('inputs', () => {
  it('reports every write-back problem at once, before any request', async () => {
    const w = await serve(run)
    const result = await w.job({
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
    expect(w.codecatalyst.requests).toHaveLength(0)
    expect(w.github.requests).toHaveLength(0)
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
    const w = await serve(run)
    const result = await w.job({ inputs })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toContain(message)
    expect(w.codecatalyst.requests).toHaveLength(0)
    expect(w.github.requests).toHaveLength(0)
  })
})
