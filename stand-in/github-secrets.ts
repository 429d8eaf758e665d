/**
 * A stand-in for GitHub's REST API for Actions secrets (api version 2022-11-28): the public key, the
 * metadata and the create-or-update of repository and environment secrets, on an ephemeral loopback port,
 * optionally under a path prefix (GitHub Enterprise Server's /api/v3). Values arrive sealed with
 * crypto_box_seal under the scope's public key; it opens them with its private key and keeps them, so a test
 * can read what a job saved. Tokens carry permissions as fine-grained tokens and App tokens do, and every
 * refusal has GitHub's status and body: 401 for an unknown token, 403 without the permission, 404 for what
 * does not exist or cannot be seen.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import sodium from 'libsodium-wrappers'
import { type Fault, FaultPlan, beforeCommit } from './faults.js'
import { type RecordedRequest, type Route, StandInServer, matchRoute, send } from './http.js'

/** What a token may do, as GitHub grants it. */
export interface GitHubTokenGrant {
  /** A fine-grained personal access token, a GitHub App installation token, or a job's GITHUB_TOKEN. */
  kind: 'pat' | 'app' | 'github-token'
  /** Repository permission Secrets (App permission `secrets`). */
  secrets?: 'read' | 'write'
  /** Repository permission Environments (App permission `environments`). */
  environments?: 'read' | 'write'
}

export type GitHubOperation =
  | 'GetRepoPublicKey'
  | 'GetRepoSecret'
  | 'CreateOrUpdateRepoSecret'
  | 'GetEnvironmentPublicKey'
  | 'GetEnvironmentSecret'
  | 'CreateOrUpdateEnvironmentSecret'

/** What a network or GitHub can do to one request instead of answering it (faults.ts). */
export type GitHubFault = Fault

export interface GitHubSecretsOptions {
  /** owner/repo: the one repository it serves. */
  repository: string
  environments?: string[]
  /** Bearer tokens it knows, and what each may do. */
  tokens: Record<string, GitHubTokenGrant>
  /** Where the API is rooted, e.g. /api/v3 (GitHub Enterprise Server); none on github.com. */
  pathPrefix?: string
}

export type GitHubRequest = RecordedRequest<GitHubOperation>

interface StoredSecret {
  value: string
  createdAt: string
  updatedAt: string
}

interface Scope {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
  secrets: Map<string, StoredSecret>
}

