/**
 * The GitHub secrets stand-in, driven by the real client: @actions/github's octokit (its own fetch) and
 * libsodium, as GitHub's documentation writes a secret. Also its Actions variables, the faults it plays in
 * GitHub's words (some after the write committed), and GitHub's rate limits.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import sodium from 'libsodium-wrappers'
import { FAULTS } from '../stand-in/faults.js'
import { GITHUB_FAULTS, GitHubSecretsStandIn } from '../stand-in/github-secrets.js'

let github: GitHubSecretsStandIn
beforeEach(async () => {
  github = await (
    await GitHubSecretsStandIn.create({
      repository: 'octo-org/app',
      environments: ['prod/eu'],
      pathPrefix: '/api/v3',
      tokens: {
        writer: { kind: 'pat', secrets: 'write', environments: 'write' },
        reader: { kind: 'pat', secrets: 'read' },
        job: { kind: 'github-token' },
        vars: { kind: 'pat', variables: 'write', environments: 'write' },
        'vars-reader': { kind: 'pat', variables: 'read', environments: 'read' },
        'vars-app': { kind: 'app', variables: 'write' }
      }
    })
  ).start()
})
afterEach(() => github.close())

const octokit = (token: string) => getOctokit(token, { baseUrl: github.url })
const repo = { owner: 'octo-org', repo: 'app' }

/** What GitHub's docs do: seal with the scope's public key, send base64 with its key id. */
async function seal(value: string, key: string) {
  await sodium.ready
  const sealed = sodium.crypto_box_seal(
    sodium.from_string(value),
    sodium.from_base64(key, sodium.base64_variants.ORIGINAL)
  )
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}

/** The status octokit's error carries, or 'ok'. */
async function statusOf(call: Promise<unknown>): Promise<number | 'ok'> {
  try {
    await call
    return 'ok'
  } catch (error) {
    return (error as { status: number }).status
  }
}

