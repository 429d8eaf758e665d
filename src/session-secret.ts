/**
 * The GitHub secret that the SSO session comes from, kept current. Before a renewal: `github-token` may use
 * the secret, and the secret holds no newer session than this job's copy. After it: the renewed session,
 * sealed with the scope's public key, replaces the secret's value.
 * Loaded only when a renewal is due (`await import`): it brings @actions/github and libsodium.
 */
import { getOctokit } from '@actions/github'
import sodium from 'libsodium-wrappers'
import { type ApiDeps, checkStatus, missingFromResponse, retried } from './api-call.js'
import {
  GITHUB_TOKEN_PERMISSIONS,
  Inputs,
  SAVED_AT_SLACK_MS,
  SSO_LOGIN_COMMAND
} from './constants.js'
import type { SessionKeeper } from './credentials.js'
import {
  ApiError,
  CredentialError,
  type ErrorHints,
  HINT_401,
  HINT_5XX,
  ServiceError,
  TransportError
} from './errors.js'
import { isoSeconds } from './format.js'
import type { Transport } from './http-transport.js'
import type { SessionSecretSettings } from './settings.js'

export interface SessionSecretConfig {
  secret: SessionSecretSettings
  maxAttempts: number
  requestTimeoutMs: number
  userAgent: string
  /** When this step started (ms since the epoch, this machine's clock). */
  startedAt: number
}

const API_VERSION = { 'x-github-api-version': '2022-11-28' }

const GITHUB_HINTS: ErrorHints = {
  [HINT_401]: `GitHub did not accept '${Inputs.GitHubToken}'.`,
  [HINT_5XX]: 'GitHub or something in front of it failed.'
}

/** The scope's public key, and GitHub's clock when it answered (ms since the epoch). */
interface PublicKey {
  keyId: string
  key: Uint8Array
  githubNow: number
}

/** Reads and writes the session's secret through GitHub's REST API, on the action's transport and retries. */
export class SessionSecret implements SessionKeeper {
  private readonly octokit: ReturnType<typeof getOctokit>
  private readonly secret: SessionSecretSettings

  constructor(
    private readonly config: SessionSecretConfig,
    private readonly deps: ApiDeps
  ) {
    this.secret = config.secret
    this.octokit = getOctokit(this.secret.githubToken, {
      baseUrl: this.secret.apiUrl,
      userAgent: config.userAgent
    })
  }

  /**
   * Fails (CredentialError) when `github-token` cannot read the secret and its scope's key, or when the
   * secret was saved again after this job's copy (`copySavedAt`; a copy stored by hand counts from the
   * start of this step): that copy's refresh token is then most likely spent, and presenting it again
   * could harm the newer session.
   */
  async checkBeforeRenewal(copySavedAt: number | undefined, deadline?: number): Promise<void> {
    const started = this.deps.now()
    const { githubNow } = await this.preflight(() => this.publicKey(deadline))
    const updatedAt = await this.preflight(() => this.updatedAt(deadline))
    // A copy stored by hand: by GitHub's clock, when this step started.
    const reference = copySavedAt ?? this.config.startedAt + (githubNow - started)
    if (updatedAt <= reference + SAVED_AT_SLACK_MS) return
    const copy =
      copySavedAt === undefined
        ? 'the copy this job was given'
        : `this job's copy (saved at ${isoSeconds(copySavedAt)})`
    throw new CredentialError(
      `The secret ${this.place} was saved again at ${isoSeconds(updatedAt)}, after ${copy}: another job ` +
        "renewed the SSO session after this job started, so this copy's refresh token is probably spent, and it " +
        'was not used. Re-run this job: it picks up the renewed session.'
    )
  }

