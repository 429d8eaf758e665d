/**
 * The GitHub secret that the SSO session comes from, kept current, with its marker variable beside it
 * (src/auth/marker.ts). Before a renewal: `github-token` may read both, and the marker does not list this
 * copy's refresh token as replaced. After it: the marker first, then the secret, so that no write that fails
 * alone makes a live secret look replaced. Loaded only when a renewal is due (`await import`): it brings libsodium.
 */
import sodium from 'libsodium-wrappers'
import { type ApiDeps, type CallScope, watchForLostAnswers } from '../net/api-call.js'
import { markerVariableName } from '../common/constants.js'
import { ApiError, RenewalError, ReplacedCopyError, isPassing } from '../net/errors.js'
import { GitHubScope, type PublicKey } from './github-api.js'
import type { Transport } from '../net/http-transport.js'
import { MarkerVariable } from './marker-variable.js'
import { SecretWords } from './secret-messages.js'
import { type Handoff, handOn } from './handoff.js'
import {
  type Marker,
  formatMarker,
  judgeCopy,
  markerAfterLogin,
  nextMarker,
  sameMarker,
  sha256
} from './marker.js'
import type { SessionSecretSettings } from '../common/settings.js'

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

/** A refused refresh token: how often, and how far apart, to look for the marker of a job that renewed it. */
const SUPERSEDED_LOOKS = 5
const SUPERSEDED_PAUSE_MS = 500

/** How long a look that only guards against a rare race may hold the step up. */
const BRIEFLY_MS = 5000

/** Keeps the secret an SSO session comes from current. */
export class SessionSecret {
  readonly words: SecretWords
  protected readonly github: GitHubScope
  protected readonly marker: MarkerVariable
  protected key?: PublicKey
  private secretSeen = false

  constructor(
    private readonly config: SessionSecretConfig,
    private readonly deps: ApiDeps
  ) {
    const { secret } = config
    const name = markerVariableName(secret.name)
    this.github = new GitHubScope({ ...secret, token: secret.githubToken }, config, deps)
    this.words = new SecretWords(secret, name)
    this.marker = new MarkerVariable(name, this.github, this.words, deps.now)
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
      return (await this.marker.read(scope)) ?? (await this.marker.create(presented, scope))
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
    let markerError = changed ? await this.marker.tryWrite(value, markerScope) : undefined
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
    if (markerError) markerError = await this.marker.tryWrite(value, scope)
    else if (changed) await this.marker.keepPresentable(renewedHash, this.briefly(scope))
    return markerError ? { markerProblem: this.words.markerNotUpdated(markerError) } : {}
  }

  /**
   * After SSO OIDC refused `refreshToken`: whether another job renewed it and saved (the marker names another
   * refresh token). That job's marker may come a moment after the refusal, so it is looked for a few times.
   */
  async superseded(refreshToken: string, scope: CallScope): Promise<boolean> {
    for (let look = 1; ; look++) {
      if (await this.marker.namesOther(sha256(refreshToken), scope)) return true
      if (look === SUPERSEDED_LOOKS || scope.signal?.aborted) return false
      await this.deps.sleep(SUPERSEDED_PAUSE_MS, scope.signal)
    }
  }

  protected handOn(cacheFile: string): void {
    if (this.config.handoff) handOn(this.config.handoff, cacheFile)
  }

  /** At most a few seconds of `scope`, with the usual retries: for what is worth trying, not waiting for. */
  private briefly(scope: CallScope): CallScope {
    const soon = this.deps.now() + BRIEFLY_MS
    return { signal: scope.signal, deadline: Math.min(scope.deadline ?? soon, soon) }
  }

  /** Seals the value with the scope's key and writes it; a key GitHub has since rotated is read again once. */
  protected async putSecret(value: string, scope: CallScope, transport?: Transport): Promise<void> {
    const github = transport ? this.github.over(transport) : this.github
    const key = (this.key ??= await this.github.publicKey(scope))
    const { name } = this.config.secret
    try {
      await github.putSecret(name, await sealed(value, key), key.keyId, scope)
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind !== 'rejected') throw error
      const fresh = await this.github.publicKey(scope)
      if (fresh.keyId === key.keyId) throw error
      this.key = fresh
      await github.putSecret(name, await sealed(value, fresh), fresh.keyId, scope)
    }
  }

  /** A check's GitHub calls, their failure said as what to fix (checkedCall). */
  protected checked<T>(
    scope: CallScope,
    read: () => Promise<T>,
    before: 'renewal' | 'login' = 'renewal'
  ): Promise<T> {
    return checkedCall(read, error => this.words.checkFailed(error, before), {
      late: () => scope.deadline !== undefined && this.deps.now() >= scope.deadline
    })
  }
}

/** The secret, kept by a login as well: a new session saved the other way round (src/login-main.ts). */
export class LoginSecret extends SessionSecret {
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
        return (await this.marker.read(scope).catch(lenientMarker))?.marker
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
    const markerError = await this.marker.tryWrite(formatMarker(next), scope)
    return markerError ? { markerProblem: this.words.markerNotUpdated(markerError) } : {}
  }
}

/** `value` sealed with libsodium's crypto_box_seal under the scope's public key, in base64, as GitHub takes it. */
async function sealed(value: string, { key }: PublicKey): Promise<string> {
  await sodium.ready
  const box = sodium.crypto_box_seal(
    sodium.from_string(value),
    sodium.from_base64(key, sodium.base64_variants.ORIGINAL)
  )
  return sodium.to_base64(box, sodium.base64_variants.ORIGINAL)
}

/**
 * A check's GitHub calls: a failure becomes a RenewalError (stage check) that says what to fix, except a cancel,
 * or a passing failure once the caller's deadline has passed: those end the step as they end any call.
 */
async function checkedCall<T>(
  read: () => Promise<T>,
  say: (error: ApiError) => string,
  { late }: { late: () => boolean }
): Promise<T> {
  try {
    return await read()
  } catch (error) {
    if (!(error instanceof ApiError) || error.kind === 'cancelled') throw error
    if (late() && isPassing(error.kind)) throw error
    throw new RenewalError(say(error), 'check', isPassing(error.kind), { cause: error })
  }
}

/** Before a login, a marker the action did not write does not matter: the login's save replaces it. */
function lenientMarker(error: unknown): undefined {
  if (error instanceof RenewalError) return undefined
  throw error
}
