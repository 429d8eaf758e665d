/**
 * A stand-in for GitHub's REST API for Actions secrets and variables (api version 2022-11-28): the public key,
 * the metadata and the create-or-update of repository and environment secrets, and the variables of the same
 * scopes (github-variables.ts), on an ephemeral loopback port, optionally under a path prefix (GitHub
 * Enterprise Server's /api/v3). Values arrive sealed with crypto_box_seal under the scope's public key; it
 * opens them with its private key and keeps them, so a test can read what a job saved. Tokens carry
 * permissions as fine-grained tokens and App tokens do, and every refusal has GitHub's status and body: 401
 * for an unknown token, 403 without the permission, 404 for what does not exist or cannot be seen. Every
 * answer carries the token's x-ratelimit-* count, and faults (faults.ts, in GitHub's words, and GitHub's
 * rate limits: github-http.ts) fail requests as GitHub and the networks before it do.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import sodium from 'libsodium-wrappers'
import { type Answer, FaultPlan, afterCommit, beforeCommit, waitIfSlow } from './faults.js'
import {
  type GitHubFault,
  GitHubFailure,
  RateLimits,
  githubError,
  githubErrorBody,
  githubHeaders,
  isRateLimit
} from './github-http.js'
import {
  type Stored,
  VARIABLE_ROUTES,
  type VariableOperation,
  executeVariable,
  store
} from './github-variables.js'
import { type RecordedRequest, type Route, StandInServer, matchRoute, send } from './http.js'

export {
  GITHUB_FAULTS,
  type GitHubFault,
  type GitHubFaultName,
  type RateLimitFault
} from './github-http.js'
export type { VariableOperation } from './github-variables.js'

/** What a token may do, as GitHub grants it. */
export interface GitHubTokenGrant {
  /** A fine-grained personal access token, a GitHub App installation token, or a job's GITHUB_TOKEN. */
  kind: 'pat' | 'app' | 'github-token'
  /** Repository permission Secrets (App permission `secrets`). */
  secrets?: 'read' | 'write'
  /** Repository permission Environments (App permission `environments`). */
  environments?: 'read' | 'write'
  /** Repository permission Variables (App permission `variables`). */
  variables?: 'read' | 'write'
}

export type GitHubOperation =
  | 'GetRepoPublicKey'
  | 'GetRepoSecret'
  | 'CreateOrUpdateRepoSecret'
  | 'GetEnvironmentPublicKey'
  | 'GetEnvironmentSecret'
  | 'CreateOrUpdateEnvironmentSecret'
  | VariableOperation

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

interface Scope {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
  secrets: Map<string, Stored>
  variables: Map<string, Stored>
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
  },
  ...VARIABLE_ROUTES
]).map(r => ({ ...r, pattern: new RegExp(`^${REPOSITORY}${r.pattern.source}`) }))

