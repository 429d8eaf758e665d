/**
 * The login action, end to end on dist/login/index.js as the runner runs it: a person approves (or declines,
 * or never sees) the code the log shows, as they would in their own browser; the session is checked with
 * CodeCatalyst and saved to its secret; then the main action takes it from there.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { demoOptions } from '../stand-in/demo.js'
import { DEFAULT_USER, type StandInOptions, startStandIns } from '../stand-in/server.js'
import {
  type ActionResult,
  GITHUB_CONTEXT,
  LOGIN_DIST,
  errorAnnotation,
  runAction
} from '../scripts/runner.js'
import { expectNoSecretLeak, expectSuccess, inOrder } from './helpers/expectations.js'
import { signalWhen } from './helpers/signal.js'
import { DEMO } from './helpers/stand-in.js'

const SECRET = 'CODECATALYST_SSO_SESSION'
const MARKER = `${SECRET}_MARKER`
const WRITER = 'github_pat_writer'
const ALICE = {
  userId: 'a1b2c3d4-alice',
  userName: 'alice',
  displayName: 'Alice Example',
  email: 'alice@example.com'
}
const BOB = {
  userId: 'b2c3d4e5-bob',
  userName: 'bob',
  displayName: 'Bob',
  email: 'bob@example.com'
}

const worlds: { close: () => Promise<void> }[] = []
afterAll(() => Promise.all(worlds.map(w => w.close())))

/** The code the log shows on a line of its own, once it is there. */
const shownCode = (stdout: string) => /^([A-Z0-9]{4}-[A-Z0-9]{4})$/m.exec(stdout)?.[1]

type CacheFile = Record<string, string>
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
let runs = 0

/** The stand-ins of one test, and its login and deploy jobs: tests run side by side, each in its own world. */
async function serve(sso: StandInOptions['sso'] = {}) {
  const standIns = await startStandIns(
    {
      ...demoOptions(),
      users: [DEFAULT_USER, ALICE, BOB],
      sso: { pollIntervalSeconds: 1, accessTokenLifetimeSeconds: 600, ...sso }
    },
    {
      repository: 'octo-org/app',
      environments: ['production'],
      tokens: {
        [WRITER]: { kind: 'pat', secrets: 'write', variables: 'write', environments: 'write' },
        github_pat_reader: { kind: 'pat', secrets: 'read' }
      }
    }
  )
  worlds.push(standIns)
  const { codecatalyst, github } = standIns

  /** A person who reads the log, opens the link, and approves the code as `userName` ('decline': declines it). */
  const person =
    (userName = 'alice', delayMs = 1500): NonNullable<Parameters<typeof runAction>[0]['onSpawn']> =>
    (child, stdout) => {
      const timer = setInterval(() => {
        const code = shownCode(stdout())
        if (!code) return
        clearInterval(timer)
        setTimeout(() => {
          if (userName === 'decline') codecatalyst.deny(code)
          else codecatalyst.approve(code, userName)
        }, delayMs)
      }, 50)
      child.on('exit', () => clearInterval(timer))
    }

  const login = (
    inputs: Record<string, string> = {},
    onSpawn: Parameters<typeof runAction>[0]['onSpawn'] = person()
  ): Promise<ActionResult> =>
    runAction({
      bundle: LOGIN_DIST,
      inputs: {
        'sso-session-secret': SECRET,
        'github-token': WRITER,
        endpoint: codecatalyst.url,
        'if-needed': 'false',
        ...inputs
      },
      env: { ...GITHUB_CONTEXT, GITHUB_RUN_ID: String(26020400000 + ++runs), ...standIns.env },
      onSpawn
    })

  /** The main action, with what the secret holds now. */
  const deploy = (): Promise<ActionResult> =>
    runAction({
      inputs: {
        space: DEMO.space,
        project: DEMO.project,
        'workflow-id': DEMO.workflowId,
        'sso-session': github.secretValue(SECRET) ?? '',
        'sso-session-secret': SECRET,
        'github-token': WRITER,
        endpoint: codecatalyst.url
      },
      env: { ...GITHUB_CONTEXT, GITHUB_RUN_ID: String(26020500000 + ++runs), ...standIns.env }
    })

  const saved = (): CacheFile => JSON.parse(github.secretValue(SECRET) ?? '{}') as CacheFile
  /** Every secret a login holds: the client secret, the device code, the tokens, the GitHub token. */
  const secrets = () =>
    [
      WRITER,
      ...codecatalyst.requestsFor('CreateToken').flatMap(r => {
        const body = JSON.parse(r.body) as CacheFile
        return [body.deviceCode ?? '', body.clientSecret ?? '', body.refreshToken ?? '']
      }),
      ...codecatalyst.oidc.tokenUsers.keys(),
      saved().clientSecret ?? ''
    ].filter(Boolean)
  return { codecatalyst, github, person, login, deploy, saved, secrets }
}
type World = Awaited<ReturnType<typeof serve>>

