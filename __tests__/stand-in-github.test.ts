/**
 * The GitHub secrets stand-in, driven by the real client: @actions/github's octokit (its own fetch) and
 * libsodium, as GitHub's documentation writes a secret.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import sodium from 'libsodium-wrappers'
import { GitHubSecretsStandIn } from '../stand-in/github-secrets.js'

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
        job: { kind: 'github-token' }
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
