/**
 * One renewal of the SSO session, as one unit: check the secret, CreateToken, save the renewed session.
 * Until CreateToken is sent, the job's cancel and the caller's deadline stop it at once, and nothing is spent.
 * Once it is sent, the refresh token is spent, and the unit runs on its own budget, as a database commits or
 * rolls back, never half: neither a deadline nor a cancel cuts it short, until its budget or the time the runner
 * leaves after a cancel runs out.
 */
import type { CallScope } from '../net/api-call.js'
import type { Cancellation } from '../net/cancellation.js'
import { RENEWAL_BUDGET_MS } from '../common/constants.js'
import {
  ApiError,
  CredentialError,
  RenewalError,
  TransportError,
  isPassing
} from '../net/errors.js'
import { formatDuration } from '../common/format.js'
import type { CheckedCopy, SaveResult } from './secret-store.js'
import type { SsoSession } from '../common/settings.js'
import type { MintedToken, RefreshGrant } from './sso-oidc.js'
import { renewedCacheFile } from './sso-session.js'

/** Where each renewed session is saved (src/auth/secret-store.ts). */
export interface SessionStore {
  /** The secret, as a log line names it. */
  readonly place: string
  /** Throws RenewalError (stage check) unless `refreshToken` may be presented and its successor saved. */
  check(refreshToken: string, scope: CallScope): Promise<CheckedCopy>
  /**
   * After SSO OIDC refused `refreshToken`: whether the marker names another one now (another job renewed the
   * session and saved it, so the secret is live); false when that cannot be read.
   */
  superseded(refreshToken: string, scope: CallScope): Promise<boolean>
  /**
   * Throws RenewalError (stage save) when the renewed session could not be saved within `scope`; the marker's
   * first write goes within `markerScope`, a share of it.
   */
  save(
    cacheFile: string,
    checked: CheckedCopy,
    renewed: string,
    scopes: { scope: CallScope; markerScope: CallScope }
  ): Promise<SaveResult>
}

export interface RenewalDeps {
  /** SSO OIDC's CreateToken, loaded when first needed. */
  oidc: () => Promise<{ createToken(grant: RefreshGrant, scope: CallScope): Promise<MintedToken> }>
  /** The secret to save each renewed session to, loaded when first needed; absent without write-back. */
  store?: () => Promise<SessionStore>
  cancellation: Pick<Cancellation, 'signal' | 'onSignal' | 'mustEndBy'>
  now: () => number
  /** Masks a secret before anything can print it. */
  mask: (secret: string) => void
  info: (line: string) => void
}

/** A renewal that happened: the new token, and whether the renewed session was saved. */
export interface Renewal {
  accessToken: string
  /** ms since the epoch. */
  expiresAt: number
  lifetimeMs: number
  refreshToken: string
  /** Whether SSO OIDC replaced the refresh token (the one presented is then spent). */
  rotated: boolean
  /** With write-back: why the renewed session is not in the secret, when it is not. */
  unsaved?: string
  /** With write-back: the session was saved, but its marker could not be updated. */
  markerProblem?: SaveResult['markerProblem']
}

/**
 * Renews `session`, whose newest refresh token is `refreshToken`. Throws RenewalError (stage check, or
 * create-token) when nothing was renewed, and the job's cancel or the caller's deadline as any call does when
 * they come first; a renewal whose save failed is returned with `unsaved` said.
 */
export async function renewSession(
  session: SsoSession,
  refreshToken: string,
  deadline: number | undefined,
  deps: RenewalDeps
): Promise<Renewal> {
  const { signal } = deps.cancellation
  const store = await deps.store?.()
  const saving = store && { store, checked: await store.check(refreshToken, { deadline, signal }) }
  const oidc = await deps.oidc()
  // The last moment to stop: nothing has been spent yet.
  if (signal.aborted)
    throw new TransportError('CreateToken', 'ENOTSENT', 'cancelled before it was sent')
  if (deadline !== undefined && deps.now() >= deadline)
    throw new TransportError('CreateToken', 'ETIMEDOUT', 'its deadline passed before it was sent')
  const shield = ownBudget(deps)
  try {
    const grant = { clientId: session.clientId, clientSecret: session.clientSecret, refreshToken }
    // CreateToken is retried as any call is (max-attempts), within half the budget; the save has the rest.
    const createScope = { ...shield.scope, deadline: shield.share(1 / 2), untilDeadline: false }
    const minted = await oidc.createToken(grant, createScope).catch(async (error: unknown) => {
      const failure = createTokenFailure(error, shield.cutShort())
      if (failure instanceof RenewalError && !failure.passing)
        failure.secretSpent = !(await saving?.store.superseded(refreshToken, shield.scope))
      throw failure
    })
    const renewal = renewalFrom(minted, refreshToken, deps)
    if (saving) Object.assign(renewal, await save(saving, session, renewal, shield, deps))
    return renewal
  } finally {
    shield.dispose()
  }
}