  /** Saves the session that `cacheFile` writes, given when it is saved; returns that time (GitHub's clock). */
  async save(cacheFile: (savedAt: number) => string, deadline?: number): Promise<number> {
    try {
      // Reading the key has made libsodium ready.
      const { keyId, key, githubNow } = await this.publicKey(deadline)
      const sealed = sodium.crypto_box_seal(sodium.from_string(cacheFile(githubNow)), key)
      await this.put(sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL), keyId, deadline)
      return githubNow
    } catch (error) {
      throw new CredentialError(this.notSaved(error), { cause: error })
    }
  }

  get place(): string {
    const { name, environment, owner, repo } = this.secret
    return environment === undefined
      ? `${name} of ${owner}/${repo}`
      : `${name} of environment '${environment}' in ${owner}/${repo}`
  }

  private async publicKey(deadline?: number): Promise<PublicKey> {
    const { owner, repo, environment } = this.secret
    const operation = environment === undefined ? 'GetRepoPublicKey' : 'GetEnvironmentPublicKey'
    const response = await this.call(operation, deadline, request =>
      environment === undefined
        ? this.octokit.rest.actions.getRepoPublicKey({ owner, repo, headers: API_VERSION, request })
        : this.octokit.rest.actions.getEnvironmentPublicKey({
            owner,
            repo,
            environment_name: environment,
            headers: API_VERSION,
            request
          })
    )
    await sodium.ready
    let key: Uint8Array | undefined
    try {
      key = sodium.from_base64(response.data.key, sodium.base64_variants.ORIGINAL)
    } catch {
      key = undefined
    }
    if (!key || key.length !== sodium.crypto_box_PUBLICKEYBYTES || !response.data.key_id)
      throw missingFromResponse(
        operation,
        'usable public key (key_id, and a 32-byte key in base64)',
        response.data
      )
    const date = Date.parse(response.headers.date ?? '')
    return {
      keyId: response.data.key_id,
      key,
      githubNow: Number.isNaN(date) ? this.deps.now() : date
    }
  }

  /** When the secret was last written, by GitHub's clock. */
  private async updatedAt(deadline?: number): Promise<number> {
    const { owner, repo, environment, name } = this.secret
    const response =
      environment === undefined
        ? await this.call('GetRepoSecret', deadline, request =>
            this.octokit.rest.actions.getRepoSecret({
              owner,
              repo,
              secret_name: name,
              headers: API_VERSION,
              request
            })
          )
        : await this.call('GetEnvironmentSecret', deadline, request =>
            this.octokit.rest.actions.getEnvironmentSecret({
              owner,
              repo,
              environment_name: environment,
              secret_name: name,
              headers: API_VERSION,
              request
            })
          )
    const updatedAt = Date.parse(response.data.updated_at)
    if (Number.isNaN(updatedAt))
      throw missingFromResponse(
        environment === undefined ? 'GetRepoSecret' : 'GetEnvironmentSecret',
        'updated_at',
        response.data
      )
    return updatedAt
  }

  private async put(encrypted_value: string, key_id: string, deadline?: number): Promise<void> {
    const { owner, repo, environment, name } = this.secret
    if (environment === undefined)
      await this.call('CreateOrUpdateRepoSecret', deadline, request =>
        this.octokit.rest.actions.createOrUpdateRepoSecret({
          owner,
          repo,
          secret_name: name,
          encrypted_value,
          key_id,
          headers: API_VERSION,
          request
        })
      )
    else
      await this.call('CreateOrUpdateEnvironmentSecret', deadline, request =>
        this.octokit.rest.actions.createOrUpdateEnvironmentSecret({
          owner,
          repo,
          environment_name: environment,
          secret_name: name,
          encrypted_value,
          key_id,
          headers: API_VERSION,
          request
        })
      )
  }

  /**
   * One octokit call on the action's transport, with its retries, timeouts and deadline. The fetch that
   * octokit is handed throws the action's own errors; octokit wraps them, and they are unwrapped here.
   */
  private call<T>(
    operation: string,
    deadline: number | undefined,
    send: (request: { fetch: typeof fetch }) => Promise<T>
  ): Promise<T> {
    const limits = {
      maxAttempts: this.config.maxAttempts,
      timeoutMs: this.config.requestTimeoutMs,
      deadline
    }
    return retried(operation, limits, this.deps, async timeoutMs => {
      try {
        return await send({
          fetch: fetchOver(this.deps.transport, operation, timeoutMs, this.deps.signal)
        })
      } catch (error) {
        const cause: unknown = error instanceof Error ? error.cause : undefined
        throw cause instanceof ApiError ? cause : error
      }
    })
  }

  /** A failed check before a renewal, said as what to fix; nothing has been renewed yet. */
  private async preflight<T>(check: () => Promise<T>): Promise<T> {
    try {
      return await check()
    } catch (error) {
      if (!(error instanceof ServiceError)) {
        if (!(error instanceof ApiError)) throw error
        throw new CredentialError(
          `${error.logLine()}\nCould not read the secret ${this.place} before renewing the SSO session, so ` +
            'nothing was renewed and the session in the secret is still good: re-run the job later.',
          { cause: error }
        )
      }
      throw new CredentialError(
        `${error.logLine()}\n${this.accessProblem(error)} ${NOTHING_RENEWED}`,
        {
          cause: error
        }
      )
    }
  }

  /** What a 401, 403 or 404 from GitHub means for this secret, and what to do. */
  private accessProblem(error: ServiceError): string {
    const { name, environment, owner, repo } = this.secret
    if (error.status === 401)
      return (
        `GitHub did not accept '${Inputs.GitHubToken}': it has expired or was revoked. Create a new one, ` +
        `${GITHUB_TOKEN_PERMISSIONS}, and store it in the secret you pass as '${Inputs.GitHubToken}'.`
      )
    if (error.status === 403) return this.permissionProblem()
    if (error.status !== 404) return `GitHub refused to read the secret ${this.place}.`
    if (error.operation.endsWith('PublicKey'))
      return environment === undefined
        ? `GitHub found no repository ${owner}/${repo} that '${Inputs.GitHubToken}' can see: give the token ` +
            'access to this repository (a fine-grained token lists the repositories it may access; an App must be installed on it).'
        : `GitHub found no environment '${environment}' in ${owner}/${repo} that '${Inputs.GitHubToken}' can see: ` +
            `check '${Inputs.SsoSessionSecretEnvironment}', and that the token may access this repository.`
    return (
      `There is no secret ${name} in ${environment === undefined ? `repository ${owner}/${repo}` : `environment '${environment}' of ${owner}/${repo}`}: ` +
      `'${Inputs.SsoSessionSecret}' must name the secret that '${Inputs.SsoSession}' comes from` +
      (environment === undefined
        ? ` (for an environment secret, set '${Inputs.SsoSessionSecretEnvironment}' too).`
        : `, and '${Inputs.SsoSessionSecretEnvironment}' its environment.`)
    )
  }

  private permissionProblem(): string {
    return (
      `'${Inputs.GitHubToken}' may not read or write the secret ${this.place}: it must be ${GITHUB_TOKEN_PERMISSIONS}. ` +
      "The job's GITHUB_TOKEN can never write secrets: if that is the token passed (secrets.GITHUB_TOKEN or " +
      'github.token), pass a personal access token or a GitHub App installation token instead.'
    )
  }

  /** Why a renewed session could not be saved, what that costs, and what to do. */
  private notSaved(error: unknown): string {
    const why = error instanceof ApiError ? error.logLine() : String(error)
    const fix =
      error instanceof ServiceError && error.status === 403
        ? `give '${Inputs.GitHubToken}' write access (it could read the secret but not write it): ${GITHUB_TOKEN_PERMISSIONS}`
        : error instanceof ServiceError && error.status === 401
          ? `replace '${Inputs.GitHubToken}': GitHub no longer accepts it`
          : error instanceof TransportError && error.cancelled
            ? 'nothing else needs fixing: the job was cancelled while it was saving'
            : 'if GitHub was unavailable, nothing else needs fixing'
    return (
      `The renewed SSO session could not be saved to the secret ${this.place}: ${why}\n` +
      "The secret's refresh token is probably spent (SSO OIDC accepts each refresh token once), so the next " +
      `job's renewal will most likely fail. To recover: log in again (${SSO_LOGIN_COMMAND}), store the new ` +
      `cache file in ${this.secret.name} (see Authentication in the README), and ${fix}.`
    )
  }
}

const NOTHING_RENEWED = 'Nothing was renewed, so the SSO session in the secret is untouched.'

/**
 * A fetch for octokit over the action's transport: one request, with its timeout, the job's cancellation,
 * HTTPS_PROXY/NO_PROXY, no redirects followed, and any answer that is not a 2xx thrown as the action's error.
 */
function fetchOver(
  transport: Transport,
  operation: string,
  timeoutMs: number,
  signal?: AbortSignal
): typeof fetch {
  return async (url, init) => {
    const response = await transport({
      operation,
      method: init?.method === 'PUT' ? 'PUT' : 'GET',
      url: url instanceof Request ? url.url : String(url),
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? init.body : undefined,
      timeoutMs,
      signal
    })
    checkStatus(operation, response, GITHUB_HINTS)
    const headers = new Headers()
    for (const [name, value] of Object.entries(response.headers))
      for (const one of [value ?? []].flat()) headers.append(name, one)
    const empty = response.status === 204 || response.status === 205
    return new Response(empty ? null : response.body, { status: response.status, headers })
  }
}