describe('logging in from GitHub', () => {
  it.concurrent(
    'shows the link and the code, waits for the approval, and saves the session as the AWS CLI writes it',
    async () => {
      const w = await serve()
      const result = await w.login()
      expectSuccess(result)
      const lines = result.stdout.split('\n')
      const code = shownCode(result.stdout)!
      // The link and the code on lines of their own, a notice with both, and how long the code is valid.
      expect(lines).toContain(`https://device.sso.us-east-1.amazonaws.com/?user_code=${code}`)
      expect(lines).toContain(code)
      expect(result.stdout).toMatch(
        /^::notice title=Log in to CodeCatalyst::Open https:\/\/\S+ and approve the code [A-Z]{4}-[A-Z]{4}/m
      )
      expect(result.stdout).toMatch(/The code is valid for 10m 0s/)
      expect(result.stdout).toMatch(/Check that the page shows this code/)
      // It polled while the person had not approved yet.
      expect(w.codecatalyst.requestsFor('CreateToken').length).toBeGreaterThanOrEqual(2)
      const session = w.saved()
      expect(Object.keys(session)).toEqual([
        'startUrl',
        'region',
        'accessToken',
        'expiresAt',
        'clientId',
        'clientSecret',
        'registrationExpiresAt',
        'refreshToken'
      ])
      expect(session).toMatchObject({
        startUrl: 'https://view.awsapps.com/start',
        region: 'us-east-1'
      })
      for (const time of [session.expiresAt, session.registrationExpiresAt])
        expect(time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(w.codecatalyst.oidc.accessTokenUser(session.accessToken!)).toBe('alice')
      expect(JSON.parse(w.github.variableValue(MARKER)!)).toEqual({
        current: sha256(session.refreshToken!),
        replaced: []
      })
      expect(result.outputs).toEqual({
        'user-id': ALICE.userId,
        'user-name': 'alice',
        'display-name': 'Alice Example',
        'registration-expires-at': session.registrationExpiresAt
      })
      expect(result.summary).toMatch(
        /^<h2>Logged in to CodeCatalyst as Alice Example \(alice\)<\/h2>/
      )
      expect(result.summary).toContain(`the secret ${SECRET} of octo-org/app, at`)
      // What AWS's CLI sends: a public client with the CodeCatalyst scope, then the start URL.
      const [register] = w.codecatalyst.requestsFor('RegisterClient')
      expect(JSON.parse(register!.body)).toEqual({
        clientName: 'codecatalyst-run-workflow',
        clientType: 'public',
        scopes: ['codecatalyst:read_write']
      })
      expect(
        Object.keys(
          JSON.parse(w.codecatalyst.requestsFor('StartDeviceAuthorization')[0]!.body) as object
        ).sort()
      ).toEqual(['clientId', 'clientSecret', 'startUrl'])
      expectNoSecretLeak(result, w.secrets())
    },
    30_000
  )

  it.concurrent(
    'then the main action starts a run from the saved session, and renews it over three jobs',
    async () => {
      const w = await serve()
      expectSuccess(await w.login())
      for (let n = 1; n <= 3; n++) {
        const before = w.saved().refreshToken
        // Each job finds the access token too old (10-minute tokens) and renews.
        const result = await w.deploy()
        expect({ n, code: result.code, error: errorAnnotation(result.stdout) }).toEqual({
          n,
          code: 0,
          error: undefined
        })
        expect(result.outputs['session-saved']).toBe('true')
        expect(w.saved().refreshToken).not.toBe(before)
      }
      expect(w.codecatalyst.runs.size).toBe(3)
      expect(w.codecatalyst.oidc.acceptsRefreshToken(w.saved().refreshToken!)).toBe(true)
    },
    60_000
  )

  it.concurrent(
    'polls 5 s less often after SSO OIDC says slow down',
    async () => {
      const w = await serve()
      const slowDown = {
        status: 400,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'SlowDownException' },
        body: '{"error":"slow_down","error_description":"Polling too often"}'
      }
      w.codecatalyst.failNext('CreateToken', slowDown)
      const result = await w.login({}, w.person('alice', 0))
      expectSuccess(result)
      const [slowed, next] = w.codecatalyst.requestsFor('CreateToken')
      expect(next!.at - slowed!.at).toBeGreaterThanOrEqual(5900)
      expect(result.stdout).toContain('SSO OIDC asks to poll less often: every 6s from now on.')
    },
    30_000
  )

  it.concurrent.each([
    [
      'declined',
      {},
      { pollIntervalSeconds: 1 },
      ['decline', 0] as const,
      /^CreateToken failed: AccessDeniedException \(HTTP 400\).*\nThe login was declined in the browser, so nothing was saved/s
    ],
    [
      'expired before anyone approved it',
      {},
      { deviceCodeLifetimeSeconds: 2 },
      undefined,
      /The code [A-Z]{4}-[A-Z]{4} expired .*before anyone approved it, so nothing was saved\. Run the workflow again/s
    ],
    [
      'not approved within login-timeout-seconds',
      { 'login-timeout-seconds': '2' },
      {},
      undefined,
      /^No one approved the login by \S+ \('login-timeout-seconds'\), so nothing was saved/
    ],
    [
      'given no refresh token',
      {},
      { deviceGrantWithoutRefreshToken: true },
      ['alice', 0] as const,
      /^SSO OIDC approved the login but gave no refresh token: this identity provider .* does not give one, so the session could not be kept alive/
    ]
  ])(
    'a login %s saves nothing, and says why',
    async (_, inputs, sso, onSpawn, message) => {
      const w = await serve(sso)
      const result = await w.login(
        inputs,
        onSpawn ? w.person(onSpawn[0], onSpawn[1]) : () => undefined
      )
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(message)
      expect(w.github.secretValue(SECRET)).toBeUndefined()
      expect(w.github.variableValue(MARKER)).toBeUndefined()
      expect(result.summary).toContain('CodeCatalyst login: nothing was saved')
      expectNoSecretLeak(result, w.secrets())
    },
    30_000
  )

  it.concurrent(
    'a cancel ends the wait at once, and saves nothing',
    async () => {
      const w = await serve()
      const cancel = signalWhen(stdout => shownCode(stdout()) !== undefined, 'SIGINT', 300)
      const result = await w.login({}, cancel.onSpawn)
      expect((Date.now() - cancel.signalledAt()) / 1000).toBeLessThan(1.5)
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^The job was cancelled while waiting for the login to be approved, so nothing was saved/
      )
      expect(w.github.secretValue(SECRET)).toBeUndefined()
    },
    30_000
  )

  it.concurrent(
    'with expected-user, saves the session of that user, and refuses anyone else',
    async () => {
      const w = await serve()
      expectSuccess(await w.login({ 'expected-user': 'alice' }))
      const alices = w.github.secretValue(SECRET)
      const result = await w.login({ 'expected-user': 'alice' }, w.person('bob'))
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        inOrder(/^The login was approved by Bob \(bob\)/, "'alice'", "'expected-user'", 'not saved')
      )
      expect(w.github.secretValue(SECRET)).toBe(alices)
    },
    60_000
  )

  it.concurrent(
    'refuses a token that cannot read the secret and the marker before anyone is asked to approve',
    async () => {
      const w = await serve()
      const result = await w.login({ 'github-token': 'github_pat_reader' })
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^GetRepoVariable failed: HTTP 403.*may not read the marker variable.*No login was started/s
      )
      expect(w.codecatalyst.requestsFor('RegisterClient')).toHaveLength(0)
    }
  )

  it.concurrent(
    'rides out GitHub and SSO OIDC faults: each retried, and the session saved',
    async () => {
      const w = await serve()
      w.codecatalyst.failNext('RegisterClient', '503')
      w.codecatalyst.failNext('StartDeviceAuthorization', 'reset')
      w.codecatalyst.failNext('CreateToken', '500')
      w.github.failNext('CreateOrUpdateRepoSecret', 'commit-then-503')
      w.github.failNext('CreateRepoVariable', 'secondary-rate-limit')
      const result = await w.login()
      expectSuccess(result)
      expect(w.codecatalyst.oidc.accessTokenUser(w.saved().accessToken!)).toBe('alice')
      const marker = JSON.parse(w.github.variableValue(MARKER)!) as { current: string }
      expect(marker.current).toBe(sha256(w.saved().refreshToken!))
      expectSuccess(await w.deploy())
    },
    30_000
  )
})

