/**
 * Authentication end to end: dist/index.js with an AWS CLI SSO session (`sso-session`), renewed through
 * the stand-in's SSO OIDC side, and with a plain token that expires.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import type { CodeCatalystStandIn, StandInOptions } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { expectNoSecretLeak, expectSuccess, inOrder } from './helpers/expectations.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

/** Each test has stand-ins of its own, so that the tests run side by side; all are closed at the end. */
const standIns: CodeCatalystStandIn[] = []
afterAll(async () => {
  await Promise.all(standIns.map(standIn => standIn.close()))
})

const CODECATALYST_OPERATIONS = [
  'StartWorkflowRun',
  'GetWorkflowRun',
  'ListWorkflows',
  'GetWorkflow'
]

/** A stand-in for one test, and the step run against it. */
async function serve(options: Partial<StandInOptions> = {}) {
  const standIn = await startStandIn(options)
  standIns.push(standIn)
  const run = (
    session: unknown,
    extra: Record<string, string> = {},
    env: Record<string, string> = {}
  ) =>
    runAction({
      inputs: {
        space: DEMO.space,
        project: DEMO.project,
        'workflow-id': DEMO.workflowId,
        'sso-session': typeof session === 'string' ? session : JSON.stringify(session),
        endpoint: standIn.url,
        ...extra
      },
      env: { ...GITHUB_CONTEXT, AWS_ENDPOINT_URL_SSO_OIDC: standIn.url, ...env }
    })
  return {
    standIn,
    run,
    codeCatalystRequests: () =>
      standIn.requests.filter(r => CODECATALYST_OPERATIONS.includes(r.operation ?? '')),
    bearer: (operation: 'StartWorkflowRun' | 'GetWorkflowRun') =>
      standIn.requestsFor(operation).map(r => r.headers.authorization?.replace(/^Bearer /, ''))
  }
}

