/**
 * The SSO session's life across jobs, end to end on dist/index.js, for what only the bundle can show: the
 * on-demand chunks, the runner's masking, real signals (the renewal unit's own budget after SIGINT and SIGTERM),
 * TLS through a proxy, jobs that run side by side, and the timings of a wait with its deadline. Each test has a
 * world of its own (__tests__/helpers/session-world.ts), so they run side by side. The rest of the write-back is
 * step-session-secret.test.ts, in-process.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { GitHubOperation } from '../stand-in/github-secrets.js'
import type { Fault } from '../stand-in/server.js'
import { DIST, errorAnnotation, runAction } from '../scripts/runner.js'
import { startConnectProxy } from './helpers/connect-proxy.js'
import { expectNoSecretLeak, expectSuccess, inOrder } from './helpers/expectations.js'
import {
  MARKER,
  SECRET,
  TEN_MINUTES,
  type World,
  type WorldOptions,
  serve as serveWorld,
  sha256,
  until
} from './helpers/session-world.js'
import { signalWhen } from './helpers/signal.js'

const run = runAction
const worlds: World[] = []
afterAll(() => Promise.all(worlds.map(w => w.close())))
const serve = async (runner: typeof run, options?: WorldOptions) => {
  const world = await serveWorld(runner, options)
  worlds.push(world)
  return world
}

describe('write-back across jobs', () => {
  it.concurrent(
    'keeps the session alive over three jobs in a row, each starting from what the secret holds',
    async () => {
      const w = await serve(run, { sso: TEN_MINUTES })
      const [first] = await w.threeJobs()
      expectSuccess(first!)
      expect(first!.stdout).toContain(
        'Saved the renewed SSO session to the secret CODECATALYST_SSO_SESSION of octo-org/app.'
      )
      const after = w.saved()
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
      const startedWith = w.codecatalyst.requestsFor('StartWorkflowRun').at(-1)!.headers
        .authorization
      expect(startedWith).toBe(`Bearer ${after.accessToken}`)
      expect(new Set(w.presented()).size).toBe(3)
      expect(w.puts()).toHaveLength(3)
      expect(w.codecatalyst.runs.size).toBe(3)
      // The marker holds hashes, never a token.
      expect(w.github.variableValue(MARKER)).not.toContain('aor-')
    }
  )

  it.concurrent(
    'loads no on-demand chunk when there is nothing to renew: the bundle alone runs the step',
    async () => {
      const w = await serve(run)
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
        const session = JSON.stringify(
          w.codecatalyst.ssoSession({ accessTokenValidForSeconds: 3600 })
        )
        expectSuccess(await w.job({ session, bundle }))
        // A renewal needs them: the same bundle fails when the cached token has expired.
        const expired = await w.job({ bundle })
        expect(expired.code).toBe(1)
        expect(expired.stdout).toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/)
      } finally {
        rmSync(bare, { recursive: true, force: true })
      }
    }
  )
})

describe('GitHub at its worst: nothing spent is lost, and the next job needs no login', () => {
  it.concurrent(
    'a save that needs a retry right at the wait deadline is finished, then the step ends as the deadline says',
    async () => {
      // 8-second tokens: the second renewal falls at the wait's last status check, 1 s before its deadline.
      const w = await serve(run, { sso: { accessTokenLifetimeSeconds: 8 }, statusMs: 20_000 })
      const unavailable = {
        status: 503,
        headers: { 'retry-after': '3' },
        body: '{"message":"Service Unavailable"}'
      }
      w.github.failNext('CreateOrUpdateRepoSecret', 'none', unavailable)
      const inputs = { wait: 'true', 'wait-timeout-seconds': '7', 'poll-interval-seconds': '1' }
      const started = Date.now()
      const result = await w.job({ inputs })
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(/^Timed out after 7s \(wait-timeout-seconds\)/)
      expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(2)
      expect(w.puts()).toHaveLength(3)
      // The retry went out 3 s after the 503, past the deadline: the deadline did not drop it.
      const [, failed, retried] = w.puts()
      expect(retried!.at - failed!.at).toBeGreaterThanOrEqual(2900)
      expect(retried!.at - started).toBeGreaterThan(7000)
      expect((Date.now() - started) / 1000).toBeLessThan(14)
      expect(result.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
      w.expectSessionKept()
      expectSuccess(await w.job())
      expectSuccess(await w.job())
      w.expectSessionKept()
    },
    60_000
  )

  it.concurrent(
    "an early renewal's hung check takes at most half the wait's time left, and the wait sees the run finish",
    async () => {
      // 15 min 3 s left: the first polls use the token as it is; 3 s in, a renewal is tried early.
      const w = await serve(run, { accessTokenValidForSeconds: 15 * 60 + 3 })
      w.github.failNext('GetRepoPublicKey', 'hang')
      const result = await w.job({
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
        /::warning title=CodeCatalyst SSO session not renewed ahead of time::Could not renew the SSO session ahead of time: GetRepoPublicKey failed: no complete response within \d+(\.\d)? s/
      )
      // The hung check had at most half of what was left of the 8-second wait.
      const gave = Number(/no complete response within ([\d.]+) s/.exec(result.stdout)?.[1])
      expect(gave).toBeLessThanOrEqual(4)
      expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(0)
    },
    30_000
  )

  it.concurrent.each<[string, GitHubOperation, Fault]>([
    ['CreateToken in flight', 'GetRepoPublicKey', 'none'],
    ['the save in flight', 'CreateOrUpdateRepoSecret', { delayMs: 800 }]
  ])(
    'SIGTERM with %s: the renewal is finished and saved before the step stops',
    async (_, operation, fault) => {
      const w = await serve(run, { sso: TEN_MINUTES })
      const slowCreateToken = operation === 'GetRepoPublicKey'
      if (slowCreateToken) w.codecatalyst.failNext('CreateToken', { delayMs: 800, commit: true })
      else w.github.failNext(operation, fault)
      const inFlight = () =>
        slowCreateToken ? w.codecatalyst.requestsFor('CreateToken').length > 0 : w.puts().length > 0
      const cancel = signalWhen(inFlight)
      const [first] = await w.threeJobs({ onSpawn: cancel.onSpawn })
      expect(cancel.signalledAt()).toBeGreaterThan(0)
      expect(first!.code).toBe(1)
      expect(first!.stdout).toContain('finishing the renewal and its save before stopping')
      expect(errorAnnotation(first!.stdout)).toMatch(/^The job was cancelled before \w+ was sent/)
      expect(first!.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
      expect(w.codecatalyst.runs.size).toBe(2)
    },
    60_000
  )

  it.concurrent(
    'SIGINT with a slow save: the save gets the 6.5 s the runner leaves before its SIGTERM',
    async () => {
      const w = await serve(run, { sso: TEN_MINUTES })
      w.github.failNext('CreateOrUpdateRepoSecret', { delayMs: 4000 })
      const cancel = signalWhen(() => w.puts().length > 0, 'SIGINT')
      const [first] = await w.threeJobs({ onSpawn: cancel.onSpawn })
      expect(first!.code).toBe(1)
      expect(first!.outputs['session-saved']).toBe('true')
      expect((Date.now() - cancel.signalledAt()) / 1000).toBeGreaterThan(3)
    },
    60_000
  )

  it.concurrent(
    'SIGTERM with a save that never lands: the step ends within the runner grace, saying the session was not saved',
    async () => {
      const w = await serve(run, { sso: TEN_MINUTES })
      w.github.failNext('CreateOrUpdateRepoSecret', 'hang')
      const cancel = signalWhen(() => w.puts().length > 0)
      const result = await w.job({ onSpawn: cancel.onSpawn })
      expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(2.5)
      expect(result.code).toBe(1)
      expect(result.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'false' })
      expect(errorAnnotation(result.stdout)).toMatch(
        inOrder(
          'could not be saved',
          'CODECATALYST_SSO_SESSION',
          'CreateOrUpdateRepoSecret failed: cancelled',
          'the job was cancelled'
        )
      )
    },
    30_000
  )
})

describe('no single failed write makes a live secret look replaced', () => {
  it.concurrent(
    'a cancel while the marker write hangs: the marker gives way, and the secret is saved',
    async () => {
      const w = await serve(run, { sso: TEN_MINUTES })
      w.github.failNext('UpdateRepoVariable', 'hang')
      const cancel = signalWhen(() => w.github.requestsFor('UpdateRepoVariable').length > 0)
      const [first] = await w.threeJobs({
        onSpawn: cancel.onSpawn,
        inputs: { 'request-timeout-seconds': '60' }
      })
      expect(first!.code).toBe(1)
      expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(2.5)
      expect(first!.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
      // The first job wrote the marker once more after the secret, with the time that was left.
      const [hung, afterSecret] = w.github.requestsFor('UpdateRepoVariable')
      expect(afterSecret!.body).toBe(hung!.body)
      expect(afterSecret!.at).toBeGreaterThan(w.puts()[0]!.at)
    },
    60_000
  )
})

describe('jobs that share the secret', () => {
  it.concurrent(
    'two jobs renewing the same copy at once: one wins, the loser never writes, and the next job succeeds',
    async () => {
      const w = await serve(run)
      const copy = w.github.secretValue(SECRET)!
      const results = await Promise.all([w.job({ session: copy }), w.job({ session: copy })])
      expect(results.map(r => r.code).sort()).toEqual([0, 1])
      const loser = results.find(r => r.code === 1)!
      // The winner saved: the secret is live, and the loser does not ask for a login.
      expect(loser.outputs['session-saved']).toBe('true')
      // The loser met either the spent refresh token, or the winner's marker when it checked.
      expect(errorAnnotation(loser.stdout)).toMatch(
        /Another job that shares the secret may have renewed the session at the same moment.*`max-parallel: 1`, a `concurrency` group, or one job that starts all runs.*re-run this job: it picks up the renewed session|This job's copy of the SSO session is not the latest one/s
      )
      expect(w.puts()).toHaveLength(1)
      expectSuccess(await w.job())
    }
  )

  it.concurrent(
    'a login stored by hand while a save is slow: whichever session the secret ends with is presented',
    async () => {
      const w = await serve(run, { sso: TEN_MINUTES })
      // Job A renews the old session; its secret write lands late, after job B saved a new login's renewal.
      w.github.failNext('CreateOrUpdateRepoSecret', { delayMs: 2500 })
      const jobA = w.job()
      await until(() => w.puts().length === 1)
      const login = JSON.stringify(
        w.codecatalyst.ssoSession({ accessTokenValidForSeconds: -60, newLogin: true })
      )
      w.github.setSecret(SECRET, login)
      expectSuccess(await w.job({ session: login }))
      expectSuccess(await jobA)
      // The secret holds job A's session (its write came last), which the marker no longer names.
      expect(w.marker()?.current).not.toBe(sha256(w.saved().refreshToken!))
      const next = await w.job()
      expect({ code: next.code, error: errorAnnotation(next.stdout) }).toEqual({
        code: 0,
        error: undefined
      })
      w.expectSessionKept()
    },
    30_000
  )
})

describe('inputs', () => {
  it.concurrent(
    'masks github-token first, and shows it nowhere, also with RUNNER_DEBUG and echoing servers',
    async () => {
      const w = await serve(run)
      w.github.failNext('GetRepoPublicKey', {
        status: 500,
        body: JSON.stringify({ message: 'upstream said token github_pat_writer' })
      })
      const result = await w.job({ env: { RUNNER_DEBUG: '1' } })
      expectSuccess(result)
      expect(result.stdout.split('\n')[0]).toBe('::add-mask::github_pat_writer')
      expect(result.stdout).toContain('upstream said token ***')
      expectNoSecretLeak(result, w.allSecrets())
    }
  )
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
  it.concurrent(
    'goes through HTTPS_PROXY to an HTTPS host that only the proxy resolves, on one tunnel',
    async () => {
      const tls = {
        key: readFileSync(join(certDir, 'key.pem'), 'utf8'),
        cert: readFileSync(join(certDir, 'cert.pem'), 'utf8')
      }
      const w = await serve(run, { listen: { tls, name: HOST } })
      const proxy = await startConnectProxy({ [`${HOST}:${w.github.port}`]: w.github.port })
      try {
        const result = await w.job({
          env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') }
        })
        expect(errorAnnotation(result.stdout)).toBeUndefined()
        expectSuccess(result)
        expect(w.puts()).toHaveLength(1)
        expect(proxy.connects).toEqual([`${HOST}:${w.github.port}`])
      } finally {
        await proxy.close()
      }
    }
  )

  it.concurrent(
    "ends a needed renewal's hung check by the wait's deadline, having spent nothing",
    async () => {
      // 2-second tokens: the first renewal comes before the start, the next one, needed, about 2 s into the wait.
      const w = await serve(run, { sso: { accessTokenLifetimeSeconds: 2 }, statusMs: 5000 })
      // The check and the look after the save pass; the second renewal's check hangs.
      w.github.failNext('GetRepoVariable', 'none', 'none', 'hang')
      const started = Date.now()
      const result = await w.job({
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
      expect(w.codecatalyst.requestsFor('CreateToken')).toHaveLength(1)
      w.expectSessionKept()
    },
    30_000
  )
})
