/**
 * The GitHub secret that the SSO session comes from, kept current, with its marker variable beside it
 * (src/session-marker.ts). Before a renewal: `github-token` may read both, and the marker does not list this
 * copy's refresh token as replaced. After it: the marker first, then the secret, so that no write that fails
 * alone makes a live secret look replaced. Loaded only when a renewal is due (`await import`): it brings libsodium.
 */
import sodium from 'libsodium-wrappers'
import { type ApiDeps, type CallScope, watchForLostAnswers } from './api-call.js'
import { markerVariableName } from './constants.js'
import { ApiError, RenewalError, ReplacedCopyError, ServiceError, isPassing } from './errors.js'
import { GitHubScope, type PublicKey, type Variable } from './github-api.js'
import type { Transport } from './http-transport.js'
import { SecretWords } from './secret-messages.js'
import { type Handoff, handOn } from './session-handoff.js'
import {
  type Marker,
  formatMarker,
  judgeCopy,
  markerAfterLogin,
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
  /** Where each saved session is handed on to the later steps of this job; none outside a runner. */
  handoff?: Handoff
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

/** How long a look that only guards against a rare race may hold the step up. */
const BRIEFLY_MS = 5000

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
   * secret and its marker, and the marker does not list `refreshToken` as replaced. A marker that does not exist
   * yet is created here, naming this copy: that proves the token may write it before anything is spent. The
   * job's cancel and the caller's deadline end it as they end any call: nothing has been spent.
   */
  async check(refreshToken: string, scope: CallScope): Promise<CheckedCopy> {
    const presented = sha256(refreshToken)
    const found = await this.checked(scope, async () => {
      this.key ??= await this.github.publicKey(scope)
      if (!this.secretSeen) await this.github.secretUpdatedAt(this.config.secret.name, scope)
      this.secretSeen = true
      return (await this.readMarker(scope)) ?? (await this.createMarker(presented, scope))
    })
    const verdict = judgeCopy(presented, found?.marker)
    if (verdict !== 'replaced') return { presented, marker: found?.marker }
    // Said after one more read: whether the secret was written after the marker tells a lost save apart.
    const secretAt = await this.checked(scope, () =>
      this.github.secretUpdatedAt(this.config.secret.name, scope)
    )
    const lostSave = secretAt < (found?.updatedAt ?? 0)
    throw new ReplacedCopyError(this.words.replaced(lostSave), lostSave)
  }

  /**
   * Saves `cacheFile`, the renewed session whose refresh token is `renewed`: the marker first, within
   * `markerScope` (a share of the time, which a cancel ends), then the secret, within `scope`; then the marker
   * again if it could not be written. Throws RenewalError (stage save) when the secret could not be written; a
   * marker that could not be written is reported in the result, since the saved session is still presented.
   */
  async save(
    cacheFile: string,
    checked: CheckedCopy,
    renewed: string,
    { scope, markerScope }: { scope: CallScope; markerScope: CallScope }
  ): Promise<SaveResult> {
    const renewedHash = sha256(renewed)
    const marker = nextMarker(checked.marker, checked.presented, renewedHash)
    const value = formatMarker(marker)
    const changed = !sameMarker(checked.marker, marker)
    let markerError = changed ? await this.tryWriteMarker(value, markerScope) : undefined
    const watched = watchForLostAnswers(this.deps.transport)
    try {
      await this.putSecret(cacheFile, scope, watched.transport)
    } catch (error) {
      const passing = error instanceof ApiError && isPassing(error.kind)
      // Cut short by the renewal's own budget or the runner's grace after a cancel: the signal says which.
      const cutShort = scope.signal?.aborted ? String(scope.signal.reason) : undefined
      const message = this.words.notSaved(error, watched.mayHaveLanded(), cutShort)
      throw new RenewalError(message, 'save', passing, { cause: error })
    }
    this.handOn(cacheFile)
    if (markerError) markerError = await this.tryWriteMarker(value, scope)
    else if (changed) await this.keepPresentable(renewedHash, this.briefly(scope))
    return markerError ? { markerProblem: this.words.markerNotUpdated(markerError) } : {}
  }

  /** Whether the marker now names another refresh token than `refreshToken`; false when it cannot be read. */
  async superseded(refreshToken: string, scope: CallScope): Promise<boolean> {
    const found = await this.readMarker(scope).catch(() => undefined)
    return found !== undefined && found.marker.current !== sha256(refreshToken)
  }

  /**
   * Before a login: throws RenewalError (stage check) unless `github-token` can read the scope's key and the
   * marker, so that no one is asked to approve a login that cannot be saved for want of them. The secret may not
   * exist yet; a marker the action did not write is replaced by the save.
   */
  async checkForLogin(scope: CallScope): Promise<Marker | undefined> {
    return this.checked(
      scope,
      async () => {
        this.key ??= await this.github.publicKey(scope)
        return (await this.readMarker(scope).catch(lenientMarker))?.marker
      },
      'login'
    )
  }

  /**
   * Saves a new login: the secret first (created if there is none), then the marker, which names the new
   * refresh token and lists the one it named as replaced. In that order, a secret that could not be written
   * leaves the stored session as it was (it is live: nothing spent it), and a marker that could not be written
   * has never seen the new refresh token, so the next job presents it. Throws RenewalError (stage save).
   */
  async saveLogin(
    cacheFile: string,
    refreshToken: string,
    marker: Marker | undefined,
    scope: CallScope
  ): Promise<SaveResult> {
    try {
      await this.putSecret(cacheFile, scope)
    } catch (error) {
      const passing = error instanceof ApiError && isPassing(error.kind)
      throw new RenewalError(this.words.loginNotSaved(error), 'save', passing, { cause: error })
    }
    this.handOn(cacheFile)
    const next = markerAfterLogin(marker, sha256(refreshToken))
    const markerError = await this.tryWriteMarker(formatMarker(next), scope)
    return markerError ? { markerProblem: this.words.markerNotUpdated(markerError) } : {}
  }

  /** The marker and when it was written; undefined when there is none. */
  private async readMarker(scope: CallScope) {
    const variable: Variable | undefined = await this.github.variable(this.marker, scope)
    if (variable === undefined) return undefined
    const marker = parseMarker(variable.value)
    if (!marker) throw new RenewalError(this.words.foreignMarker(), 'check', false)
    return { marker, updatedAt: variable.updatedAt }
  }

  private handOn(cacheFile: string): void {
    if (this.config.handoff) handOn(this.config.handoff, cacheFile)
  }

  /** At most a few seconds of `scope`, with the usual retries: for what is worth trying, not waiting for. */
  private briefly(scope: CallScope): CallScope {
    const soon = this.deps.now() + BRIEFLY_MS
    return { signal: scope.signal, deadline: Math.min(scope.deadline ?? soon, soon) }
  }

  /** The marker written (a PATCH, a POST where there is none); the error if it could not be. */
  private async tryWriteMarker(value: string, scope: CallScope): Promise<ApiError | undefined> {
    try {
      await this.writeMarker(value, scope)
      return undefined
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      return error
    }
  }

  private async writeMarker(value: string, scope: CallScope): Promise<void> {
    try {
      await this.github.updateVariable(this.marker, value, scope)
    } catch (error) {
      // Deleted meanwhile, or never created: create it; one created since is replaced as a PATCH replaces it.
      if (!(error instanceof ServiceError) || error.kind !== 'not-found') throw error
      if (!(await this.github.createVariable(this.marker, value, scope)))
        await this.github.updateVariable(this.marker, value, scope)
    }
  }

  /** Creates the marker, naming the copy this job holds; a marker created meanwhile is read instead. */
  private async createMarker(presented: string, scope: CallScope) {
    const marker: Marker = { current: presented, replaced: [] }
    if (await this.github.createVariable(this.marker, formatMarker(marker), scope))
      return { marker, updatedAt: this.deps.now() }
    return this.readMarker(scope)
  }

  /**
   * After a save: if another writer's marker came between this job's marker and its secret (a login stored
   * meanwhile), the secret may hold either session; take this one off the replaced list, so neither is refused.
   */
  private async keepPresentable(renewed: string, scope: CallScope): Promise<void> {
    try {
      const now = await this.readMarker(scope)
      if (!now || now.marker.current === renewed || !now.marker.replaced.includes(renewed)) return
      const replaced = now.marker.replaced.filter(hash => hash !== renewed)
      await this.writeMarker(formatMarker({ ...now.marker, replaced }), scope)
    } catch {
      // Best effort: the marker as another writer left it refuses at most this job's own renewed copy.
    }
  }

  /** Seals the value with the scope's key and writes it; a key GitHub has since rotated is read again once. */
  private async putSecret(value: string, scope: CallScope, transport?: Transport): Promise<void> {
    const github = transport ? this.github.over(transport) : this.github
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
      await github.putSecret(name, seal(key), key.keyId, scope)
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind !== 'rejected') throw error
      const fresh = await this.github.publicKey(scope)
      if (fresh.keyId === key.keyId) throw error
      this.key = fresh
      await github.putSecret(name, seal(fresh), fresh.keyId, scope)
    }
  }

  /**
   * A check's GitHub calls: a failure becomes a RenewalError that says what to fix, except a cancel or the
   * caller's deadline, which end the step as they end any call.
   */
  private async checked<T>(
    scope: CallScope,
    read: () => Promise<T>,
    before: 'renewal' | 'login' = 'renewal'
  ): Promise<T> {
    try {
      return await read()
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind === 'cancelled') throw error
      // Cut by the caller's deadline: the caller says so as it says of any call (a wait that timed out).
      const late = scope.deadline !== undefined && this.deps.now() >= scope.deadline
      if (late && isPassing(error.kind)) throw error
      throw new RenewalError(
        this.words.checkFailed(error, before),
        'check',
        isPassing(error.kind),
        {
          cause: error
        }
      )
    }
  }
}

/** Before a login, a marker the action did not write does not matter: the login's save replaces it. */
function lenientMarker(error: unknown): undefined {
  if (error instanceof RenewalError) return undefined
  throw error
}