describe('if-needed', () => {
  it.concurrent(
    'keeps a live stored session: renews and saves it, says who it belongs to, and asks no one',
    async () => {
      const w = await serve()
      expectSuccess(await w.login())
      const stored = w.github.secretValue(SECRET)!
      const result = await w.login({ 'if-needed': 'true', 'sso-session': stored }, () => undefined)
      expectSuccess(result)
      expect(w.codecatalyst.requestsFor('StartDeviceAuthorization')).toHaveLength(1)
      expect(w.saved().refreshToken).not.toBe((JSON.parse(stored) as CacheFile).refreshToken)
      expect(result.outputs['user-name']).toBe('alice')
      expect(result.summary).toMatch(
        /^<h2>The CodeCatalyst SSO session of Alice Example \(alice\) is alive: no login was needed<\/h2>/
      )
      expectSuccess(await w.deploy())
    },
    60_000
  )

  it.concurrent.each<[string, (w: World) => string]>([
    ['missing', () => ''],
    ['dead: its refresh token was spent', w => JSON.stringify(w.codecatalyst.ssoSession())],
    ['not JSON', () => 'not a session']
  ])(
    'logs in when the stored session is %s',
    async (_, stored) => {
      const w = await serve()
      // The stand-in's first session, spent by a renewal no one saved.
      const spent = w.codecatalyst.ssoSession()
      await fetch(`${w.codecatalyst.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: spent.clientId,
          clientSecret: spent.clientSecret,
          grantType: 'refresh_token',
          refreshToken: spent.refreshToken
        })
      })
      // What the secret holds is what the job is given.
      const given = stored(w)
      if (given) w.github.setSecret(SECRET, given)
      const result = await w.login({ 'if-needed': 'true', 'sso-session': given })
      expectSuccess(result)
      expect(result.stdout).toMatch(/Logging in\./)
      expect(w.codecatalyst.requestsFor('StartDeviceAuthorization')).toHaveLength(1)
      expect(result.outputs['user-name']).toBe('alice')
      expectSuccess(await w.deploy())
    },
    30_000
  )
})
