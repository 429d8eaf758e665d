/**
 * The login action's inputs (src/inputs/login-inputs.ts): defaults, where to log in, the session's secret,
 * the limits, who must approve, and the stored session: usable or why not, and where it is renewed.
 */
import { describe, expect, it } from '@jest/globals'
import { getLoginSettings } from '../src/inputs/login-inputs.js'
import { InputError } from '../src/inputs/reading.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const BASE = { 'sso-session-secret': 'CODECATALYST_SSO_SESSION', 'github-token': 'ghp_writer' }
const REPO = { GITHUB_REPOSITORY: 'octo-org/app' }
const STORED = {
  region: 'eu-west-1',
  clientId: 'client-id',
  clientSecret: 'SECRET-CLIENT',
  refreshToken: 'aorSECRET-REFRESH',
  registrationExpiresAt: '2027-02-20T12:00:00Z'
}

const login = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = REPO) =>
  getLoginSettings(name => inputs[name] ?? '', env, NOW)

function problems(inputs: Record<string, string>, env: NodeJS.ProcessEnv = REPO): string[] {
  try {
    login(inputs, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

const matching = (...patterns: RegExp[]) => patterns.map(p => expect.stringMatching(p))

describe('getLoginSettings', () => {
  it('logs in with AWS Builder ID by default, saving to the secret of the repository', () => {
    expect(login(BASE)).toEqual({
      startUrl: 'https://view.awsapps.com/start',
      region: 'us-east-1',
      oidcEndpoint: 'https://oidc.us-east-1.amazonaws.com',
      secret: {
        name: 'CODECATALYST_SSO_SESSION',
        environment: undefined,
        githubToken: 'ghp_writer',
        apiUrl: 'https://api.github.com',
        owner: 'octo-org',
        repo: 'app'
      },
      endpoint: 'https://codecatalyst.global.api.aws',
      loginTimeoutMs: undefined,
      maxAttempts: 5,
      requestTimeoutMs: 15_000,
      notices: [],
      warnings: [],
      ifNeeded: true,
      expectedUser: undefined,
      stored: undefined,
      storedOidcEndpoint: undefined
    })
  })

  it('requires sso-session-secret, and reports the inputs that only serve it', () => {
    expect(problems({ 'github-token': 'ghp_writer' })).toEqual(
      matching(
        /^Input 'sso-session-secret' is required/,
        /^Input 'github-token' is set but 'sso-session-secret' is not/
      )
    )
    expect(problems({ 'sso-session-secret': 'S' }, {})).toEqual(
      matching(
        /^Input 'sso-session-secret' needs 'github-token'/,
        /^Environment variable GITHUB_REPOSITORY is not set/
      )
    )
  })

  it("logs in where start-url and sso-region say, at that region's SSO OIDC unless AWS_ENDPOINT_URL_SSO_OIDC says", () => {
    const where = {
      ...BASE,
      'start-url': 'https://my-org.awsapps.com/start',
      'sso-region': 'eu-central-1'
    }
    expect(login(where)).toMatchObject({
      startUrl: 'https://my-org.awsapps.com/start',
      region: 'eu-central-1',
      oidcEndpoint: 'https://oidc.eu-central-1.amazonaws.com'
    })
    const env = { ...REPO, AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9/' }
    expect(login(where, env).oidcEndpoint).toBe('http://127.0.0.1:9')
  })

  it('refuses a start-url that is not https, a region that is not one, and a bad SSO OIDC endpoint', () => {
    expect(
      problems(
        { ...BASE, 'start-url': 'http://my-org.awsapps.com/start', 'sso-region': 'mars' },
        {
          ...REPO,
          AWS_ENDPOINT_URL_SSO_OIDC: 'http://oidc.example.com'
        }
      )
    ).toEqual(
      matching(
        /^Input 'start-url' is 'http:\/\/my-org\.awsapps\.com\/start': expected the https start URL/,
        /^Input 'sso-region' is 'mars': expected an AWS region/,
        /^Environment variable AWS_ENDPOINT_URL_SSO_OIDC is .*loopback/
      )
    )
    for (const bad of ['view.awsapps.com/start', 'https://a b.example'])
      expect(problems({ ...BASE, 'start-url': bad })).toEqual(matching(/^Input 'start-url'/))
  })

  it('reads login-timeout-seconds in milliseconds, from 1 to 3600', () => {
    expect(login({ ...BASE, 'login-timeout-seconds': '90' }).loginTimeoutMs).toBe(90_000)
    for (const bad of ['0', '3601', 'soon'])
      expect(problems({ ...BASE, 'login-timeout-seconds': bad })).toEqual(
        matching(/^Input 'login-timeout-seconds' is '.*'\. Expected a whole number from 1 to 3600/)
      )
  })

  it('reads expected-user as a CodeCatalyst user name', () => {
    expect(login({ ...BASE, 'expected-user': 'alice.b_c-d' }).expectedUser).toBe('alice.b_c-d')
    for (const bad of ['al', 'a b c', 'x'.repeat(101)])
      expect(problems({ ...BASE, 'expected-user': bad })).toEqual(
        matching(/^Input 'expected-user' is '.*': expected a CodeCatalyst user name/)
      )
  })

  it('reads if-needed (true unless said), the limits, and the endpoint, every problem in input order', () => {
    expect(login({ ...BASE, 'if-needed': 'false' }).ifNeeded).toBe(false)
    expect(login(BASE, { ...REPO, AWS_MAX_ATTEMPTS: '25' })).toMatchObject({
      maxAttempts: 10,
      notices: matching(/AWS_MAX_ATTEMPTS is 25/)
    })
    expect(
      problems({
        ...BASE,
        'sso-region': 'mars',
        endpoint: 'ftp://x',
        'login-timeout-seconds': '0',
        'max-attempts': '0',
        'request-timeout-seconds': '0',
        'expected-user': 'a',
        'if-needed': 'maybe'
      })
    ).toEqual(
      matching(
        /^Input 'sso-region'/,
        /^Input 'endpoint'/,
        /^Input 'login-timeout-seconds'/,
        /^Input 'max-attempts'/,
        /^Input 'request-timeout-seconds'/,
        /^Input 'expected-user'/,
        /^Input 'if-needed' is 'maybe'/
      )
    )
  })
})

describe('the stored session', () => {
  it("is usable, and renewed at its own region's SSO OIDC (or AWS_ENDPOINT_URL_SSO_OIDC's, as given)", () => {
    const inputs = { ...BASE, 'sso-session': JSON.stringify(STORED) }
    expect(login(inputs)).toMatchObject({
      region: 'us-east-1',
      stored: {
        session: { region: 'eu-west-1', refreshToken: STORED.refreshToken, members: STORED }
      },
      storedOidcEndpoint: 'https://oidc.eu-west-1.amazonaws.com'
    })
    const env = { ...REPO, AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9' }
    expect(login(inputs, env).storedOidcEndpoint).toBe('http://127.0.0.1:9')
  })

  it('is unusable, and says why in the words of the main action, without failing the login', () => {
    const ended = { ...STORED, registrationExpiresAt: '2026-11-01T00:00:00Z' }
    const settings = login({ ...BASE, 'sso-session': JSON.stringify(ended) })
    expect(settings.stored).toEqual({
      unusable: expect.stringMatching(
        /^Input 'sso-session': its SSO client registration expired on 2026-11-01/
      )
    })
    expect(settings.storedOidcEndpoint).toBeUndefined()
    const { refreshToken: _, ...noRefresh } = STORED
    expect(login({ ...BASE, 'sso-session': `{"x":` }).stored).toEqual({
      unusable: expect.stringMatching(/is not valid JSON/)
    })
    expect(
      login({ ...BASE, 'sso-session': JSON.stringify({ ...noRefresh, clientId: '' }) }).stored
    ).toEqual({
      unusable: expect.stringMatching(/has no 'clientId'.* has no 'refreshToken'/)
    })
  })

  it('never shows a secret of the stored session in why it is unusable', () => {
    const stored = { ...STORED, accessToken: 'two words', registrationExpiresAt: 'later' }
    const { stored: found } = login({ ...BASE, 'sso-session': JSON.stringify(stored) })
    const why = found && 'unusable' in found ? found.unusable : ''
    expect(why).toMatch(/'accessToken' has whitespace.*'registrationExpiresAt' is 'later'/)
    for (const secret of [STORED.clientSecret, STORED.refreshToken, 'two words'])
      expect(why).not.toContain(secret)
  })
})
