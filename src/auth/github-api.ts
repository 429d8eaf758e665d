/**
 * GitHub's REST API (version 2022-11-28) for the Actions secrets and variables of one scope, a repository or
 * one of its environments: the few operations the action uses, over the project's own JSON call (its
 * transport, retries, deadlines, proxy and redaction). Paths and operation names are built once, from the scope.
 */
import { type ApiDeps, type CallScope, callJsonApi, missingFromResponse } from '../net/api-call.js'
import { Inputs } from '../common/constants.js'
import { type ErrorHints, HINT_401, HINT_5XX, ServiceError, isRecord } from '../net/errors.js'
import type { Transport } from '../net/http-transport.js'

/** Where the secrets and variables are, and the token that may use them. */
export interface GitHubScopeSettings {
  /** GitHub's REST API base URL without a trailing slash. */
  apiUrl: string
  owner: string
  repo: string
  /** An environment of the repository; the repository itself when absent. */
  environment?: string
  token: string
}

export interface GitHubCallConfig {
  maxAttempts: number
  requestTimeoutMs: number
}

/** A scope's public key: what its secrets are sealed with. */
export interface PublicKey {
  keyId: string
  /** base64 (standard alphabet) of the 32-byte Curve25519 key. */
  key: string
}

/** A variable's value, and when it was last written (ms since the epoch, GitHub's clock, whole seconds). */
export interface Variable {
  value: string
  updatedAt: number
}

const GITHUB_HINTS: ErrorHints = {
  [HINT_401]: `GitHub did not accept '${Inputs.GitHubToken}'.`,
  [HINT_5XX]: 'GitHub or something in front of it failed.'
}

const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' }

/** A 32-byte key in base64: 43 characters and one '='. */
const PUBLIC_KEY = /^[A-Za-z0-9+/]{43}=$/

export class GitHubScope {
  /** How GitHub's operation names say the scope: GetRepoSecret, GetEnvironmentSecret. */
  readonly kind: 'Repo' | 'Environment'
  private readonly base: string

  constructor(
    private readonly settings: GitHubScopeSettings,
    private readonly config: GitHubCallConfig,
    private readonly deps: ApiDeps
  ) {
    const { apiUrl, owner, repo, environment } = settings
    const repository = `${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`
    this.kind = environment === undefined ? 'Repo' : 'Environment'
    this.base =
      environment === undefined
        ? `${repository}/actions`
        : `${repository}/environments/${encodeURIComponent(environment)}`
  }

  /** The same scope over another transport (one that watches for answers lost after a write). */
  over(transport: Transport): GitHubScope {
    return new GitHubScope(this.settings, this.config, { ...this.deps, transport })
  }

  /** GET …/secrets/public-key */
  async publicKey(scope: CallScope): Promise<PublicKey> {
    const operation = this.operation('Get', 'PublicKey')
    const body = await this.call(operation, 'GET', '/secrets/public-key', scope)
    if (
      !isRecord(body) ||
      typeof body.key_id !== 'string' ||
      !body.key_id ||
      typeof body.key !== 'string' ||
      !PUBLIC_KEY.test(body.key)
    )
      throw missingFromResponse(
        operation,
        'usable public key (key_id, and a 32-byte key in base64)',
        body
      )
    return { keyId: body.key_id, key: body.key }
  }

  /** GET …/secrets/{name}: when the secret was last written; its value is never returned. */
  async secretUpdatedAt(name: string, scope: CallScope): Promise<number> {
    const operation = this.operation('Get', 'Secret')
    const body = await this.call(operation, 'GET', `/secrets/${encodeURIComponent(name)}`, scope)
    const updatedAt = isRecord(body) ? Date.parse(String(body.updated_at)) : NaN
    if (Number.isNaN(updatedAt)) throw missingFromResponse(operation, 'updated_at', body)
    return updatedAt
  }

  /** PUT …/secrets/{name} {encrypted_value, key_id}: 201 created, 204 updated. */
  async putSecret(name: string, sealed: string, keyId: string, scope: CallScope): Promise<void> {
    const path = `/secrets/${encodeURIComponent(name)}`
    const body = { encrypted_value: sealed, key_id: keyId }
    await this.call(this.operation('CreateOrUpdate', 'Secret'), 'PUT', path, scope, body)
  }

  /** GET …/variables/{name}; undefined when there is none (404). */
  async variable(name: string, scope: CallScope): Promise<Variable | undefined> {
    const operation = this.operation('Get', 'Variable')
    let body: unknown
    try {
      body = await this.call(operation, 'GET', `/variables/${encodeURIComponent(name)}`, scope)
    } catch (error) {
      if (error instanceof ServiceError && error.kind === 'not-found') return undefined
      throw error
    }
    const updatedAt = isRecord(body) ? Date.parse(String(body.updated_at)) : NaN
    if (!isRecord(body) || typeof body.value !== 'string' || Number.isNaN(updatedAt))
      throw missingFromResponse(operation, 'value and updated_at', body)
    return { value: body.value, updatedAt }
  }

  /** POST …/variables {name, value}; false when it exists already (409). */
  async createVariable(name: string, value: string, scope: CallScope): Promise<boolean> {
    try {
      await this.call(this.operation('Create', 'Variable'), 'POST', '/variables', scope, {
        name,
        value
      })
      return true
    } catch (error) {
      if (error instanceof ServiceError && error.status === 409) return false
      throw error
    }
  }

  /** PATCH …/variables/{name} {name, value}: 204. */
  async updateVariable(name: string, value: string, scope: CallScope): Promise<void> {
    const path = `/variables/${encodeURIComponent(name)}`
    await this.call(this.operation('Update', 'Variable'), 'PATCH', path, scope, { name, value })
  }

  private operation(verb: string, noun: string): string {
    return `${verb}${this.kind}${noun}`
  }

  private call(
    operation: string,
    method: 'GET' | 'PUT' | 'POST' | 'PATCH',
    path: string,
    scope: CallScope,
    body?: Record<string, string>
  ): Promise<unknown> {
    const headers: Record<string, string> = {
      ...HEADERS,
      authorization: `Bearer ${this.settings.token}`
    }
    if (body) headers['content-type'] = 'application/json'
    return callJsonApi(
      {
        operation,
        method,
        url: `${this.base}${path}`,
        headers,
        body: body && JSON.stringify(body),
        timeoutMs: this.config.requestTimeoutMs,
        maxAttempts: this.config.maxAttempts,
        hints: GITHUB_HINTS,
        ...scope
      },
      this.deps
    )
  }
}