/** The minted token, masked before anything can print it. */
function renewalFrom(minted: MintedToken, presented: string, deps: RenewalDeps): Renewal {
  deps.mask(minted.accessToken)
  if (minted.refreshToken) deps.mask(minted.refreshToken)
  const lifetimeMs = minted.expiresIn * 1000
  deps.info(
    `Renewed the CodeCatalyst access token through SSO OIDC; the new one is valid for ${formatDuration(lifetimeMs)}.`
  )
  const refreshToken = minted.refreshToken ?? presented
  return {
    accessToken: minted.accessToken,
    expiresAt: deps.now() + lifetimeMs,
    lifetimeMs,
    refreshToken,
    rotated: refreshToken !== presented
  }
}

async function save(
  { store, checked }: { store: SessionStore; checked: CheckedCopy },
  session: SsoSession,
  renewal: Renewal,
  shield: ReturnType<typeof ownBudget>,
  deps: RenewalDeps
): Promise<Pick<Renewal, 'unsaved' | 'markerProblem'>> {
  const file = renewedCacheFile(session, renewal)
  // The marker's first write may take a third of what is left, and gives way to the secret on a cancel.
  const markerScope = {
    ...shield.scope,
    deadline: shield.share(1 / 3),
    signal: AbortSignal.any([shield.scope.signal, deps.cancellation.signal])
  }
  try {
    const scopes = { scope: shield.scope, markerScope }
    const { markerProblem } = await store.save(file, checked, renewal.refreshToken, scopes)
    deps.info(`Saved the renewed SSO session to the secret ${store.place}.`)
    return { markerProblem }
  } catch (error) {
    if (!(error instanceof RenewalError)) throw error
    deps.info(
      'Could not save the renewed SSO session; the job goes on with the renewed token, and the step will fail at its end.'
    )
    return { unsaved: error.message }
  }
}

/** A CreateToken that failed, as a RenewalError that says whether trying later may succeed. */
function createTokenFailure(error: unknown, cutShort: string | undefined): unknown {
  if (error instanceof ApiError) {
    const message = cutShort
      ? error.logLineWith(
          `${cutShort}. Its answer may have been lost after SSO OIDC renewed the session, so the refresh ` +
            'token in the secret may be spent; if the next job cannot renew it, log in again.'
        )
      : error.logLine()
    return new RenewalError(message, 'create-token', !cutShort && isPassing(error.kind), {
      cause: error
    })
  }
  if (error instanceof CredentialError)
    return new RenewalError(error.message, 'create-token', false, { cause: error })
  return error
}

/**
 * The unit's own scope once CreateToken is sent: a deadline RENEWAL_BUDGET_MS away, retries for as long as it
 * allows, and a signal that aborts then, or when the runner's grace after a cancel runs out, whichever comes
 * first. `share(f)` is the deadline of a step that may take the fraction `f` of what is left; `cutShort()` says
 * why the signal aborted, if it did.
 */
export function ownBudget(deps: Pick<RenewalDeps, 'now' | 'cancellation' | 'info'>) {
  const controller = new AbortController()
  const deadline = deps.now() + RENEWAL_BUDGET_MS
  let endsAt = Infinity
  let timer: NodeJS.Timeout | undefined
  const endAt = (at: number, why: string) => {
    if (at >= endsAt) return
    endsAt = at
    clearTimeout(timer)
    timer = setTimeout(() => controller.abort(why), Math.max(0, at - deps.now()))
  }
  endAt(deadline, `the renewal's own budget of ${formatDuration(RENEWAL_BUDGET_MS)} ran out`)
  const onCancel = (mustEndBy: number) => {
    deps.info(
      'The SSO session is being renewed, and its old refresh token is spent: finishing the renewal and its ' +
        `save before stopping, for at most ${formatDuration(Math.max(0, mustEndBy - deps.now()))}.`
    )
    endAt(
      mustEndBy,
      'the job was cancelled, and the renewal did not finish in the time the runner leaves after a cancel'
    )
  }
  const stopListening = deps.cancellation.onSignal(onCancel)
  return {
    scope: { deadline, signal: controller.signal, untilDeadline: true } satisfies CallScope,
    share: (fraction: number) =>
      Math.round(deps.now() + (Math.min(endsAt, deadline) - deps.now()) * fraction),
    cutShort: () => (controller.signal.aborted ? String(controller.signal.reason) : undefined),
    dispose: () => {
      clearTimeout(timer)
      stopListening()
    }
  }
}
