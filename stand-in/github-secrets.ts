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
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Socket } from 'node:net'
import sodium from 'libsodium-wrappers'

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

/** What a network or GitHub can do to one request instead of answering it. */
export type GitHubFault =
  /** No fault: the request is answered (to let earlier requests through before a fault). */
  'none' | 'reset' | 'hang' | { status: number; headers?: Record<string, string>; body?: string }

export interface GitHubSecretsOptions {
  /** owner/repo: the one repository it serves. */
  repository: string
  environments?: string[]
  /** Bearer tokens it knows, and what each may do. */
  tokens: Record<string, GitHubTokenGrant>
  /** Where the API is rooted, e.g. /api/v3 (GitHub Enterprise Server); none on github.com. */
  pathPrefix?: string
}

export interface GitHubRequest {
  operation: GitHubOperation | undefined
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

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
interface RouteRule {
  operation: GitHubOperation
  method: string
  pattern: RegExp
}
const ROUTES: RouteRule[] = (<RouteRule[]>[
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

export class GitHubSecretsStandIn {
  readonly requests: GitHubRequest[] = []
  private readonly scopes = new Map<string, Scope>()
  private readonly faults = new Map<GitHubOperation, GitHubFault[]>()
  private readonly sockets = new Set<Socket>()
  private server?: Server
  private origin = ''
  /** Connections accepted (TCP, or TLS sessions with `tls`). */
  connections = 0
  port = 0

  private constructor(readonly options: GitHubSecretsOptions) {}

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

  /** Listens on 127.0.0.1; with `tls`, serves HTTPS as `host` (a name only a test's proxy resolves). */
  async start(listen: { tls?: { key: string; cert: string }; host?: string } = {}): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res)
    const server = listen.tls ? createTlsServer(listen.tls, handler) : createServer(handler)
    server.on(listen.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connections++
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    this.origin = `${listen.tls ? 'https' : 'http'}://${listen.host ?? '127.0.0.1'}:${this.port}`
    this.server = server
    return this
  }

  /** The API base URL, as GITHUB_API_URL gives it. */
  get url(): string {
    return `${this.origin}${this.options.pathPrefix ?? ''}`
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
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
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...faults])
    return this
  }

  requestsFor(operation: GitHubOperation): GitHubRequest[] {
    return this.requests.filter(r => r.operation === operation)
  }

  private scope(environment?: string): Scope {
    const scope = this.scopes.get(scopeKey(environment))
    if (!scope) throw new Error(`the stand-in has no environment ${environment}`)
    return scope
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const prefix = this.options.pathPrefix ?? ''
    const path = (req.url ?? '/').split('?')[0] ?? '/'
    const inside = path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined
    const route = inside === undefined ? undefined : matchRoute(req.method ?? '', inside)
    this.requests.push({
      operation: route?.operation,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body
    })
    const fault = route ? this.faults.get(route.operation)?.shift() : undefined
    if (fault === 'reset') return void req.socket.destroy()
    if (fault === 'hang') return
    if (fault && fault !== 'none') return send(res, fault.status, fault.body ?? '', fault.headers)
    try {
      if (!route) throw new GitHubFailure(404, 'Not Found')
      const grant = this.authenticate(req.headers.authorization)
      const [status, answer] = this.execute(route, grant, body)
      send(res, status, answer === undefined ? '' : JSON.stringify(answer), {
        'content-type': 'application/json; charset=utf-8'
      })
    } catch (error) {
      if (!(error instanceof GitHubFailure)) throw error
      const answer = {
        message: error.message,
        documentation_url: 'https://docs.github.com/rest',
        status: String(error.status)
      }
      send(res, error.status, JSON.stringify(answer), {
        'content-type': 'application/json; charset=utf-8'
      })
    }
  }

  private authenticate(header: string | undefined): GitHubTokenGrant {
    const token = /^(?:token|bearer) (.+)$/i.exec(header ?? '')?.[1]
    const grant = token === undefined ? undefined : this.options.tokens[token]
    if (!grant) throw new GitHubFailure(401, 'Bad credentials')
    return grant
  }

  private execute(route: Route, grant: GitHubTokenGrant, body: string): [number, unknown] {
    const [owner = '', repo = '', ...rest] = route.labels
    if (`${owner}/${repo}`.toLowerCase() !== this.options.repository.toLowerCase())
      throw new GitHubFailure(404, 'Not Found')
    const inEnvironment = route.operation.includes('Environment')
    const environment = inEnvironment ? rest.shift() : undefined
    if (environment !== undefined && !(this.options.environments ?? []).includes(environment))
      throw new GitHubFailure(404, 'Not Found')
    const writes = route.method === 'PUT'
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

interface Route {
  operation: GitHubOperation
  method: string
  labels: string[]
}

function matchRoute(method: string, path: string): Route | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path)
    if (match && route.method === method)
      return { operation: route.operation, method, labels: match.slice(1).map(decodeURIComponent) }
  }
  return undefined
}

const scopeKey = (environment?: string) => (environment === undefined ? '' : `env:${environment}`)

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {}
) {
  res.writeHead(status, {
    'content-length': Buffer.byteLength(body),
    'x-github-request-id': randomUUID().toUpperCase(),
    ...headers
  })
  res.end(body)
}