export class GitHubSecretsStandIn extends StandInServer<GitHubOperation> {
  private readonly scopes = new Map<string, Scope>()
  private readonly faults = new FaultPlan<GitHubOperation, GitHubFault>()
  private readonly rateLimits = new RateLimits()

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
      const [secrets, variables] = [new Map<string, Stored>(), new Map<string, Stored>()]
      standIn.scopes.set(scopeKey(scope), { keyId, publicKey, privateKey, secrets, variables })
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
    store(this.scope(environment).secrets, name, value, updatedAt)
  }

  /** The value a secret holds now, opened; undefined if there is none. */
  secretValue(name: string, environment?: string): string | undefined {
    return this.scope(environment).secrets.get(name.toUpperCase())?.value
  }

  /** Stores a variable as `gh variable set` does; `updatedAt` (ms) stands for a write at another time. */
  setVariable(
    name: string,
    value: string,
    { environment, updatedAt = Date.now() } = {} as {
      environment?: string
      updatedAt?: number
    }
  ): void {
    store(this.scope(environment).variables, name, value, updatedAt)
  }

  /** The value a variable holds now; undefined if there is none. */
  variableValue(name: string, environment?: string): string | undefined {
    return this.variable(name, environment)?.value
  }

  /** A variable with GitHub's timestamps (as its API gives them); undefined if there is none. */
  variable(name: string, environment?: string): Stored | undefined {
    const stored = this.scope(environment).variables.get(name.toUpperCase())
    return stored && { ...stored }
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

  protected async serve(
    req: IncomingMessage,
    res: ServerResponse,
    recorded: GitHubRequest
  ): Promise<void> {
    const route = this.route(recorded.method, new URL(recorded.url, 'http://x').pathname)
    const token = tokenOf(req.headers.authorization) ?? ''
    const fault = await waitIfSlow(this.faults.next(route?.operation))
    if (isRateLimit(fault)) return this.rateLimits.play(res, fault, token)
    if (beforeCommit(fault, req, res, recorded, githubError)) return
    let answer: Answer
    try {
      if (!route) throw new GitHubFailure(404, 'Not Found')
      const [status, body] = this.execute(route, this.authenticate(token), recorded.body)
      const json = body === undefined ? '' : JSON.stringify(body)
      answer = { status, body: json, headers: this.headers(token) }
    } catch (error) {
      if (!(error instanceof GitHubFailure)) throw error
      const body = githubErrorBody(error.status, error.message)
      return send(res, error.status, body, this.headers(token))
    }
    if (afterCommit(fault, answer, req, res, recorded, githubError)) return
    send(res, answer.status, answer.body, answer.headers)
  }

  /** What an answer of GitHub's carries, with `token`'s rate limit counted. */
  private headers(token: string): Record<string, string> {
    return { ...githubHeaders(), ...this.rateLimits.count(token) }
  }

  private authenticate(token: string): GitHubTokenGrant {
    const grant = Object.hasOwn(this.options.tokens, token) ? this.options.tokens[token] : undefined
    if (!grant) throw new GitHubFailure(401, 'Bad credentials')
    return grant
  }

  private execute(
    route: { operation: GitHubOperation; labels: string[] },
    grant: GitHubTokenGrant,
    body: string
  ): [number, unknown] {
    const { operation } = route
    const [owner = '', repo = '', ...rest] = route.labels
    if (`${owner}/${repo}`.toLowerCase() !== this.options.repository.toLowerCase())
      throw new GitHubFailure(404, 'Not Found')
    const inEnvironment = operation.includes('Environment')
    const environment = inEnvironment ? rest.shift() : undefined
    if (environment !== undefined && !(this.options.environments ?? []).includes(environment))
      throw new GitHubFailure(404, 'Not Found')
    const writes = !operation.startsWith('Get')
    const variable = isVariableOperation(operation)
    permit(grant, variable ? 'variables' : 'secrets', writes)
    if (inEnvironment) permit(grant, 'environments', writes)
    const scope = this.scope(environment)
    if (variable) return executeVariable(operation, scope.variables, rest[0], body)
    const name = (rest[0] ?? '').toUpperCase()
    if (operation.endsWith('PublicKey'))
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
    store(scope.secrets, name, open(scope, body))
    return [existed ? 204 : 201, existed ? undefined : {}]
  }
}

const scopeKey = (environment?: string) => (environment === undefined ? '' : `env:${environment}`)

const tokenOf = (header: string | undefined) => /^(?:token|bearer) (.+)$/i.exec(header ?? '')?.[1]

const isVariableOperation = (operation: GitHubOperation): operation is VariableOperation =>
  operation.endsWith('Variable')

/** 403 unless the token has the permission, with GitHub's words for its kind of token. */
function permit(
  grant: GitHubTokenGrant,
  permission: 'secrets' | 'environments' | 'variables',
  write: boolean
): void {
  const level = grant.kind === 'github-token' ? undefined : grant[permission]
  if (level === 'write' || (level === 'read' && !write)) return
  const by = grant.kind === 'pat' ? 'personal access token' : 'integration'
  throw new GitHubFailure(403, `Resource not accessible by ${by}`)
}

/** The PUT body's sealed value, opened with the scope's private key; 422 as GitHub answers a bad one. */
function open(scope: Scope, body: string): string {
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
    return sodium.to_string(sodium.crypto_box_seal_open(sealed, scope.publicKey, scope.privateKey))
  } catch {
    throw new GitHubFailure(422, 'Bad request - encrypted_value cannot be decrypted with the key')
  }
}
