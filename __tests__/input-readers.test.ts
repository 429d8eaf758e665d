/**
 * The pure readers of src/inputs/ and the session parser, one by one: what each returns as its value, and the
 * problems it returns (the key words and the input they name), never pushed into anything it was handed.
 */
import { describe, expect, it } from '@jest/globals'
import { parseSsoSession } from '../src/auth/sso-session.js'
import { isLoopback } from '../src/net/endpoint.js'
import {
  readGitHubToken,
  readRepository,
  readSecretEnvironment,
  readSecretInputs,
  readSecretName,
  readSsoSession,
  readToken,
  sessionSecretOf
} from '../src/inputs/credential-inputs.js'
import {
  readBoolean,
  readCodeCatalystEndpoint,
  readEndpoint,
  readMaxAttempts,
  readSeconds,
  readWholeNumber,
  trimmed
} from '../src/inputs/reading.js'
import {
  readClientToken,
  readName,
  readRunId,
  readSucceedOn,
  readWaitInputs,
  readWorkflowId,
  readWorkflowName,
  targetOf
} from '../src/inputs/target-inputs.js'
import { Inputs } from '../src/common/constants.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const UUID = '0a1b2c3d-1111-4222-8333-444455556666'
const SESSION = {
  startUrl: 'https://view.awsapps.com/start',
  region: 'eu-west-1',
  accessToken: 'aoaSECRET-ACCESS',
  expiresAt: '2026-11-25T13:00:00Z',
  clientId: 'client-id-123',
  clientSecret: 'SECRET-CLIENT',
  registrationExpiresAt: '2027-02-20T12:00:00Z',
  refreshToken: 'aorSECRET-REFRESH'
}
const fine = <T>(value: T) => ({ value, problems: [] })
/** One problem, matching every pattern. */
const oneProblem = (...patterns: RegExp[]) => [
  expect.stringMatching(new RegExp(patterns.map(p => `(?=[\\s\\S]*${p.source})`).join('')))
]
const given = (inputs: Record<string, string>) => trimmed(name => inputs[name] ?? '')

describe('the shared readers', () => {
  it('reads a whole number from its range, naming the source of a bad one', () => {
    for (const n of [1, 7, 10])
      expect(readWholeNumber('Input x', String(n), { min: 1, max: 10 })).toEqual(fine(n))
    for (const bad of ['0', '11', '2.5', '-1', 'seven', ''])
      expect(readWholeNumber('Input x', bad, { min: 1, max: 10 }).problems).toEqual(
        oneProblem(/^Input x is '/, /1 to 10/)
      )
  })

  it('reads seconds as milliseconds, with the fallback when unset', () => {
    const range = { min: 1, max: 300 }
    expect(readSeconds(Inputs.RequestTimeoutSeconds, '', 15, range)).toEqual(fine(15_000))
    expect(readSeconds(Inputs.RequestTimeoutSeconds, '2', 15, range)).toEqual(fine(2000))
    expect(readSeconds(Inputs.RequestTimeoutSeconds, '301', 15, range).problems).toEqual(
      oneProblem(/'request-timeout-seconds'/, /'301'/)
    )
  })

  it('reads a boolean as core.getBooleanInput does, and nothing as false', () => {
    for (const yes of ['true', 'True', 'TRUE'])
      expect(readBoolean(Inputs.Wait, yes)).toEqual(fine(true))
    for (const no of ['', 'false', 'False', 'FALSE'])
      expect(readBoolean(Inputs.Wait, no)).toEqual(fine(false))
    expect(readBoolean(Inputs.Wait, 'yes')).toEqual({
      value: false,
      problems: oneProblem(/'wait'/, /'yes'/, /true or false/)
    })
  })

  it('takes the first endpoint given, else the fallback unchecked by the user, without its trailing slash', () => {
    const candidates: [string, string | undefined][] = [
      ['Input A', ''],
      ['Variable B', 'https://b.example.com//'],
      ['Variable C', 'https://c.example.com']
    ]
    expect(readEndpoint(candidates, 'https://d.example.com')).toEqual(fine('https://b.example.com'))
    expect(readEndpoint([['Input A', undefined]], 'https://d.example.com/')).toEqual(
      fine('https://d.example.com')
    )
    expect(readEndpoint([['Variable B', 'http://b.example.com']], 'https://d').problems).toEqual(
      oneProblem(/^Variable B is 'http:\/\/b\.example\.com': /, /loopback/)
    )
  })

  it('reads the CodeCatalyst endpoint from the input before AWS_ENDPOINT_URL_CODECATALYST', () => {
    const env = { AWS_ENDPOINT_URL_CODECATALYST: 'https://env.example.com' }
    expect(readCodeCatalystEndpoint('https://input.example.com/', env).value).toBe(
      'https://input.example.com'
    )
    expect(readCodeCatalystEndpoint('', env).value).toBe('https://env.example.com')
    expect(readCodeCatalystEndpoint('', {}).value).toBe('https://codecatalyst.global.api.aws')
    expect(readCodeCatalystEndpoint('ftp://x', env).problems).toEqual(
      oneProblem(/^Input 'endpoint'/, /not supported/)
    )
  })

  it('reads max-attempts: the input refused when bad, AWS_MAX_ATTEMPTS capped with a notice or ignored with a warning', () => {
    const said = { notices: [], warnings: [] }
    expect(readMaxAttempts('', {})).toEqual({ value: 5, problems: [], ...said })
    expect(readMaxAttempts('', { AWS_MAX_ATTEMPTS: ' 3 ' })).toEqual({
      value: 3,
      problems: [],
      ...said
    })
    expect(readMaxAttempts('11', { AWS_MAX_ATTEMPTS: '3' })).toMatchObject({
      problems: oneProblem(/^Input 'max-attempts' is '11'/),
      ...said
    })
    expect(readMaxAttempts('', { AWS_MAX_ATTEMPTS: '25' })).toEqual({
      value: 10,
      problems: [],
      notices: oneProblem(/AWS_MAX_ATTEMPTS is 25/, /uses 10/, /'max-attempts'/),
      warnings: []
    })
    expect(readMaxAttempts('', { AWS_MAX_ATTEMPTS: 'lots' })).toEqual({
      value: 5,
      problems: [],
      notices: [],
      warnings: oneProblem(/AWS_MAX_ATTEMPTS is 'lots'/, /ignored/, /'max-attempts'/)
    })
  })

  it('reads only the loopback hosts the transport never proxies as loopback', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.255.255.255', '[::1]'])
      expect(isLoopback(host)).toBe(true)
    for (const host of ['127.256.0.1', '127.0.0', 'x.localhost', '[::ffff:127.0.0.1]', '10.0.0.1'])
      expect(isLoopback(host)).toBe(false)
  })
})