/** What octokit's error carries: the HTTP answer, or none when the request ended without one. */
async function failureOf(call: Promise<unknown>) {
  try {
    await call
  } catch (error) {
    const { status, response } = error as {
      status: number
      response?: { data: unknown; headers: Record<string, string | undefined> }
    }
    return response ? { status, data: response.data, headers: response.headers } : 'no answer'
  }
  throw new Error('the call succeeded')
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const WHOLE_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/
const environment_name = 'prod/eu'

/** A secret PUT as GitHub's docs write one, through `client`. */
async function putSecret(client: ReturnType<typeof octokit>, value: string) {
  const { data: key } = await client.rest.actions.getRepoPublicKey(repo)
  const encrypted_value = await seal(value, key.key)
  return client.rest.actions.createOrUpdateRepoSecret({
    ...repo,
    secret_name: 'SESSION',
    encrypted_value,
    key_id: key.key_id
  })
}

describe('GitHub secrets stand-in, through octokit', () => {
  it('creates (201) then updates (204) a repository secret, opens what was sealed, and dates it in whole seconds', async () => {
    const client = octokit('writer')
    const { data: key, headers } = await client.rest.actions.getRepoPublicKey(repo)
    expect(Date.parse(headers.date ?? '')).not.toBeNaN()
    const put = (value: string) =>
      seal(value, key.key).then(encrypted_value =>
        client.rest.actions.createOrUpdateRepoSecret({
          ...repo,
          secret_name: 'session',
          encrypted_value,
          key_id: key.key_id
        })
      )
    expect((await put('first')).status).toBe(201)
    expect((await put('second')).status).toBe(204)
    expect(github.secretValue('SESSION')).toBe('second')
    const { data } = await client.rest.actions.getRepoSecret({ ...repo, secret_name: 'Session' })
    expect(data).toEqual({
      name: 'SESSION',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    })
    expect(github.requests.map(r => r.url)).toContain(
      '/api/v3/repos/octo-org/app/actions/secrets/session'
    )
  })

  it('addresses an environment by its URL-encoded name, with its own key', async () => {
    const client = octokit('writer')
    const environment_name = 'prod/eu'
    const { data: key } = await client.rest.actions.getEnvironmentPublicKey({
      ...repo,
      environment_name
    })
    const { data: repoKey } = await client.rest.actions.getRepoPublicKey(repo)
    expect(key.key).not.toBe(repoKey.key)
    await client.rest.actions.createOrUpdateEnvironmentSecret({
      ...repo,
      environment_name,
      secret_name: 'SESSION',
      encrypted_value: await seal('env value', key.key),
      key_id: key.key_id
    })
    expect(github.secretValue('SESSION', 'prod/eu')).toBe('env value')
    expect(github.secretValue('SESSION')).toBeUndefined()
    expect(github.requestsFor('CreateOrUpdateEnvironmentSecret')[0]?.url).toBe(
      '/api/v3/repos/octo-org/app/environments/prod%2Feu/secrets/SESSION'
    )
  })

  it('refuses as GitHub does: 401 unknown token, 403 without the permission, 404 what is not there, 422 a bad seal', async () => {
    const writer = octokit('writer')
    const { data: key } = await writer.rest.actions.getRepoPublicKey(repo)
    const body = {
      ...repo,
      secret_name: 'S',
      encrypted_value: await seal('x', key.key),
      key_id: key.key_id
    }
    expect(await statusOf(octokit('nobody').rest.actions.getRepoPublicKey(repo))).toBe(401)
    expect(await statusOf(octokit('job').rest.actions.getRepoPublicKey(repo))).toBe(403)
    expect(await statusOf(octokit('reader').rest.actions.getRepoPublicKey(repo))).toBe('ok')
    expect(await statusOf(octokit('reader').rest.actions.createOrUpdateRepoSecret(body))).toBe(403)
    expect(
      await statusOf(
        octokit('reader').rest.actions.getEnvironmentPublicKey({
          ...repo,
          environment_name: 'prod/eu'
        })
      )
    ).toBe(403)
    expect(
      await statusOf(writer.rest.actions.getRepoSecret({ ...repo, secret_name: 'NONE' }))
    ).toBe(404)
    expect(
      await statusOf(writer.rest.actions.getRepoPublicKey({ owner: 'octo-org', repo: 'other' }))
    ).toBe(404)
    expect(
      await statusOf(
        writer.rest.actions.getEnvironmentPublicKey({ ...repo, environment_name: 'staging' })
      )
    ).toBe(404)
    expect(
      await statusOf(
        writer.rest.actions.createOrUpdateRepoSecret({
          ...body,
          encrypted_value: 'bm90IHNlYWxlZA=='
        })
      )
    ).toBe(422)
    expect(
      await statusOf(writer.rest.actions.createOrUpdateRepoSecret({ ...body, key_id: '1' }))
    ).toBe(422)
    const refusal = await octokit('job')
      .rest.actions.getRepoPublicKey(repo)
      .catch((error: { response: { data: unknown } }) => error.response.data)
    expect(refusal).toMatchObject({
      message: 'Resource not accessible by integration',
      status: '403'
    })
  })
})

describe('Actions variables, through octokit', () => {
  it('creates (201 {}), reads back (200 with the value), updates (204) and deletes (204) a repository variable', async () => {
    const client = octokit('vars').rest.actions
    const created = await client.createRepoVariable({ ...repo, name: 'region', value: 'eu' })
    expect([created.status, created.data]).toEqual([201, {}])
    const { status, data } = await client.getRepoVariable({ ...repo, name: 'Region' })
    expect(status).toBe(200)
    expect(data).toEqual({
      name: 'REGION',
      value: 'eu',
      created_at: expect.stringMatching(WHOLE_SECONDS),
      updated_at: expect.stringMatching(WHOLE_SECONDS)
    })
    const updated = await client.updateRepoVariable({ ...repo, name: 'region', value: 'us' })
    expect([updated.status, updated.data]).toEqual([204, ''])
    expect(github.variableValue('region')).toBe('us')
    expect((await client.deleteRepoVariable({ ...repo, name: 'REGION' })).status).toBe(204)
    expect(github.variableValue('REGION')).toBeUndefined()
    expect(github.requests.map(r => `${r.method} ${r.url} ${r.operation}`)).toEqual([
      'POST /api/v3/repos/octo-org/app/actions/variables CreateRepoVariable',
      'GET /api/v3/repos/octo-org/app/actions/variables/Region GetRepoVariable',
      'PATCH /api/v3/repos/octo-org/app/actions/variables/region UpdateRepoVariable',
      'DELETE /api/v3/repos/octo-org/app/actions/variables/REGION DeleteRepoVariable'
    ])
  })

  it('keeps environment variables apart from the repository, addressed by the URL-encoded name', async () => {
    const client = octokit('vars').rest.actions
    const env = { ...repo, environment_name }
    await client.createEnvironmentVariable({ ...env, name: 'REGION', value: 'eu-west-1' })
    await client.createRepoVariable({ ...repo, name: 'REGION', value: 'us-east-1' })
    await client.updateEnvironmentVariable({ ...env, name: 'region', value: 'eu-central-1' })
    const { data } = await client.getEnvironmentVariable({ ...env, name: 'REGION' })
    expect(data).toMatchObject({ name: 'REGION', value: 'eu-central-1' })
    expect(github.variableValue('REGION')).toBe('us-east-1')
    await client.deleteEnvironmentVariable({ ...env, name: 'REGION' })
    expect(github.variableValue('REGION', 'prod/eu')).toBeUndefined()
    expect(github.variableValue('REGION')).toBe('us-east-1')
    expect(github.requests.map(r => `${r.method} ${r.url} ${r.operation}`)).toEqual([
      'POST /api/v3/repos/octo-org/app/environments/prod%2Feu/variables CreateEnvironmentVariable',
      'POST /api/v3/repos/octo-org/app/actions/variables CreateRepoVariable',
      'PATCH /api/v3/repos/octo-org/app/environments/prod%2Feu/variables/region UpdateEnvironmentVariable',
      'GET /api/v3/repos/octo-org/app/environments/prod%2Feu/variables/REGION GetEnvironmentVariable',
      'DELETE /api/v3/repos/octo-org/app/environments/prod%2Feu/variables/REGION DeleteEnvironmentVariable'
    ])
  })

  it('answers a create of a variable that exists with 409 in GitHub error shape, and keeps its value', async () => {
    github.setVariable('REGION', 'eu')
    const failure = await failureOf(
      octokit('vars').rest.actions.createRepoVariable({ ...repo, name: 'region', value: 'us' })
    )
    expect(failure).toMatchObject({
      status: 409,
      data: {
        message: 'Already exists - Variable already exists',
        documentation_url: 'https://docs.github.com/rest',
        status: '409'
      },
      headers: { 'content-type': 'application/json; charset=utf-8' }
    })
    expect(github.variableValue('REGION')).toBe('eu')
  })

  it('renames a variable when a PATCH body names it anew, keeping when it was created', async () => {
    github.setVariable('OLD', 'value', { updatedAt: Date.parse('2026-01-31T12:00:00Z') })
    const { status } = await octokit('vars').request(
      'PATCH /repos/{owner}/{repo}/actions/variables/{name}',
      { ...repo, name: 'OLD', data: { name: 'new', value: 'renamed' } }
    )
    expect(status).toBe(204)
    expect(github.variable('OLD')).toBeUndefined()
    expect(github.variable('NEW')).toEqual({
      value: 'renamed',
      createdAt: '2026-01-31T12:00:00Z',
      updatedAt: expect.stringMatching(WHOLE_SECONDS)
    })
  })

  it('setVariable dates a variable in whole seconds as the API then gives it; variable() is undefined when absent', async () => {
    github.setVariable('region', 'eu', {
      environment: 'prod/eu',
      updatedAt: Date.parse('2026-01-31T12:00:00.750Z')
    })
    const { data } = await octokit('vars').rest.actions.getEnvironmentVariable({
      ...repo,
      environment_name,
      name: 'REGION'
    })
    expect(data).toEqual({
      name: 'REGION',
      value: 'eu',
      created_at: '2026-01-31T12:00:00Z',
      updated_at: '2026-01-31T12:00:00Z'
    })
    expect(github.variable('Region', 'prod/eu')).toEqual({
      value: 'eu',
      createdAt: '2026-01-31T12:00:00Z',
      updatedAt: '2026-01-31T12:00:00Z'
    })
    expect(github.variable('REGION')).toBeUndefined()
    expect(github.variableValue('REGION')).toBeUndefined()
  })

  it('refuses as GitHub does: 401 unknown token, 403 without Variables (or Environments) write, 404 what is not there', async () => {
    github.setVariable('REGION', 'eu', { environment: 'prod/eu' })
    const get = (token: string, env = environment_name) =>
      octokit(token).rest.actions.getEnvironmentVariable({
        ...repo,
        environment_name: env,
        name: 'REGION'
      })
    const create = (token: string) =>
      octokit(token).rest.actions.createRepoVariable({ ...repo, name: 'X', value: 'x' })
    expect(await statusOf(get('nobody'))).toBe(401)
    expect(await statusOf(get('vars-reader'))).toBe('ok')
    expect(await statusOf(create('vars-reader'))).toBe(403)
    // Secrets are not variables: a token with Secrets write has no Variables access.
    expect(await statusOf(create('writer'))).toBe(403)
    expect(await statusOf(create('vars-app'))).toBe('ok')
    // An App token without Environments may not reach an environment's variables.
    expect(await statusOf(get('vars-app'))).toBe(403)
    expect(await failureOf(create('job'))).toMatchObject({
      status: 403,
      data: { message: 'Resource not accessible by integration' }
    })
    const actions = octokit('vars').rest.actions
    expect(await statusOf(get('vars', 'staging'))).toBe(404)
    expect(await statusOf(actions.getRepoVariable({ ...repo, name: 'REGION' }))).toBe(404)
    expect(await statusOf(actions.updateRepoVariable({ ...repo, name: 'NONE', value: 'x' }))).toBe(
      404
    )
    expect(await statusOf(actions.deleteRepoVariable({ ...repo, name: 'NONE' }))).toBe(404)
    expect(
      await statusOf(
        actions.createRepoVariable({ owner: 'octo-org', repo: 'other', name: 'X', value: 'x' })
      )
    ).toBe(404)
  })

  it.each(['1ST', 'GITHUB_REGION', 'github_region', 'MY-VAR', 'MY VAR', 'É'])(
    'answers 422 to a variable named %p and stores nothing',
    async name => {
      const failure = await failureOf(
        octokit('vars').rest.actions.createRepoVariable({ ...repo, name, value: 'x' })
      )
      expect(failure).toMatchObject({ status: 422, data: { message: expect.any(String) } })
      expect(github.variableValue(name)).toBeUndefined()
    }
  )

  it('keeps a value of 48 KB, and answers 422 to one character more on create and on update', async () => {
    const client = octokit('vars').rest.actions
    const full = 'v'.repeat(48 * 1024)
    expect((await client.createRepoVariable({ ...repo, name: 'BIG', value: full })).status).toBe(
      201
    )
    expect(github.variableValue('BIG')).toBe(full)
    expect(
      await statusOf(client.updateRepoVariable({ ...repo, name: 'BIG', value: `${full}w` }))
    ).toBe(422)
    expect(
      await statusOf(client.createRepoVariable({ ...repo, name: 'BIGGER', value: `${full}w` }))
    ).toBe(422)
    expect(github.variableValue('BIG')).toBe(full)
    expect(github.variableValue('BIGGER')).toBeUndefined()
  })
})

describe('faults as GitHub shows them, through octokit', () => {
  it('keeps the faults GitHub meets apart from FAULTS, which the CodeCatalyst fault matrix iterates over', () => {
    expect(GITHUB_FAULTS).toEqual(
      expect.arrayContaining([
        ...['500', '502', '503', 'reset', 'hang', 'html'],
        ...['commit-then-503', 'commit-then-reset', 'commit-then-hang'],
        ...['rate-limited', 'secondary-rate-limit']
      ])
    )
    const added = ['commit-then-503', 'commit-then-reset', 'commit-then-hang', 'rate-limited']
    expect(FAULTS.filter(f => added.includes(f))).toEqual([])
  })

  it.each([
    '500',
    '502',
    '503',
    '504',
    '429',
    '429-retry-after',
    'commit-then-500',
    'commit-then-503'
  ] as const)(
    'answers the fault %s in GitHub error shape, with no x-amzn-* header',
    async fault => {
      github.setVariable('REGION', 'eu')
      github.failNext('GetRepoVariable', fault)
      const failure = await failureOf(
        octokit('vars').rest.actions.getRepoVariable({ ...repo, name: 'REGION' })
      )
      if (failure === 'no answer') throw new Error('no answer')
      expect(failure.status).toBe(Number(/\d+/.exec(fault)?.[0]))
      expect(failure.data).toEqual({
        message: expect.any(String),
        documentation_url: 'https://docs.github.com/rest',
        status: String(failure.status)
      })
      expect(failure.headers['content-type']).toBe('application/json; charset=utf-8')
      expect(failure.headers['x-github-request-id']).toMatch(/^[0-9A-F-]{36}$/)
      expect(Object.keys(failure.headers).filter(h => h.startsWith('x-amzn'))).toEqual([])
      expect(failure.headers['retry-after']).toBe(fault === '429-retry-after' ? '1' : undefined)
    }
  )

  /** What octokit reports for a create under each fault: a status, no answer, or (truncated) success. */
  const SEEN: Record<(typeof GITHUB_FAULTS)[number], number | 'no answer' | 'ok'> = {
    '500': 500,
    '502': 502,
    '503': 503,
    '504': 504,
    reset: 'no answer',
    hang: 'no answer',
    html: 502,
    // octokit reads a JSON body cut short as '' and reports the 201 a success.
    truncated: 'ok',
    'commit-then-500': 500,
    'commit-then-503': 503,
    'commit-then-reset': 'no answer',
    'commit-then-hang': 'no answer',
    'rate-limited': 403,
    'secondary-rate-limit': 403
  }

  it.each(GITHUB_FAULTS)(
    'a variable created under the fault %s lands exactly when the fault lets it commit, whatever the client saw',
    async fault => {
      github.failNext('CreateRepoVariable', fault)
      const create = (request = {}) =>
        octokit('vars').rest.actions.createRepoVariable({
          ...repo,
          name: 'REGION',
          value: 'eu',
          request
        })
      const seen = await failureOf(create({ signal: AbortSignal.timeout(1000) })).catch(
        () => 'ok' as const
      )
      expect(typeof seen === 'object' ? seen.status : seen).toBe(SEEN[fault])
      const commits = fault.startsWith('commit-then-') || fault === 'truncated'
      expect(github.variableValue('REGION')).toBe(commits ? 'eu' : undefined)
      // The stand-in serves on: the retry meets what the first attempt left.
      expect(await statusOf(create())).toBe(commits ? 409 : 'ok')
    }
  )

  it('commit-then-reset on a secret PUT: the connection drops unanswered, and the secret is saved', async () => {
    github.failNext('CreateOrUpdateRepoSecret', 'commit-then-reset')
    expect(await failureOf(putSecret(octokit('writer'), 'landed'))).toBe('no answer')
    expect(github.secretValue('SESSION')).toBe('landed')
  })

  it('commit-then-hang on a variable update: no answer ever comes (an AbortSignal ends the wait), and the value changed', async () => {
    github.setVariable('REGION', 'eu')
    github.failNext('UpdateRepoVariable', 'commit-then-hang')
    const started = Date.now()
    const failure = await failureOf(
      octokit('vars').rest.actions.updateRepoVariable({
        ...repo,
        name: 'REGION',
        value: 'us',
        request: { signal: AbortSignal.timeout(300) }
      })
    )
    expect(failure).toBe('no answer')
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(github.variableValue('REGION')).toBe('us')
  })

  it('commit-then-hang on a variable delete: gone, though the client never heard', async () => {
    github.setVariable('REGION', 'eu')
    github.failNext('DeleteRepoVariable', 'commit-then-hang')
    const call = octokit('vars').rest.actions.deleteRepoVariable({
      ...repo,
      name: 'REGION',
      request: { signal: AbortSignal.timeout(200) }
    })
    expect(await failureOf(call)).toBe('no answer')
    expect(github.variableValue('REGION')).toBeUndefined()
  })

  it('{ delayMs, commit: true } on a secret PUT: the secret is saved at once and the 201 comes after the delay', async () => {
    github.failNext('CreateOrUpdateRepoSecret', { delayMs: 500, commit: true })
    const started = Date.now()
    const put = putSecret(octokit('writer'), 'early')
    await sleep(250)
    expect(github.secretValue('SESSION')).toBe('early')
    const { status } = await put
    expect(status).toBe(201)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('{ delayMs, commit: true } against a shorter client timeout: the client gives up, its retry meets 409, and the late answer to the closed socket breaks nothing', async () => {
    github.failNext('CreateRepoVariable', { delayMs: 600, commit: true })
    const create = (request = {}) =>
      octokit('vars').rest.actions.createRepoVariable({
        ...repo,
        name: 'REGION',
        value: 'eu',
        request
      })
    expect(await failureOf(create({ signal: AbortSignal.timeout(150) }))).toBe('no answer')
    expect(github.variableValue('REGION')).toBe('eu')
    expect(await statusOf(create())).toBe(409)
    await sleep(700)
    expect(
      await statusOf(octokit('vars').rest.actions.getRepoVariable({ ...repo, name: 'REGION' }))
    ).toBe('ok')
  })

  it('{ delayMs } without commit: a slow GitHub applies the update only when it serves it, late', async () => {
    github.setVariable('REGION', 'eu')
    github.failNext('UpdateRepoVariable', { delayMs: 500 })
    const started = Date.now()
    const update = octokit('vars').rest.actions.updateRepoVariable({
      ...repo,
      name: 'REGION',
      value: 'us'
    })
    await sleep(250)
    expect(github.variableValue('REGION')).toBe('eu')
    expect((await update).status).toBe(204)
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
    expect(github.variableValue('REGION')).toBe('us')
  })

  it('{ delayMs } without commit: a request the client gave up on is still served when its time comes', async () => {
    github.setVariable('REGION', 'eu')
    github.failNext('UpdateRepoVariable', { delayMs: 500 })
    const update = octokit('vars').rest.actions.updateRepoVariable({
      ...repo,
      name: 'REGION',
      value: 'late',
      request: { signal: AbortSignal.timeout(100) }
    })
    expect(await failureOf(update)).toBe('no answer')
    expect(github.variableValue('REGION')).toBe('eu')
    await sleep(600)
    expect(github.variableValue('REGION')).toBe('late')
  })
})

describe('rate limits, through octokit', () => {
  /** The x-ratelimit-* headers of an answer, the reset as seconds from now. */
  const rateOf = (headers: Record<string, string | number | undefined>) => ({
    limit: headers['x-ratelimit-limit'],
    remaining: Number(headers['x-ratelimit-remaining']),
    used: Number(headers['x-ratelimit-used']),
    resetIn: Number(headers['x-ratelimit-reset']) - Date.now() / 1000,
    resource: headers['x-ratelimit-resource']
  })

  it('rate-limited: 403 in GitHub words, no requests left, a reset a second ahead; the next request goes through', async () => {
    github.failNext('GetRepoVariable', 'rate-limited')
    github.setVariable('REGION', 'eu')
    const get = () => octokit('vars').rest.actions.getRepoVariable({ ...repo, name: 'REGION' })
    const failure = await failureOf(get())
    if (failure === 'no answer') throw new Error('no answer')
    expect(failure).toMatchObject({
      status: 403,
      data: { message: 'API rate limit exceeded for installation ID 1234.' }
    })
    expect(rateOf(failure.headers)).toEqual({
      limit: '5000',
      remaining: 0,
      used: 5000,
      resetIn: expect.any(Number),
      resource: 'core'
    })
    expect(rateOf(failure.headers).resetIn).toBeGreaterThan(0)
    expect(rateOf(failure.headers).resetIn).toBeLessThanOrEqual(2)
    expect(failure.headers['retry-after']).toBeUndefined()
    expect((await get()).status).toBe(200)
  })

  it('a primary rate limit may reset an hour ahead and answer 429', async () => {
    github.failNext('CreateOrUpdateRepoSecret', {
      rateLimit: 'primary',
      resetInSeconds: 3600,
      status: 429
    })
    const failure = await failureOf(putSecret(octokit('writer'), 'x'))
    if (failure === 'no answer') throw new Error('no answer')
    expect(failure.status).toBe(429)
    expect(rateOf(failure.headers).remaining).toBe(0)
    expect(rateOf(failure.headers).resetIn).toBeGreaterThan(3598)
    expect(rateOf(failure.headers).resetIn).toBeLessThanOrEqual(3601)
    expect(github.secretValue('SESSION')).toBeUndefined()
  })

  it('secondary-rate-limit: 403 with Retry-After 1 in GitHub words, requests left; 429 and a longer wait on request', async () => {
    github.failNext('CreateRepoVariable', 'secondary-rate-limit', {
      rateLimit: 'secondary',
      status: 429,
      retryAfterSeconds: 30
    })
    const create = () =>
      octokit('vars').rest.actions.createRepoVariable({ ...repo, name: 'REGION', value: 'eu' })
    const message =
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
    const first = await failureOf(create())
    const second = await failureOf(create())
    if (first === 'no answer' || second === 'no answer') throw new Error('no answer')
    expect([first.status, first.headers['retry-after'], first.data]).toEqual([
      403,
      '1',
      expect.objectContaining({ message })
    ])
    expect(rateOf(first.headers).remaining).toBeGreaterThan(0)
    expect([second.status, second.headers['retry-after']]).toEqual([429, '30'])
    expect(github.variableValue('REGION')).toBeUndefined()
  })

  it('every ordinary answer, a refusal too, counts the token down from 5000 within an hour window', async () => {
    const client = octokit('vars').rest.actions
    github.setVariable('REGION', 'eu')
    const first = await client.getRepoVariable({ ...repo, name: 'REGION' })
    const refused = await failureOf(client.getRepoVariable({ ...repo, name: 'NONE' }))
    const third = await client.getRepoVariable({ ...repo, name: 'REGION' })
    if (refused === 'no answer') throw new Error('no answer')
    const [a, b, c] = [first.headers, refused.headers, third.headers].map(rateOf)
    expect(a).toEqual({
      limit: '5000',
      remaining: 4999,
      used: 1,
      resetIn: expect.any(Number),
      resource: 'core'
    })
    expect([b?.remaining, b?.used, c?.remaining, c?.used]).toEqual([4998, 2, 4997, 3])
    expect(a?.resetIn).toBeGreaterThan(3590)
    expect(a?.resetIn).toBeLessThanOrEqual(3601)
    expect(third.headers['x-ratelimit-reset']).toBe(first.headers['x-ratelimit-reset'])
    // Another token has its own count.
    const other = await octokit('vars-reader').rest.actions.getRepoVariable({
      ...repo,
      name: 'REGION'
    })
    expect(other.headers['x-ratelimit-remaining']).toBe('4999')
  })
})
