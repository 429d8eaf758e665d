/**
 * The session's secret and its marker (src/auth/secret-store.ts, marker-variable.ts), in-process against the
 * GitHub stand-in on the real transport: what a check lets through, the order of a save's writes, and what
 * each partial write leaves behind.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import type { ApiDeps } from '../src/net/api-call.js'
import { RenewalError, ReplacedCopyError } from '../src/net/errors.js'
import { createHttpTransport } from '../src/net/http-transport.js'
import { LoginSecret } from '../src/auth/secret-store.js'
import { nextMarker, sha256 } from '../src/auth/marker.js'
import { GitHubSecretsStandIn } from '../stand-in/github-secrets.js'

const SECRET = 'SESSION'
const MARKER = 'SESSION_MARKER'
let github: GitHubSecretsStandIn
beforeEach(async () => {
  github = await (
    await GitHubSecretsStandIn.create({
      repository: 'octo-org/app',
      tokens: {
        writer: { kind: 'pat', secrets: 'write', variables: 'write' },
        'variables-reader': { kind: 'pat', secrets: 'write', variables: 'read' }
      }
    })
  ).start()
  github.setSecret(SECRET, 'stored by hand')
})
afterEach(() => github.close())

const deps = (): ApiDeps => ({
  transport: createHttpTransport('test'),
  sleep: async () => undefined,
  random: () => 0,
  now: Date.now,
  log: () => undefined
})

function store(token = 'writer') {
  return new LoginSecret(
    {
      secret: {
        name: SECRET,
        githubToken: token,
        apiUrl: github.url,
        owner: 'octo-org',
        repo: 'app'
      },
      maxAttempts: 2,
      requestTimeoutMs: 1000
    },
    deps()
  )
}

const marker = () => JSON.parse(github.variableValue(MARKER) ?? 'null') as unknown
const scope = { deadline: Date.now() + 10_000 }
const scopes = { scope, markerScope: scope }

describe('the check before a renewal', () => {
  it('creates the marker when there is none, naming the copy: the token may write it before anything is spent', async () => {
    const checked = await store().check('refresh-0', scope)
    expect(checked).toEqual({
      presented: sha256('refresh-0'),
      marker: { current: sha256('refresh-0'), replaced: [] }
    })
    expect(marker()).toEqual({ current: sha256('refresh-0'), replaced: [] })
  })

  it('refuses, spending nothing, when the token may only read variables', async () => {
    const error = await store('variables-reader')
      .check('refresh-0', scope)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RenewalError)
    expect((error as RenewalError).message).toMatch(/CreateRepoVariable.*may not write the marker/s)
    expect(github.variableValue(MARKER)).toBeUndefined()
  })

  it('refuses a copy the marker lists as replaced, and tells a lost save from another job', async () => {
    github.setVariable(MARKER, JSON.stringify(nextMarker(undefined, sha256('r0'), sha256('r1'))))
    const error = await store()
      .check('r0', scope)
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ReplacedCopyError)
    // The secret was written before the marker (by hand, an hour ago or now): the last save was lost.
    github.setSecret(SECRET, 'r1', { updatedAt: Date.now() - 3_600_000 })
    const lost = (await store()
      .check('r0', scope)
      .catch((e: unknown) => e)) as ReplacedCopyError
    expect(lost.lostSave).toBe(true)
    expect(lost.secretSpent).toBe(true)
  })
})

describe('a save', () => {
  it('writes the marker, then the secret sealed for the scope, and then finds the marker as it left it', async () => {
    const secret = store()
    const checked = await secret.check('r0', scope)
    await secret.save('{"refreshToken":"r1"}', checked, 'r1', scopes)
    const operations = github.requests.map(r => r.operation)
    expect(operations.slice(-3)).toEqual([
      'UpdateRepoVariable',
      'CreateOrUpdateRepoSecret',
      'GetRepoVariable'
    ])
    expect(github.secretValue(SECRET)).toBe('{"refreshToken":"r1"}')
    expect(marker()).toEqual({ current: sha256('r1'), replaced: [sha256('r0')] })
  })

  it('a marker that cannot be written leaves the secret saved and the problem reported', async () => {
    const secret = store()
    const checked = await secret.check('r0', scope)
    const refused = { status: 422, body: '{"message":"Validation Failed"}' }
    github.failNext('UpdateRepoVariable', refused, refused)
    const result = await secret.save('saved', checked, 'r1', scopes)
    expect(github.secretValue(SECRET)).toBe('saved')
    expect(result.markerProblem?.fatal).toBe(false)
    expect(result.markerProblem?.message).toMatch(/could not update its marker/)
  })

  it('a secret that cannot be written throws stage save, passing when GitHub was unavailable', async () => {
    const secret = store()
    const checked = await secret.check('r0', scope)
    github.failNext('CreateOrUpdateRepoSecret', '503', '503')
    const error = (await secret
      .save('saved', checked, 'r1', scopes)
      .catch((e: unknown) => e)) as RenewalError
    expect([error.stage, error.passing]).toEqual(['save', true])
    // The marker was written first: it names the renewed refresh token, which the secret does not hold.
    expect(marker()).toEqual({ current: sha256('r1'), replaced: [sha256('r0')] })
    expect(github.secretValue(SECRET)).toBe('stored by hand')
  })

  it('a marker deleted between the check and the save is created again', async () => {
    const secret = store()
    const checked = await secret.check('r0', scope)
    github.failNext('UpdateRepoVariable', { status: 404, body: '{"message":"Not Found"}' })
    await secret.save('saved', checked, 'r1', scopes)
    expect(marker()).toEqual({ current: sha256('r1'), replaced: [sha256('r0')] })
  })

  it('a key GitHub rotated since it was read is read again once, and the secret is sealed under it', async () => {
    const secret = store()
    const checked = await secret.check('r0', scope)
    github.failNext('CreateOrUpdateRepoSecret', {
      status: 422,
      body: '{"message":"key_id is not the current key"}'
    })
    // The stand-in keeps one key: the second read gives the same, and the save fails as it should.
    const error = await secret.save('saved', checked, 'r1', scopes).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RenewalError)
    expect(github.requestsFor('GetRepoPublicKey')).toHaveLength(2)
  })
})

describe('a login', () => {
  it('saves the secret first (creating it), then a marker that replaces what it named', async () => {
    github.setVariable(MARKER, JSON.stringify({ current: sha256('old'), replaced: [] }))
    const secret = store()
    const found = await secret.checkForLogin(scope)
    await secret.saveLogin('new session', 'fresh', found, scope)
    const operations = github.requests.map(r => r.operation)
    expect(operations.indexOf('CreateOrUpdateRepoSecret')).toBeLessThan(
      operations.indexOf('UpdateRepoVariable')
    )
    expect(marker()).toEqual({ current: sha256('fresh'), replaced: [sha256('old')] })
    await sodium.ready
    expect(github.secretValue(SECRET)).toBe('new session')
  })

  it('replaces a marker the action did not write, instead of refusing the login', async () => {
    github.setVariable(MARKER, 'hand-made')
    const secret = store()
    const found = await secret.checkForLogin(scope)
    expect(found).toBeUndefined()
    await secret.saveLogin('new session', 'fresh', found, scope)
    expect(marker()).toEqual({ current: sha256('fresh'), replaced: [] })
  })
})
