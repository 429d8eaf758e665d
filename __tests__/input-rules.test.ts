/**
 * The rules between the main action's inputs (src/inputs/rules.ts), through getSettings: which combinations
 * are refused, where each rule's problem stands among the inputs' own, and what a combination implies.
 */
import { describe, expect, it } from '@jest/globals'
import { getSettings } from '../src/inputs/action-inputs.js'
import { InputError } from '../src/inputs/reading.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const UUID = '0a1b2c3d-1111-4222-8333-444455556666'
const RUN = '11111111-2222-4333-8444-555555555555'
const SESSION = JSON.stringify({
  region: 'us-east-1',
  clientId: 'client-id',
  clientSecret: 'SECRET-CLIENT',
  refreshToken: 'aorSECRET-REFRESH'
})
const BASE = { space: 'ExampleCorp', project: 'MyDemoProject', 'workflow-id': UUID }
const WITH_TOKEN = { ...BASE, token: 'secret-token' }
const WITH_SESSION = { ...BASE, 'sso-session': SESSION }
const SAVED = { 'sso-session-secret': 'CODECATALYST_SSO_SESSION', 'github-token': 'ghp_writer' }
const REPO = { GITHUB_REPOSITORY: 'octo-org/app' }

const settings = (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  getSettings(name => inputs[name] ?? '', env, NOW)

function problems(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    settings(inputs, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

const matching = (...patterns: RegExp[]) => patterns.map(p => expect.stringMatching(p))

describe('the workflow and the run', () => {
  it('refuses workflow-id with workflow-name, before the run-id problem and after the name problem', () => {
    expect(problems({ ...WITH_TOKEN, 'workflow-name': 'a\u0007b', 'run-id': '42' })).toEqual(
      matching(
        /^Invalid workflow-name/,
        /'workflow-id' and 'workflow-name' are both set/,
        /^Invalid run-id '42'/
      )
    )
  })

  it('asks for one of workflow-name, workflow-id and run-id when none is given', () => {
    expect(problems({ ...WITH_TOKEN, 'workflow-id': '' })).toEqual(
      matching(/'workflow-name' or 'workflow-id' is required.*'run-id'/)
    )
    expect(settings({ ...WITH_TOKEN, 'workflow-id': '', 'run-id': RUN }).target).toEqual({
      kind: 'existing',
      runId: RUN,
      workflow: undefined
    })
  })

  it('waits for a run it follows, even with wait false, with the wait inputs as given', () => {
    const s = settings({
      ...WITH_TOKEN,
      'run-id': RUN,
      wait: 'false',
      'poll-interval-seconds': '3'
    })
    expect(s.wait).toEqual({ timeoutMs: 3_600_000, pollIntervalMs: 3000, succeedOn: ['SUCCEEDED'] })
    expect(settings({ ...WITH_TOKEN, 'poll-interval-seconds': '3' }).wait).toBeUndefined()
  })

  it('checks the wait inputs even when the step does not wait', () => {
    expect(problems({ ...WITH_TOKEN, 'succeed-on': 'DONE' })).toEqual(
      matching(/^Input 'succeed-on' names 'DONE'/)
    )
  })
})

describe('the credential', () => {
  it("refuses token with sso-session, and then reports neither one's own problems", () => {
    expect(problems({ ...WITH_TOKEN, token: 'two words', 'sso-session': '{' })).toEqual(
      matching(/^Inputs 'token' and 'sso-session' are both set/)
    )
  })

  it('asks for a credential when none of token, sso-session and AWS_BEARER_TOKEN_CODECATALYST is set', () => {
    expect(problems(BASE)).toEqual(
      matching(/^No credential: give 'sso-session'.*'token'.*AWS_BEARER_TOKEN_CODECATALYST/)
    )
    expect(problems(BASE, { AWS_BEARER_TOKEN_CODECATALYST: '  ' })).toEqual(
      matching(/^No credential/)
    )
  })

  it("reports the session's problems for sso-session, not the environment token's", () => {
    const env = { AWS_BEARER_TOKEN_CODECATALYST: 'two words' }
    expect(problems({ ...BASE, 'sso-session': '{}' }, env)).toEqual(
      matching(
        /has no 'region'/,
        /has no 'clientId'/,
        /has no 'clientSecret'/,
        /has no 'refreshToken'/
      )
    )
    expect(problems(BASE, env)).toEqual(
      matching(/^The token in environment variable AWS_BEARER_TOKEN_CODECATALYST/)
    )
  })
})

describe('the secret a renewed session is saved to', () => {
  it('saves an SSO session to the secret named, with what it needs', () => {
    expect(
      settings({ ...WITH_SESSION, ...SAVED, 'sso-session-secret-environment': 'production' }, REPO)
        .credential
    ).toMatchObject({
      kind: 'sso-session',
      secret: {
        name: 'CODECATALYST_SSO_SESSION',
        environment: 'production',
        githubToken: 'ghp_writer',
        apiUrl: 'https://api.github.com',
        owner: 'octo-org',
        repo: 'app'
      }
    })
    expect(settings(WITH_SESSION, REPO).credential).toMatchObject({ secret: undefined })
  })

  it("refuses sso-session-secret without sso-session, after the secret's own problems", () => {
    expect(problems({ ...WITH_TOKEN, ...SAVED, 'sso-session-secret': '1ABC' }, REPO)).toEqual(
      matching(
        /^Invalid sso-session-secret '1ABC'/,
        /^Input 'sso-session-secret' needs 'sso-session'/
      )
    )
  })

  it('refuses sso-session-secret-environment and github-token without sso-session-secret, reading them no further', () => {
    expect(
      problems({
        ...WITH_SESSION,
        'sso-session-secret-environment': 'e\u0001',
        'github-token': 'a b'
      })
    ).toEqual(
      matching(
        /^Input 'sso-session-secret-environment' is set but 'sso-session-secret' is not/,
        /^Input 'github-token' is set but 'sso-session-secret' is not/
      )
    )
  })

  it('needs github-token and GITHUB_REPOSITORY, in the order of the inputs', () => {
    expect(
      problems({
        ...WITH_SESSION,
        'sso-session-secret': 'S',
        'sso-session-secret-environment': 'e'.repeat(256)
      })
    ).toEqual(
      matching(
        /^Invalid sso-session-secret-environment/,
        /^Input 'sso-session-secret' needs 'github-token'.*GITHUB_TOKEN cannot write secrets/,
        /^Environment variable GITHUB_REPOSITORY is not set/
      )
    )
    expect(
      problems({ ...WITH_SESSION, ...SAVED, 'github-token': 'a b' }, { GITHUB_REPOSITORY: 'app' })
    ).toEqual(
      matching(
        /^The token in input 'github-token'/,
        /^Environment variable GITHUB_REPOSITORY is 'app'/
      )
    )
  })

  it('checks GITHUB_API_URL under the endpoint rule, only when the session is saved', () => {
    const env = { ...REPO, GITHUB_API_URL: 'http://ghe.example.com/api/v3' }
    expect(problems({ ...WITH_SESSION, ...SAVED }, env)).toEqual(
      matching(
        /^Environment variable GITHUB_API_URL is 'http:\/\/ghe\.example\.com\/api\/v3': .*loopback/
      )
    )
    expect(settings(WITH_SESSION, env).credential.kind).toBe('sso-session')
  })
})