describe('an SSO session', () => {
  it.concurrent('uses a cached access token that is still valid, without renewing it', async () => {
    const t = await serve()
    const session = t.standIn.ssoSession({ accessTokenValidForSeconds: 3600 })
    const result = await t.run(session)
    expectSuccess(result)
    expect(t.standIn.requestsFor('CreateToken')).toHaveLength(0)
    expect(t.bearer('StartWorkflowRun')).toEqual([session.accessToken])
    expect(result.stdout).toContain(
      "Authenticating with the SSO session from input 'sso-session' (https://view.awsapps.com/start)"
    )
    expectNoSecretLeak(result, [session.accessToken, session.refreshToken, session.clientSecret])
  })

  it.concurrent.each([
    ['has expired', -60],
    ['ends within 15 minutes', 14 * 60]
  ])(
    'renews a cached token that %s: one CreateToken, then the start with the new token',
    async (_, validFor) => {
      const t = await serve()
      const session = t.standIn.ssoSession({ accessTokenValidForSeconds: validFor })
      const result = await t.run(session)
      expectSuccess(result)
      expect(t.standIn.requests.map(r => r.operation)).toEqual([
        'CreateToken',
        'GetWorkflow',
        'StartWorkflowRun'
      ])
      const [minted] = t.bearer('StartWorkflowRun')
      expect(minted).not.toBe(session.accessToken)
      expect(t.standIn.accessTokens.has(minted!)).toBe(true)
      expect(JSON.parse(t.standIn.requestsFor('CreateToken')[0]!.body)).toEqual({
        clientId: session.clientId,
        clientSecret: session.clientSecret,
        grantType: 'refresh_token',
        refreshToken: session.refreshToken
      })
      expect(result.stdout).toMatch(
        /Renewed the CodeCatalyst access token through SSO OIDC; the new one is valid for 1h 0m 0s/
      )
      expectNoSecretLeak(result, [session.refreshToken, session.clientSecret, minted!])
    }
  )

  it.concurrent(
    'fails before any request when the client registration has expired, saying when and what to run',
    async () => {
      const t = await serve()
      const session = t.standIn.ssoSession({ registrationExpiresAt: '2026-01-02T03:04:05Z' })
      const result = await t.run(session)
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^Input 'sso-session': its SSO client registration expired on 2026-01-02 \(registrationExpiresAt\).*log in again: run the login workflow.*`aws sso login --profile <profile>`/
      )
      expect(t.standIn.requests).toHaveLength(0)
    }
  )

  it.concurrent(
    'warns, naming the date, when the client registration ends within 14 days',
    async () => {
      const t = await serve()
      const ends = new Date(Date.now() + 10 * 86_400_000 + 3_600_000)
      const session = t.standIn.ssoSession({
        registrationExpiresAt: ends.toISOString().slice(0, 19) + 'Z'
      })
      const result = await t.run(session)
      expectSuccess(result)
      expect(result.stdout).toContain(
        `::warning title=CodeCatalyst SSO session ends soon::The SSO client registration in 'sso-session' ends on ${ends.toISOString().slice(0, 10)} (in 10 days)`
      )
    }
  )

  it.concurrent('fails clearly on invalid_grant, with no CodeCatalyst request', async () => {
    const t = await serve()
    const session = {
      ...t.standIn.ssoSession({ accessTokenValidForSeconds: -60 }),
      refreshToken: 'aor-revoked'
    }
    const result = await t.run(session)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      inOrder(
        /^CreateToken failed: InvalidGrantException \(HTTP 400\)/,
        /\[request id [^\]]+\]/,
        "'sso-session'",
        'accepts each refresh token once',
        "'sso-session-secret' and 'github-token'",
        'log in again',
        'login workflow',
        'aws sso login'
      )
    )
    expect(t.standIn.requestsFor('CreateToken')).toHaveLength(1)
    expect(t.codeCatalystRequests()).toHaveLength(0)
  })

  it.concurrent.each([
    [
      'not JSON',
      () => '{"region": "us-east-1", "refreshToken": "aor-SECRET',
      /^Input 'sso-session' is not valid JSON\./
    ],
    [
      'missing members',
      (standIn: CodeCatalystStandIn) => ({
        region: 'us-east-1',
        accessToken: standIn.ssoSession().accessToken
      }),
      /^3 inputs are invalid:\n- Input 'sso-session' has no 'clientId'.*\n- .*'clientSecret'.*\n- .*'refreshToken'/
    ],
    // An environment variable holds at most 128 KiB on Linux, so this is the largest a runner can pass;
    // the unit tests cover 1 MB.
    [
      'a 100 KB string',
      () => 'x'.repeat(100 * 1024),
      /^Input 'sso-session' is 102400 characters long, far larger than an SSO token cache file/
    ]
  ])('that is %s fails with a clear error and no request', async (_, session, message) => {
    const t = await serve()
    const result = await t.run(session(t.standIn))
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(message)
    expect(t.standIn.requests).toHaveLength(0)
    expect(result.stdout).not.toContain('aor-SECRET')
  })

  it.concurrent(
    'keeps a wait going across several token lifetimes, with one CreateToken per lifetime',
    async () => {
      const t = await serve({
        sso: { accessTokenLifetimeSeconds: 4 },
        workflows: [
          {
            id: DEMO.workflowId,
            name: DEMO.workflowName,
            space: DEMO.space,
            project: DEMO.project,
            runStatuses: [...Array<string>(12).fill('IN_PROGRESS'), 'SUCCEEDED']
          }
        ]
      })
      const session = t.standIn.ssoSession()
      const started = Date.now()
      const result = await t.run(session, { wait: 'true', 'poll-interval-seconds': '1' })
      const seconds = (Date.now() - started) / 1000
      expectSuccess(result)
      expect(result.outputs.status).toBe('SUCCEEDED')
      expect(t.standIn.expiredTokenRejections).toBe(0)
      // Each 4 s token is renewed when a quarter of it is left: once per 3-4 s of waiting.
      const renewals = t.standIn.requestsFor('CreateToken').length
      expect(seconds).toBeGreaterThan(11)
      expect(renewals).toBeGreaterThanOrEqual(Math.floor(seconds / 4))
      expect(renewals).toBeLessThanOrEqual(Math.ceil(seconds / 3) + 1)
      // The stand-in rotates refresh tokens: each renewal used the one the previous renewal returned.
      const used = t.standIn
        .requestsFor('CreateToken')
        .map(r => (JSON.parse(r.body) as { refreshToken: string }).refreshToken)
      expect(new Set(used).size).toBe(used.length)
      expectNoSecretLeak(result, [
        session.refreshToken,
        session.clientSecret,
        ...t.standIn.accessTokens.keys()
      ])
    }
  )

  it.concurrent.each([401, 403] as const)(
    'renews once and repeats the request when CodeCatalyst rejects the token as expired (%i) mid-wait',
    async status => {
      const t = await serve({ sso: { expiredTokenStatus: status } })
      const session = t.standIn.ssoSession()
      // The cached token expires at the stand-in after the start, while the action still trusts it.
      t.standIn.accessTokens.set(session.accessToken, Date.now() + 1500)
      const result = await t.run(session, {
        'poll-interval-seconds': '1',
        wait: 'true'
      })
      expectSuccess(result)
      expect(t.standIn.expiredTokenRejections).toBe(1)
      expect(t.standIn.requestsFor('CreateToken')).toHaveLength(1)
      const polls = t.bearer('GetWorkflowRun')
      // The rejected poll is repeated once, with the renewed token, and every later poll uses it.
      expect(polls.indexOf(session.accessToken)).toBeGreaterThanOrEqual(0)
      expect(new Set(polls).size).toBe(2)
      expect(result.stdout).not.toMatch(/retrying in/)
    }
  )

  it.concurrent(
    'repeats a start rejected as expired with the same clientToken: one run',
    async () => {
      const t = await serve()
      const session = t.standIn.ssoSession()
      t.standIn.failNext('StartWorkflowRun', {
        status: 401,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': 'UnauthorizedException'
        },
        body: '{"message":"The access token has expired"}',
        commit: true
      })
      const result = await t.run(session)
      expectSuccess(result)
      expect(t.standIn.runs.size).toBe(1)
      const bodies = t.standIn.requestsFor('StartWorkflowRun').map(r => r.body)
      expect(bodies).toHaveLength(2)
      expect(bodies[1]).toBe(bodies[0])
      expect(t.standIn.requestsFor('CreateToken')).toHaveLength(1)
    }
  )

  it.concurrent(
    'never shows a secret, also at debug level and when servers echo them in error bodies',
    async () => {
      const t = await serve()
      const session = t.standIn.ssoSession({ accessTokenValidForSeconds: -1 })
      const echo = (r: { headers: Record<string, unknown>; body: string }) =>
        JSON.stringify({
          error: 'invalid_request',
          error_description: `you sent ${r.body} with ${String(r.headers.authorization)}`,
          message: `you sent ${r.body} with ${String(r.headers.authorization)}`
        })
      t.standIn.failNext('CreateToken', {
        status: 503,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': 'InternalServerException'
        },
        body: echo
      })
      // Refused before and after the renewal that a 403 gets: both echoes reach the error and the log.
      const forbidden = {
        status: 403,
        headers: {
          'content-type': 'application/json',
          'x-amzn-errortype': 'AccessDeniedException'
        },
        body: echo
      }
      t.standIn.failNext('StartWorkflowRun', forbidden, forbidden)
      const result = await t.run(session, {}, { RUNNER_DEBUG: '1' })
      expect(result.code).toBe(1)
      expect(t.standIn.requestsFor('CreateToken')).toHaveLength(3)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^StartWorkflowRun failed: AccessDeniedException \(HTTP 403\): you sent .*\*\*\*.*\nCodeCatalyst refused the renewed token too/s
      )
      expectNoSecretLeak(result, [
        session.accessToken,
        session.refreshToken,
        session.clientSecret,
        ...t.standIn.accessTokens.keys()
      ])
    }
  )
})