/** GitHub's timestamps: UTC, whole seconds. */
const githubTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`

class GitHubFailure extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

const REPOSITORY = '/repos/([^/]+)/([^/]+)'
const ROUTES: Route<GitHubOperation>[] = (<Route<GitHubOperation>[]>[
  { operation: 'GetRepoPublicKey', method: 'GET', pattern: /\/actions\/secrets\/public-key$/ },
  { operation: 'GetRepoSecret', method: 'GET', pattern: /\/actions\/secrets\/([^/]+)$/ },
  { operation: 'CreateOrUpdateRepoSecret', method: 'PUT', pattern: /\/actions\/secrets\/([^/]+)$/ },
  {
    operation: 'GetEnvironmentPublicKey',
    method: 'GET',
    pattern: /\/environments\/([^/]+)\/secrets\/public-key$/
  },
  {
    operation: 'GetEnvironmentSecret',
    method: 'GET',
    pattern: /\/environments\/([^/]+)\/secrets\/([^/]+)$/
  },
  {
    operation: 'CreateOrUpdateEnvironmentSecret',
    method: 'PUT',
    pattern: /\/environments\/([^/]+)\/secrets\/([^/]+)$/
  }
]).map(r => ({ ...r, pattern: new RegExp(`^${REPOSITORY}${r.pattern.source}`) }))

export class GitHubSecretsStandIn extends StandInServer<GitHubOperation> {
  private readonly scopes = new Map<string, Scope>()
  private readonly faults = new FaultPlan<GitHubOperation>()

  private constructor(readonly options: GitHubSecretsOptions) {
    super()
  }

  /** A stand-in with a key pair for the repository and each environment (libsodium must be ready first). */
  static async create(options: GitHubSecretsOptions): Promise<GitHubSecretsStandIn> {
    await sodium.ready
    const standIn = new GitHubSecretsStandIn(options)
    for (const scope of [undefined, ...(options.environments ?? [])]) {
      const { publicKey, privateKey } = sodium.crypto_box_keypair()
      const keyId = String(1_000_000 + standIn.scopes.size)
      standIn.scopes.set(scopeKey(scope), { keyId, publicKey, privateKey, secrets: new Map() })
    }
    return standIn
  }

  /** The API base URL, as GITHUB_API_URL gives it. */
  override get url(): string {
    return `${super.url}${this.options.pathPrefix ?? ''}`
  }

  /** Stores a value as `gh secret set` does; `updatedAt` (ms) stands for a write at another time. */
  setSecret(
    name: string,
    value: string,
    { environment, updatedAt = Date.now() } = {} as {
      environment?: string
      updatedAt?: number
    }
  ): void {
    const scope = this.scope(environment)
    const previous = scope.secrets.get(name.toUpperCase())
    scope.secrets.set(name.toUpperCase(), {
      value,
      createdAt: previous?.createdAt ?? githubTime(updatedAt),
      updatedAt: githubTime(updatedAt)
    })
  }

  /** The value a secret holds now, opened; undefined if there is none. */
  secretValue(name: string, environment?: string): string | undefined {
    return this.scope(environment).secrets.get(name.toUpperCase())?.value
  }

  /** The next requests of `operation` meet these faults, one each, in order. */
  failNext(operation: GitHubOperation, ...faults: GitHubFault[]): this {
    this.faults.add(operation, faults)
    return this
  }

  private scope(environment?: string): Scope {
    const scope = this.scopes.get(scopeKey(environment))
    if (!scope) throw new Error(`the stand-in has no environment ${environment}`)
    return scope
  }

  /** The operation a method and path name, under the API's path prefix. */
  protected operationOf(method: string, path: string): GitHubOperation | undefined {
    return this.route(method, path)?.operation
  }

  private route(method: string, path: string) {
    const prefix = this.options.pathPrefix ?? ''
    return path.startsWith(`${prefix}/`)
      ? matchRoute(ROUTES, method, path.slice(prefix.length))
      : undefined
  }

  protected serve(req: IncomingMessage, res: ServerResponse, recorded: GitHubRequest): void {
    const route = this.route(recorded.method, new URL(recorded.url, 'http://x').pathname)
    const { body } = recorded
    if (beforeCommit(this.faults.next(route?.operation), req, res, recorded)) return
    try {
      if (!route) throw new GitHubFailure(404, 'Not Found')
      const grant = this.authenticate(req.headers.authorization)
      const [status, answer] = this.execute(route, grant, body)
      send(res, status, answer === undefined ? '' : JSON.stringify(answer), GITHUB_HEADERS())
    } catch (error) {
      if (!(error instanceof GitHubFailure)) throw error
      const answer = {
        message: error.message,
        documentation_url: 'https://docs.github.com/rest',
        status: String(error.status)
      }
      send(res, error.status, JSON.stringify(answer), GITHUB_HEADERS())
    }
  }

  private authenticate(header: string | undefined): GitHubTokenGrant {
    const token = /^(?:token|bearer) (.+)$/i.exec(header ?? '')?.[1]
    const grant = token === undefined ? undefined : this.options.tokens[token]
    if (!grant) throw new GitHubFailure(401, 'Bad credentials')
    return grant
  }

  private execute(
    route: { operation: GitHubOperation; labels: string[] },
    grant: GitHubTokenGrant,
    body: string
  ): [number, unknown] {
    const [owner = '', repo = '', ...rest] = route.labels
    if (`${owner}/${repo}`.toLowerCase() !== this.options.repository.toLowerCase())
      throw new GitHubFailure(404, 'Not Found')
    const inEnvironment = route.operation.includes('Environment')
    const environment = inEnvironment ? rest.shift() : undefined
    if (environment !== undefined && !(this.options.environments ?? []).includes(environment))
      throw new GitHubFailure(404, 'Not Found')
    const writes = route.operation.startsWith('CreateOrUpdate')
    this.permit(grant, 'secrets', writes)
    if (inEnvironment) this.permit(grant, 'environments', writes)
    const scope = this.scope(environment)
    const name = (rest[0] ?? '').toUpperCase()
    if (route.operation.endsWith('PublicKey'))
      return [
        200,
        {
          key_id: scope.keyId,
          key: sodium.to_base64(scope.publicKey, sodium.base64_variants.ORIGINAL)
        }
      ]
    if (!writes) {
      const secret = scope.secrets.get(name)
      if (!secret) throw new GitHubFailure(404, 'Not Found')
      return [200, { name, created_at: secret.createdAt, updated_at: secret.updatedAt }]
    }
    const existed = scope.secrets.has(name)
    this.setSecret(name, this.open(scope, body), { environment })
    return [existed ? 204 : 201, existed ? undefined : {}]
  }

  /** 403 unless the token has the permission, with GitHub's words for its kind of token. */
  private permit(
    grant: GitHubTokenGrant,
    permission: 'secrets' | 'environments',
    write: boolean
  ): void {
    const level = grant.kind === 'github-token' ? undefined : grant[permission]
    if (level === 'write' || (level === 'read' && !write)) return
    const by = grant.kind === 'pat' ? 'personal access token' : 'integration'
    throw new GitHubFailure(403, `Resource not accessible by ${by}`)
  }

  /** The PUT body's sealed value, opened with the scope's private key; 422 as GitHub answers a bad one. */
  private open(scope: Scope, body: string): string {
    let input: { encrypted_value?: unknown; key_id?: unknown }
    try {
      input = JSON.parse(body) as typeof input
    } catch {
      throw new GitHubFailure(400, 'Problems parsing JSON')
    }
    if (input.key_id !== scope.keyId)
      throw new GitHubFailure(422, 'Invalid request.\n\nkey_id is not the current key')
    try {
      const sealed = sodium.from_base64(
        String(input.encrypted_value),
        sodium.base64_variants.ORIGINAL
      )
      return sodium.to_string(
        sodium.crypto_box_seal_open(sealed, scope.publicKey, scope.privateKey)
      )
    } catch {
      throw new GitHubFailure(422, 'Bad request - encrypted_value cannot be decrypted with the key')
    }
  }
}

const scopeKey = (environment?: string) => (environment === undefined ? '' : `env:${environment}`)

/** What every answer of GitHub's carries: JSON, and a request id. */
const GITHUB_HEADERS = () => ({
  'content-type': 'application/json; charset=utf-8',
  'x-github-request-id': randomUUID().toUpperCase()
})
