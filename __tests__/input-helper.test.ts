import { describe, expect, it } from '@jest/globals'
import { getSettings } from '../src/inputs/action-inputs.js'
import { InputError } from '../src/inputs/reading.js'
import { checkEndpoint } from '../src/net/endpoint.js'

const VALID = {
  space: 'ExampleCorp',
  project: 'MyDemoProject',
  'workflow-id': '0a1b2c3d-1111-4222-8333-444455556666',
  token: 'secret-token-value'
}

const INVALID_SPACE = [expect.stringMatching(/^Invalid space/)]
const textMatching = (pattern?: RegExp) => pattern && expect.stringMatching(pattern)

function settings(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return getSettings(name => inputs[name] ?? '', env)
}

function problems(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    settings(inputs, env)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

describe('getSettings', () => {
  it('accepts valid inputs, trims them, and applies the defaults', () => {
    const s = settings({
      ...VALID,
      space: '  ExampleCorp\n',
      'workflow-id': ` ${VALID['workflow-id'].toUpperCase()} `
    })
    expect(s).toEqual({
      space: 'ExampleCorp',
      project: 'MyDemoProject',
      target: { kind: 'start', workflow: { id: VALID['workflow-id'].toUpperCase() } },
      wait: undefined,
      credential: { kind: 'token', token: 'secret-token-value', source: "input 'token'" },
      clientToken: undefined,
      endpoint: 'https://codecatalyst.global.api.aws',
      maxAttempts: 5,
      requestTimeoutMs: 15000,
      github: { runId: undefined, runAttempt: undefined, job: undefined, action: undefined },
      notices: [],
      warnings: []
    })
  })

  it('reads the GitHub context for the idempotency token from the environment', () => {
    const env = {
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_JOB: 'deploy',
      GITHUB_ACTION: 'start'
    }
    expect(settings(VALID, env).github).toEqual({
      runId: '42',
      runAttempt: '2',
      job: 'deploy',
      action: 'start'
    })
  })

  it('reports every problem in one error, each naming its input and showing the bad value', () => {
    const found = problems({
      space: 'Example Corp',
      project: '',
      'workflow-id': 'my-demo-workflow-id-123abc',
      token: '',
      'client-token': 'a--b',
      endpoint: 'http://codecatalyst.example.com',
      'max-attempts': '0',
      'request-timeout-seconds': 'soon'
    })
    expect(found).toHaveLength(8)
    expect(found).toEqual([
      expect.stringMatching(/^Invalid space 'Example Corp'\. Expected letters and digits/),
      "Input 'project' is required.",
      expect.stringMatching(
        /^Invalid workflow-id 'my-demo-workflow-id-123abc'\. Expected the workflow's UUID/
      ),
      expect.stringMatching(/^No credential: give 'sso-session' \(recommended.*or 'token'/),
      expect.stringMatching(/^Invalid client-token 'a--b'\. Expected 1-64 characters/),
      expect.stringMatching(
        /^Input 'endpoint' is 'http:\/\/codecatalyst\.example\.com': http is only allowed to a loopback address/
      ),
      "Input 'max-attempts' is '0'. Expected a whole number from 1 to 10.",
      "Input 'request-timeout-seconds' is 'soon'. Expected a whole number from 1 to 300."
    ])
  })

  it('never puts the token into a message', () => {
    const token = 'super-secret-token'
    const found = problems({ ...VALID, token, space: token + ' x', 'max-attempts': '99' })
    expect(found.join('\n')).not.toContain(token + "'")
    expect(found.some(p => p.startsWith("Input 'token'"))).toBe(false)
  })

  it.each([
    ['a', true],
    ['My.Space_1-x', true],
    ['-lead', false],
    ['trail.', false],
    ['dou..ble', false],
    ['spa ce', false],
    ['ünïcode', false]
  ])('checks the model pattern for space %p', (space, ok) => {
    const outcome = ok ? settings({ ...VALID, space }).space : problems({ ...VALID, space })
    expect(outcome).toEqual(ok ? space : INVALID_SPACE)
  })

  it('accepts a client-token of 64 characters and rejects one of 65', () => {
    expect(settings({ ...VALID, 'client-token': 'a'.repeat(64) }).clientToken).toBe('a'.repeat(64))
    expect(problems({ ...VALID, 'client-token': 'a'.repeat(65) })).toEqual([
      expect.stringMatching(/^Invalid client-token 'a{65}'\. Expected 1-64/)
    ])
  })

  it('takes the endpoint from the input, else AWS_ENDPOINT_URL_CODECATALYST, and drops a trailing slash', () => {
    const env = { AWS_ENDPOINT_URL_CODECATALYST: 'https://proxy.example.com/codecatalyst/' }
    expect(settings(VALID, env).endpoint).toBe('https://proxy.example.com/codecatalyst')
    expect(settings({ ...VALID, endpoint: 'http://127.0.0.1:8080' }, env).endpoint).toBe(
      'http://127.0.0.1:8080'
    )
    expect(problems(VALID, { AWS_ENDPOINT_URL_CODECATALYST: 'http://10.0.0.5' })).toEqual([
      expect.stringMatching(
        /^Environment variable AWS_ENDPOINT_URL_CODECATALYST is 'http:\/\/10\.0\.0\.5'/
      )
    ])
  })

  it('ignores AWS_ENDPOINT_URL, which other AWS tools on the runner may set', () => {
    expect(settings(VALID, { AWS_ENDPOINT_URL: 'https://localstack.example.com' }).endpoint).toBe(
      'https://codecatalyst.global.api.aws'
    )
  })

  it('takes max-attempts from the input, else AWS_MAX_ATTEMPTS, naming the source of a bad value', () => {
    expect(settings(VALID, { AWS_MAX_ATTEMPTS: '3' }).maxAttempts).toBe(3)
    expect(settings({ ...VALID, 'max-attempts': '7' }, { AWS_MAX_ATTEMPTS: '3' }).maxAttempts).toBe(
      7
    )
  })

  it.each(['0', 'abc', '2.5'])(
    'warns of AWS_MAX_ATTEMPTS=%s, set for other tools, and uses the default',
    value => {
      const s = settings(VALID, { AWS_MAX_ATTEMPTS: value })
      expect(s.maxAttempts).toBe(5)
      expect(s.warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Environment variable AWS_MAX_ATTEMPTS is '${value.replace('.', '\\.')}'.*ignored.*5 attempts per call.*'max-attempts'`
          )
        )
      ])
    }
  )

  it('caps AWS_MAX_ATTEMPTS over the range with a notice, and refuses a bad max-attempts input', () => {
    const s = settings(VALID, { AWS_MAX_ATTEMPTS: '25' })
    expect([s.maxAttempts, s.notices.length, s.warnings.length]).toEqual([10, 1, 0])
    expect(problems({ ...VALID, 'max-attempts': '0' })).toEqual([
      "Input 'max-attempts' is '0'. Expected a whole number from 1 to 10."
    ])
  })
})

describe('waiting inputs', () => {
  it('waits only when asked, with the defaults of action.yml', () => {
    expect(settings(VALID).wait).toBeUndefined()
    expect(settings({ ...VALID, wait: 'true' }).wait).toEqual({
      timeoutMs: 3_600_000,
      pollIntervalMs: 15_000,
      succeedOn: ['SUCCEEDED']
    })
    expect(settings({ ...VALID, wait: 'False' }).wait).toBeUndefined()
  })

  it('reads succeed-on as a comma-separated list of finished statuses, in any case', () => {
    const s = settings({ ...VALID, wait: 'TRUE', 'succeed-on': ' succeeded, STOPPED ,' })
    expect(s.wait?.succeedOn).toEqual(['SUCCEEDED', 'STOPPED'])
  })

  it('rejects unknown and unfinished statuses in succeed-on, and a non-boolean wait', () => {
    expect(problems({ ...VALID, wait: 'yes', 'succeed-on': 'SUCCEEDED,DONE,IN_PROGRESS' })).toEqual(
      [
        "Input 'wait' is 'yes'. Expected true or false.",
        expect.stringMatching(
          /^Input 'succeed-on' names 'DONE', which is not a CodeCatalyst run status\. Expected finished statuses from: SUCCEEDED, FAILED/
        ),
        expect.stringMatching(
          /^Input 'succeed-on' names 'IN_PROGRESS', which is not a finished status\./
        )
      ]
    )
  })

  it('bounds the wait timeout and the poll interval', () => {
    expect(
      problems({ ...VALID, 'poll-interval-seconds': '0', 'wait-timeout-seconds': '-5' })
    ).toEqual([
      "Input 'wait-timeout-seconds' is '-5'. Expected a whole number from 1 to 432000.",
      "Input 'poll-interval-seconds' is '0'. Expected a whole number from 1 to 3600."
    ])
  })

  it('follows an existing run with run-id: no workflow-id needed, waiting implied', () => {
    const runId = '11111111-2222-4333-8444-555555555555'
    const s = settings({ ...VALID, 'workflow-id': '', 'run-id': runId })
    expect(s.target).toEqual({ kind: 'existing', runId, workflow: undefined })
    expect(s.wait).toBeDefined()
    expect(settings({ ...VALID, 'run-id': runId }).target).toEqual({
      kind: 'existing',
      runId,
      workflow: { id: VALID['workflow-id'] }
    })
  })

  it('asks for a workflow or run-id when none is given, and checks run-id is a UUID', () => {
    expect(problems({ ...VALID, 'workflow-id': '' })).toEqual([
      "Input 'workflow-name' or 'workflow-id' is required to start a run (or give 'run-id' to wait for an existing run)."
    ])
    expect(problems({ ...VALID, 'run-id': '42' })).toEqual([
      expect.stringMatching(/^Invalid run-id '42'\. Expected a workflow run's UUID/)
    ])
  })
})

describe('workflow-name', () => {
  it('names the workflow instead of its id', () => {
    expect(
      settings({ ...VALID, 'workflow-id': '', 'workflow-name': ' release prod ' }).target
    ).toEqual({
      kind: 'start',
      workflow: { name: 'release prod' }
    })
  })

  it('refuses both workflow-id and workflow-name, before any request', () => {
    expect(problems({ ...VALID, 'workflow-name': 'deploy' })).toEqual([
      "Inputs 'workflow-id' and 'workflow-name' are both set. Give only one: the name is easier to read, the id never changes."
    ])
  })

  it('refuses a name with control characters or of absurd length', () => {
    expect(problems({ ...VALID, 'workflow-id': '', 'workflow-name': 'a\u0007b' })).toEqual([
      expect.stringMatching(/^Invalid workflow-name 'a b'/)
    ])
    expect(
      problems({ ...VALID, 'workflow-id': '', 'workflow-name': 'x'.repeat(201) })
    ).toHaveLength(1)
  })
})

describe('checkEndpoint', () => {
  it.each([
    ['https://codecatalyst.global.api.aws', undefined],
    ['https://codecatalyst-fips.global.api.aws', undefined],
    ['http://127.0.0.1:8080', undefined],
    ['http://127.255.0.9', undefined],
    ['http://localhost:3000', undefined],
    ['http://[::1]:3000', undefined],
    ['http://128.0.0.1', /loopback/],
    ['http://127.0.0.1.nip.io', /loopback/],
    ['http://localhost.example.com', /loopback/],
    // Loopback by name only: @actions/http-client would send it through HTTP_PROXY.
    ['http://codecatalyst.localhost:8080', /loopback/],
    ['http://[::ffff:127.0.0.1]', /loopback/],
    ['http://127.0.0.1:8080\n::warning::x', /whitespace and control characters/],
    ['https://codecatalyst.global.api.aws\t', /whitespace and control characters/],
    ['https://codecatalyst.global.api.aws/ x', /whitespace and control characters/],
    ['ftp://127.0.0.1', /not supported/],
    ['codecatalyst.global.api.aws', /absolute URL/],
    ['https://user:pass@codecatalyst.global.api.aws', /credentials/],
    ['https://codecatalyst.global.api.aws/?x=1', /query/]
  ])('%s', (url, expected) => {
    expect(checkEndpoint(url)).toEqual(textMatching(expected))
  })
})

describe('the credential', () => {
  const NOW = Date.parse('2026-11-25T12:00:00Z')
  const SESSION = {
    startUrl: 'https://view.awsapps.com/start',
    region: 'us-east-1',
    accessToken: 'aoaSECRET-ACCESS:token',
    expiresAt: '2026-11-25T13:00:00Z',
    clientId: 'client-id-123',
    clientSecret: 'SECRET-CLIENT-secret',
    registrationExpiresAt: '2027-02-20T12:00:00Z',
    refreshToken: 'aorSECRET-REFRESH-token'
  }
  const SECRETS = [SESSION.accessToken, SESSION.clientSecret, SESSION.refreshToken]
  const { token: _, ...NO_TOKEN } = VALID
  const withSession = (session: unknown, env: NodeJS.ProcessEnv = {}) =>
    getSettings(
      name =>
        (({ ...NO_TOKEN, 'sso-session': JSON.stringify(session) }) as Record<string, string>)[
          name
        ] ?? '',
      env,
      NOW
    )
  const sessionProblems = (raw: string, env: NodeJS.ProcessEnv = {}) => {
    try {
      getSettings(name => ({ ...NO_TOKEN, 'sso-session': raw })[name] ?? '', env, NOW)
    } catch (error) {
      if (error instanceof InputError) return error.problems
      throw error
    }
    throw new Error('expected an InputError')
  }

  it('reads an SSO session and renews it at the regional SSO OIDC endpoint', () => {
    expect(withSession(SESSION).credential).toEqual({
      kind: 'sso-session',
      oidcEndpoint: 'https://oidc.us-east-1.amazonaws.com',
      session: {
        ...SESSION,
        expiresAt: Date.parse(SESSION.expiresAt),
        registrationExpiresAt: Date.parse(SESSION.registrationExpiresAt),
        // Kept whole, so a saved session keeps what the action does not read.
        members: SESSION
      },
      // As given: what a step hands the session on under to the later steps of its job.
      given: JSON.stringify(SESSION)
    })
  })

  it('accepts the older CLI date form (…UTC) and a session without a cached access token', () => {
    const { accessToken: _a, expiresAt: _e, ...rest } = SESSION
    const { credential } = withSession({ ...rest, registrationExpiresAt: '2027-02-20T12:00:00UTC' })
    expect(credential).toMatchObject({
      session: { accessToken: undefined, registrationExpiresAt: Date.parse('2027-02-20T12:00:00Z') }
    })
  })

  it('takes AWS_ENDPOINT_URL_SSO_OIDC under the same rule as endpoint', () => {
    expect(
      withSession(SESSION, { AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9/' }).credential
    ).toMatchObject({ oidcEndpoint: 'http://127.0.0.1:9' })
    expect(
      sessionProblems(JSON.stringify(SESSION), {
        AWS_ENDPOINT_URL_SSO_OIDC: 'http://oidc.example.com'
      })
    ).toEqual([
      expect.stringMatching(
        /^Environment variable AWS_ENDPOINT_URL_SSO_OIDC is 'http:\/\/oidc\.example\.com': http is only allowed to a loopback address/
      )
    ])
  })

  it.each([
    [
      'not JSON',
      `{"refreshToken": "${SESSION.refreshToken}"`,
      [/^Input 'sso-session' is not valid JSON\./]
    ],
    ['JSON but not an object', JSON.stringify([SESSION]), [/is JSON but not an object/]],
    [
      'missing members',
      JSON.stringify({ accessToken: SESSION.accessToken, region: 'us-east-1' }),
      [/has no 'clientId'/, /has no 'clientSecret'/, /has no 'refreshToken'/]
    ],
    [
      'unreadable dates and a region that is not one',
      JSON.stringify({
        ...SESSION,
        region: 'evil.com/x',
        expiresAt: 'tomorrow',
        registrationExpiresAt: 5
      }),
      [
        /'region' is 'evil\.com\/x', not an AWS region/,
        /'expiresAt' is 'tomorrow', not a date/,
        /'registrationExpiresAt' is not a string/
      ]
    ],
    [
      'an expired client registration',
      JSON.stringify({ ...SESSION, registrationExpiresAt: '2026-11-01T00:00:00Z' }),
      [/registration expired on 2026-11-01 \(registrationExpiresAt\).*aws sso login --profile/]
    ],
    [
      'an access token that cannot go in a header',
      JSON.stringify({ ...SESSION, accessToken: 'two words' }),
      [/'accessToken' has whitespace/]
    ],
    ['a 1 MB string', 'x'.repeat(1024 * 1024), [/is 1048576 characters long, far larger than/]]
  ])(
    'reports a session that is %s, every problem at once, naming no secret',
    (_, raw, expected) => {
      const found = sessionProblems(raw)
      expect(found).toEqual(expected.map(e => expect.stringMatching(e)))
      for (const secret of [...SECRETS, 'two words'])
        for (const piece of [secret, secret.slice(0, 6)])
          expect(found.join('\n')).not.toContain(piece)
    }
  )

  it('takes exactly one of token and sso-session', () => {
    expect(problems({ ...VALID, 'sso-session': JSON.stringify(SESSION) })).toEqual([
      expect.stringMatching(/^Inputs 'token' and 'sso-session' are both set\. Give only one/)
    ])
  })

  it('falls back to AWS_BEARER_TOKEN_CODECATALYST, after the inputs', () => {
    const env = { AWS_BEARER_TOKEN_CODECATALYST: ' env-token ' }
    expect(settings(NO_TOKEN, env).credential).toEqual({
      kind: 'token',
      token: 'env-token',
      source: 'environment variable AWS_BEARER_TOKEN_CODECATALYST'
    })
    expect(settings(VALID, env).credential).toMatchObject({ source: "input 'token'" })
    expect(withSession(SESSION, env).credential.kind).toBe('sso-session')
  })

  it.each([
    ['a space', 'abc def'],
    ['a tab', 'abc\tdef'],
    ['a line break', 'abc\ndef'],
    ['a non-Latin-1 character', 'abc✓def']
  ])('rejects a token with %s, without showing it', (_, token) => {
    const found = problems({ ...VALID, token })
    expect(found).toEqual([
      expect.stringMatching(
        /^The token in input 'token' has whitespace or characters that cannot be sent/
      )
    ])
    expect(found[0]).not.toContain('abc')
  })
})