describe('a plain token', () => {
  it.concurrent(
    'says it expired and points to sso-session when CodeCatalyst rejects it',
    async () => {
      const t = await serve()
      const { accessToken } = t.standIn.ssoSession({ accessTokenValidForSeconds: -1 })
      const result = await runAction({
        inputs: {
          space: DEMO.space,
          project: DEMO.project,
          'workflow-id': DEMO.workflowId,
          token: accessToken,
          endpoint: t.standIn.url
        },
        env: GITHUB_CONTEXT
      })
      expect(result.code).toBe(1)
      expect(errorAnnotation(result.stdout)).toMatch(
        /^GetWorkflow failed: UnauthorizedException \(HTTP 401\): The access token has expired.*\nThe bearer token from input 'token' has expired or is not accepted, and a plain token cannot be renewed.*'sso-session'/
      )
      expect(t.standIn.requestsFor('GetWorkflow')).toHaveLength(1)
      expect(t.standIn.requestsFor('StartWorkflowRun')).toHaveLength(0)
      expect(t.standIn.requestsFor('CreateToken')).toHaveLength(0)
    }
  )

  it.concurrent(
    'is read from AWS_BEARER_TOKEN_CODECATALYST when no input gives one, and says so',
    async () => {
      const t = await serve()
      const result = await runAction({
        inputs: {
          space: DEMO.space,
          project: DEMO.project,
          'workflow-id': DEMO.workflowId,
          endpoint: t.standIn.url
        },
        env: { ...GITHUB_CONTEXT, AWS_BEARER_TOKEN_CODECATALYST: DEMO.token }
      })
      expectSuccess(result)
      expect(result.stdout).toContain(
        'Authenticating with the bearer token from environment variable AWS_BEARER_TOKEN_CODECATALYST.'
      )
      expectNoSecretLeak(result, [DEMO.token])
    }
  )
})