describe('the readers of what to run', () => {
  it('requires space and project, as CodeCatalyst names them', () => {
    expect(readName(Inputs.Space, 'My.Space')).toEqual(fine('My.Space'))
    expect(readName(Inputs.Project, '').problems).toEqual(oneProblem(/'project' is required/))
    expect(readName(Inputs.Space, 'a b').problems).toEqual(oneProblem(/^Invalid space 'a b'/))
  })

  it('reads workflow-id, workflow-name and run-id apart, each undefined when not given', () => {
    expect(readWorkflowId('')).toEqual(fine(undefined))
    expect(readWorkflowId(UUID)).toEqual(fine(UUID))
    expect(readWorkflowId('wf').problems).toEqual(oneProblem(/workflow-id 'wf'/, /UUID/))
    expect(readWorkflowName('')).toEqual(fine(undefined))
    expect(readWorkflowName('release prod')).toEqual(fine('release prod'))
    expect(readWorkflowName('x'.repeat(201)).problems).toEqual(oneProblem(/workflow-name/))
    expect(readRunId('')).toEqual(fine(undefined))
    expect(readRunId('42').problems).toEqual(oneProblem(/run-id '42'/, /run's UUID/))
  })

  it('makes the target: an existing run when run-id is given, else a start of the workflow', () => {
    expect(targetOf(UUID, undefined, undefined)).toEqual({
      kind: 'start',
      workflow: { id: UUID }
    })
    expect(targetOf(undefined, 'deploy', undefined)).toEqual({
      kind: 'start',
      workflow: { name: 'deploy' }
    })
    expect(targetOf(undefined, 'deploy', 'r')).toEqual({
      kind: 'existing',
      runId: 'r',
      workflow: { name: 'deploy' }
    })
    expect(targetOf(undefined, undefined, undefined)).toBeUndefined()
  })

  it('reads client-token, undefined when not given', () => {
    expect(readClientToken('')).toEqual(fine(undefined))
    expect(readClientToken('abc')).toEqual(fine('abc'))
    expect(readClientToken('a--b').problems).toEqual(oneProblem(/client-token 'a--b'/))
  })

  it('reads the wait settings together, whether or not the step waits, every problem in input order', () => {
    expect(readWaitInputs(given({}))).toEqual(
      fine({
        asked: false,
        settings: { timeoutMs: 3_600_000, pollIntervalMs: 15_000, succeedOn: ['SUCCEEDED'] }
      })
    )
    const bad = readWaitInputs(
      given({
        wait: 'maybe',
        'wait-timeout-seconds': '0',
        'poll-interval-seconds': '3601',
        'succeed-on': 'DONE'
      })
    )
    expect(bad.problems).toEqual([
      expect.stringMatching(/^Input 'wait' is 'maybe'/),
      expect.stringMatching(/^Input 'wait-timeout-seconds' is '0'/),
      expect.stringMatching(/^Input 'poll-interval-seconds' is '3601'/),
      expect.stringMatching(/^Input 'succeed-on' names 'DONE'/)
    ])
    expect(readWaitInputs(given({ wait: 'true', 'poll-interval-seconds': '2' })).value).toEqual({
      asked: true,
      settings: { timeoutMs: 3_600_000, pollIntervalMs: 2000, succeedOn: ['SUCCEEDED'] }
    })
  })

  it('reads succeed-on as finished statuses, refusing each other status and an empty list', () => {
    expect(readSucceedOn('succeeded, Stopped')).toEqual(fine(['SUCCEEDED', 'STOPPED']))
    expect(readSucceedOn('IN_PROGRESS,NOPE').problems).toEqual([
      expect.stringMatching(/'IN_PROGRESS', which is not a finished status/),
      expect.stringMatching(/'NOPE', which is not a CodeCatalyst run status/)
    ])
    expect(readSucceedOn(' , ').problems).toEqual(oneProblem(/'succeed-on' is empty/))
  })
})

describe('the readers of the credential', () => {
  it('reads token before AWS_BEARER_TOKEN_CODECATALYST, and nothing (no problem) when neither is set', () => {
    const env = { AWS_BEARER_TOKEN_CODECATALYST: ' env-token ' }
    expect(readToken('tok', env)).toEqual(fine({ token: 'tok', source: "input 'token'" }))
    expect(readToken('', env)).toEqual(
      fine({ token: 'env-token', source: 'environment variable AWS_BEARER_TOKEN_CODECATALYST' })
    )
    expect(readToken('', {})).toEqual(fine(undefined))
    const bad = readToken('', { AWS_BEARER_TOKEN_CODECATALYST: 'two words' })
    expect(bad.value).toBeUndefined()
    expect(bad.problems).toEqual(oneProblem(/AWS_BEARER_TOKEN_CODECATALYST/, /not shown/))
    expect(bad.problems[0]).not.toContain('two')
  })

  it('reads sso-session with the SSO OIDC endpoint of its region, unless AWS_ENDPOINT_URL_SSO_OIDC says', () => {
    const raw = JSON.stringify(SESSION)
    expect(readSsoSession('', {}, NOW)).toEqual(fine(undefined))
    const read = readSsoSession(raw, {}, NOW)
    expect(read.problems).toEqual([])
    expect(read.value).toMatchObject({
      oidcEndpoint: 'https://oidc.eu-west-1.amazonaws.com',
      session: { region: 'eu-west-1', refreshToken: SESSION.refreshToken, members: SESSION }
    })
    const env = { AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9/' }
    expect(readSsoSession(raw, env, NOW).value?.oidcEndpoint).toBe('http://127.0.0.1:9')
  })

  it('reads AWS_ENDPOINT_URL_SSO_OIDC only for a usable session', () => {
    const env = { AWS_ENDPOINT_URL_SSO_OIDC: 'http://oidc.example.com' }
    expect(readSsoSession(JSON.stringify(SESSION), env, NOW).problems).toEqual(
      oneProblem(/^Environment variable AWS_ENDPOINT_URL_SSO_OIDC/, /loopback/)
    )
    expect(readSsoSession('{}', env, NOW).problems).not.toContainEqual(
      expect.stringMatching(/AWS_ENDPOINT_URL_SSO_OIDC/)
    )
  })
})

describe('parseSsoSession', () => {
  it('returns the session with no problem, and keeps every member as given', () => {
    const { value, problems } = parseSsoSession(JSON.stringify({ ...SESSION, extra: 1 }), NOW)
    expect(problems).toEqual([])
    expect(value).toMatchObject({
      region: 'eu-west-1',
      expiresAt: Date.parse(SESSION.expiresAt),
      registrationExpiresAt: Date.parse(SESSION.registrationExpiresAt),
      members: { ...SESSION, extra: 1 }
    })
  })

  it('returns no session and every problem, each naming sso-session and the member', () => {
    const { clientId: _, ...rest } = SESSION
    const { value, problems } = parseSsoSession(
      JSON.stringify({ ...rest, region: 'mars', accessToken: 'a b', expiresAt: 'soon' }),
      NOW
    )
    expect(value).toBeUndefined()
    expect(problems).toEqual([
      expect.stringMatching(/^Input 'sso-session': 'region' is 'mars'/),
      expect.stringMatching(/^Input 'sso-session' has no 'clientId'/),
      expect.stringMatching(/^Input 'sso-session': 'accessToken' has whitespace/),
      expect.stringMatching(/^Input 'sso-session': 'expiresAt' is 'soon', not a date/)
    ])
  })

  it('counts a member that is null or empty as absent', () => {
    const { value, problems } = parseSsoSession(
      JSON.stringify({ ...SESSION, accessToken: null, expiresAt: '', clientId: null }),
      NOW
    )
    expect(value).toBeUndefined()
    expect(problems).toEqual(oneProblem(/^Input 'sso-session' has no 'clientId'/))
    const noToken = parseSsoSession(JSON.stringify({ ...SESSION, accessToken: null }), NOW)
    expect(noToken).toMatchObject({ value: { accessToken: undefined }, problems: [] })
  })

  it('refuses a registration that has ended at or before now', () => {
    const ended = { ...SESSION, registrationExpiresAt: '2026-11-25T12:00:00Z' }
    expect(parseSsoSession(JSON.stringify(ended), NOW)).toEqual({
      value: undefined,
      problems: oneProblem(/registration expired on 2026-11-25/, /log in again/)
    })
  })

  it('leaves the session usable when only its informational startUrl is malformed, and says so', () => {
    const { value, problems } = parseSsoSession(JSON.stringify({ ...SESSION, startUrl: 5 }), NOW)
    expect(value).toMatchObject({ startUrl: undefined, region: 'eu-west-1' })
    expect(problems).toEqual(oneProblem(/'startUrl' is not a string/))
  })
})

describe('the readers of the secret a session is saved to', () => {
  it('reads each input apart, undefined when not given', () => {
    expect(readSecretName('')).toEqual(fine(undefined))
    expect(readSecretName('CODECATALYST_SSO_SESSION')).toEqual(fine('CODECATALYST_SSO_SESSION'))
    for (const bad of ['GITHUB_SESSION', '1ABC', 'A-B'])
      expect(readSecretName(bad).problems).toEqual(oneProblem(/^Invalid sso-session-secret/))
    expect(readSecretEnvironment('')).toEqual(fine(undefined))
    expect(readSecretEnvironment('e'.repeat(256)).problems).toEqual(
      oneProblem(/^Invalid sso-session-secret-environment/)
    )
    expect(readGitHubToken('')).toEqual(fine(undefined))
    expect(readGitHubToken('a b').problems).toEqual(oneProblem(/'github-token'/, /not shown/))
  })

  it('reads GITHUB_REPOSITORY as owner and repo; unset is none, with no problem', () => {
    expect(readRepository('octo-org/app.js')).toEqual(fine({ owner: 'octo-org', repo: 'app.js' }))
    expect(readRepository('')).toEqual(fine(undefined))
    for (const bad of ['octo-org', 'a/b/c', 'a b/c', '/app'])
      expect(readRepository(bad).problems).toEqual(
        oneProblem(/^Environment variable GITHUB_REPOSITORY is '/)
      )
  })

  it('makes the secret settings only when the name is given and nothing is wrong', () => {
    const inputs = { 'sso-session-secret': 'S', 'github-token': 'ghp_x' }
    const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' }
    expect(sessionSecretOf(readSecretInputs(given(inputs), env))).toEqual({
      name: 'S',
      environment: undefined,
      githubToken: 'ghp_x',
      apiUrl: 'https://ghe.example.com/api/v3',
      owner: 'o',
      repo: 'r'
    })
    expect(
      sessionSecretOf(readSecretInputs(given({ 'github-token': 'ghp_x' }), env))
    ).toBeUndefined()
    const badApi = { ...env, GITHUB_API_URL: 'http://ghe.example.com' }
    expect(sessionSecretOf(readSecretInputs(given(inputs), badApi))).toBeUndefined()
    expect(readSecretInputs(given(inputs), badApi).apiUrl.problems).toEqual(
      oneProblem(/^Environment variable GITHUB_API_URL/, /loopback/)
    )
  })
})
