/**
 * The GitHub secret that the SSO session comes from, kept current, with its marker variable beside it
 * (src/session-marker.ts). Before a renewal: `github-token` may read both, and the marker does not list this
 * copy's refresh token as replaced. After it: the marker first, then the secret, so that no write that fails
 * alone makes a live secret look replaced. Loaded only when a renewal is due (`await import`): it brings libsodium.
 */
import sodium from 'libsodium-wrappers'
import type { ApiDeps, CallScope } from './api-call.js'
import { markerVariableName } from './constants.js'
import { ApiError, RenewalError, isPassing } from './errors.js'
import { GitHubScope, type PublicKey, type Variable } from './github-api.js'
import { SecretWords } from './secret-messages.js'
import {
  type Marker,
  formatMarker,
  judgeCopy,
  nextMarker,
  parseMarker,
  sameMarker,
  sha256
} from './session-marker.js'
import type { SessionSecretSettings } from './settings.js'

export interface SessionSecretConfig {
  secret: SessionSecretSettings
  maxAttempts: number
  requestTimeoutMs: number
}

/** What a check learned, for the save that follows it. */
export interface CheckedCopy {
  /** SHA-256 of the refresh token that the renewal presents. */
  presented: string
  /** The marker as it stood; undefined when there is none yet. */
  marker?: Marker
}

/** A save that reached the secret; `markerProblem` when the marker could not be brought up to date. */
export interface SaveResult {
  markerProblem?: { message: string; fatal: boolean }
}

/** Keeps the secret an SSO session comes from current. */
export class SessionSecret {
  readonly words: SecretWords
  private readonly github: GitHubScope
  private readonly marker: string
  private key?: PublicKey
  private secretSeen = false

  constructor(
    private readonly config: SessionSecretConfig,
    private readonly deps: ApiDeps
  ) {
    const { secret } = config
    this.marker = markerVariableName(secret.name)
    this.github = new GitHubScope({ ...secret, token: secret.githubToken }, config, deps)
    this.words = new SecretWords(secret, this.marker)
  }

  /** The secret, as a log line names it. */
  get place(): string {
    return this.words.place
  }

  /**
   * Before a renewal: throws RenewalError (stage check) unless `github-token` can read the scope's key, the
   * secret and its marker, and the marker does not list `refreshToken` as replaced. The job's cancel and the
   * caller's deadline end it as they end any call: nothing has been spent.
   */
  async check(refreshToken: string, scope: CallScope): Promise<CheckedCopy> {
    const presented = sha256(refreshToken)
    const marker = await this.checked(scope, async () => {
      this.key ??= await this.github.publicKey(scope)
      if (!this.secretSeen) await this.github.secretUpdatedAt(this.config.secret.name, scope)
      this.secretSeen = true
      return this.readMarker(scope)
    })
    if (judgeCopy(presented, marker?.marker) !== 'replaced')
      return { presented, marker: marker?.marker }
    // Said after one more read: whether the secret was written after the marker tells a lost save apart.
    const secretAt = await this.checked(scope, () =>
      this.github.secretUpdatedAt(this.config.secret.name, scope)
    )
    throw new RenewalError(this.words.replaced(secretAt < (marker?.updatedAt ?? 0)), 'check', false)
  }

  /**
   * Saves `cacheFile`, the renewed session whose refresh token is `renewed`: the marker first (created if there
   * is none), then the secret. Throws RenewalError (stage save) when the secret could not be written; a marker
   * that could not be written is reported in the result, since the saved session is still presented.
   */
  async save(
    cacheFile: string,
    checked: CheckedCopy,
    renewed: string,
    scope: CallScope
  ): Promise<SaveResult> {
    const marker = nextMarker(checked.marker, checked.presented, sha256(renewed))
    let result: SaveResult = {}
    if (!sameMarker(checked.marker, marker)) {
      try {
        await this.writeMarker(formatMarker(marker), checked.marker !== undefined, scope)
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        result = { markerProblem: this.words.markerNotUpdated(error) }
      }
    }
    try {
      await this.putSecret(cacheFile, scope)
    } catch (error) {
      const passing = error instanceof ApiError && isPassing(error.kind)
      // Cut short by the renewal's own budget or the runner's grace after a cancel: the signal says which.
      const cutShort = scope.signal?.aborted ? String(scope.signal.reason) : undefined
      throw new RenewalError(this.words.notSaved(error, cutShort), 'save', passing, {
        cause: error
      })
    }
    return result
  }

  /** The marker and when it was written; undefined when there is none. */
  private async readMarker(scope: CallScope) {
    const variable: Variable | undefined = await this.github.variable(this.marker, scope)
    if (variable === undefined) return undefined
    const marker = parseMarker(variable.value)
    if (!marker) throw new RenewalError(this.words.foreignMarker(), 'check', false)
    return { marker, updatedAt: variable.updatedAt }
  }

  private async writeMarker(value: string, exists: boolean, scope: CallScope): Promise<void> {
    // One created since it was read (a job with another copy): it is replaced, as a PATCH replaces it.
    if (!exists && (await this.github.createVariable(this.marker, value, scope))) return
    await this.github.updateVariable(this.marker, value, scope)
  }

  /** Seals the value with the scope's key and writes it; a key GitHub has since rotated is read again once. */
  private async putSecret(value: string, scope: CallScope): Promise<void> {
    const key = (this.key ??= await this.github.publicKey(scope))
    await sodium.ready
    const seal = ({ key: base64 }: PublicKey) =>
      sodium.to_base64(
        sodium.crypto_box_seal(
          sodium.from_string(value),
          sodium.from_base64(base64, sodium.base64_variants.ORIGINAL)
        ),
        sodium.base64_variants.ORIGINAL
      )
    const { name } = this.config.secret
    try {
      await this.github.putSecret(name, seal(key), key.keyId, scope)
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind !== 'rejected') throw error
      const fresh = await this.github.publicKey(scope)
      if (fresh.keyId === key.keyId) throw error
      this.key = fresh
      await this.github.putSecret(name, seal(fresh), fresh.keyId, scope)
    }
  }

  /**
   * A check's GitHub calls: a failure becomes a RenewalError that says what to fix, except a cancel or the
   * caller's deadline, which end the step as they end any call.
   */
  private async checked<T>(scope: CallScope, read: () => Promise<T>): Promise<T> {
    try {
      return await read()
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind === 'cancelled') throw error
      if (scope.deadline !== undefined && this.deps.now() >= scope.deadline) throw error
      throw new RenewalError(this.words.checkFailed(error), 'check', isPassing(error.kind), {
        cause: error
      })
    }
  }
}
