/**
 * Where each request's bearer token comes from: a plain token, used as given, or an AWS CLI SSO session,
 * whose short-lived access token is renewed through SSO OIDC before it ends and whenever CodeCatalyst
 * says it has expired.
 */
import {
  EARLY_CHECK_MS,
  EARLY_RENEWAL_RETRY_MS,
  Inputs,
  LOG_IN_AGAIN,
  SSO_MANDATORY_WINDOW_MS,
  SSO_REFRESH_WINDOW_MS
} from '../common/constants.js'
import { ApiError, CredentialError, RenewalError, type ServiceError } from '../net/errors.js'
import { formatDuration, isoDate } from '../common/format.js'
import { type Renewal, type RenewalDeps, renewSession } from './renewal.js'
import type { CredentialSettings, SsoSession } from '../common/settings.js'
import { SHOWN, untrusted } from '../net/safe-text.js'

export interface Credentials {
  /** A token to send now: renewed first (by `deadline`, if given) when it ends within the refresh window. */
  token(deadline?: number): Promise<string>
  /** Whether a request that CodeCatalyst refused this way is worth one renewal and one repeat. */
  renewsAfter(rejected: ServiceError): boolean
  /** After CodeCatalyst rejected the token (`rejected`): a renewed one, or an error that says what to do. */
  renew(rejected: ServiceError, deadline?: number): Promise<string>
  /** What the step says of the session at its end; nothing for a plain token. */
  report(): SessionReport | undefined
}

/**
 * A rejection that a renewed token can cure: 401, or a 403 that says the token expired.
 * (The model lists no 401; which of the two an expired token gets is not documented.)
 */
export function isRejectedToken(error: ServiceError): boolean {
  if (error.status === 401) return true
  return (
    error.status === 403 &&
    (error.type === 'ExpiredTokenException' || /expired/i.test(error.serviceMessage ?? ''))
  )
}

/**
 * CodeCatalyst's only modeled auth error. An ended token and a missing project role both get it, so with an
 * SSO session it is worth one renewal (AWS's own toolkit reads it as "needs a new login").
 */
export function isAccessDenied(error: ServiceError): boolean {
  return error.status === 403 && error.type === 'AccessDeniedException'
}

/** The renewed token was refused too: both causes a 403 can have, and what to do about each. */
export function refusedAfterRenewal(error: ServiceError): CredentialError {
  return new CredentialError(
    `${error.logLine()}\nCodeCatalyst refused the renewed token too. Either the user of the SSO session lacks a ` +
      'role in the project that may run workflows (Contributor or Project administrator): give it one; or the ' +
      "session's CodeCatalyst access has ended (AWS Builder ID ends it after some days even while renewals still " +
      `succeed): ${LOG_IN_AGAIN}.`,
    { cause: error }
  )
}

/** A bearer token given as is (the `token` input or AWS_BEARER_TOKEN_CODECATALYST): nothing to renew. */
export class StaticCredentials implements Credentials {
  constructor(
    private readonly value: string,
    /** Where it came from, as the user would name it. */
    private readonly source: string
  ) {}

  token(): Promise<string> {
    return Promise.resolve(this.value)
  }

  report(): undefined {
    return undefined
  }

  /** Only a rejection that says the token expired: the answer then says that a plain token cannot be renewed. */
  renewsAfter(rejected: ServiceError): boolean {
    return isRejectedToken(rejected)
  }

  renew(rejected: ServiceError): Promise<string> {
    return Promise.reject(
      new CredentialError(
        `${rejected.logLine()}\nThe bearer token from ${this.source} has expired or is not accepted, and a ` +
          `plain token cannot be renewed (SSO access tokens last about an hour). Pass the SSO session instead, ` +
          `with '${Inputs.SsoSession}', and the action renews the token by itself: see Authentication in the README.`
      )
    )
  }
}

/** What a step says of its SSO session at its end: the outputs session-renewed and session-saved, and why it fails. */
export interface SessionReport {
  renewed: boolean
  /** With write-back: whether the secret holds a session the next job can renew. */
  saved?: boolean
  /** Why the step must fail although its own work succeeded: a renewed session that was not saved. */
  failure?: string
}

export interface SsoDeps extends RenewalDeps {
  /** A warning annotation, under `title`. */
  warning: (line: string, title: string) => void
}

/** Said on every renewal that cannot be saved: the stored refresh token has just been spent. */
export const NOT_SAVED_WARNING =
  "SSO OIDC replaced the session's refresh token, and the one stored in the secret is probably spent (each is " +
  `accepted once): the next job's renewal will fail unless '${Inputs.SsoSessionSecret}' and '${Inputs.GitHubToken}' ` +
  'are set, so that the action saves every renewed session (see Authentication in the README).'

/**
 * The access token of an SSO session. The cached one is used while it has at least 15 minutes to live
 * (botocore's window); then one is minted with the refresh token, and renewed again when a quarter of its
 * lifetime (at most 15 minutes) is left. Such an early renewal that fails having spent nothing is not fatal:
 * the step goes on with the token it has, until less than 10 minutes (a sixth of its lifetime) are left.
 */
export class SsoCredentials implements Credentials {
  private accessToken?: string
  private expiresAt: number
  private windows = { advisory: SSO_REFRESH_WINDOW_MS, mandatory: SSO_MANDATORY_WINDOW_MS }
  private refreshToken: string
  private minting?: Promise<string>
  private renewals = 0
  private unsavedReason?: string
  private markerFailure?: string
  /** SSO OIDC refused the refresh token: it is never presented again. */
  private refused?: RenewalError
  /** A failure showed that the secret holds no session the next job can renew. */
  private secretSpent = false
  /** No early renewal is tried before this (ms since the epoch), after one failed. */
  private nextEarlyAt = 0
  private warnedEarly = false

  constructor(
    private readonly session: SsoSession,
    private readonly deps: SsoDeps
  ) {
    this.accessToken = session.accessToken
    this.expiresAt = session.expiresAt ?? 0
    this.refreshToken = session.refreshToken
  }

  report(): SessionReport {
    const failure = [this.unsavedReason, this.markerFailure].filter(Boolean).join('\n')
    return {
      renewed: this.renewals > 0,
      saved: this.deps.store && this.unsavedReason === undefined && !this.secretSpent,
      failure: failure || undefined
    }
  }

  renewsAfter(rejected: ServiceError): boolean {
    return isRejectedToken(rejected) || isAccessDenied(rejected)
  }

  async token(deadline?: number): Promise<string> {
    const left = this.expiresAt - this.deps.now()
    if (this.accessToken && left >= this.windows.advisory) return this.accessToken
    if (this.accessToken && left >= this.windows.mandatory)
      return this.early(this.accessToken, deadline)
    return this.mint(deadline)
  }

  renew(_rejected?: ServiceError, deadline?: number): Promise<string> {
    return this.mint(deadline)
  }

  /**
   * An early renewal: one that fails having spent nothing leaves the step on the token it has. Its check gets
   * at most half the time the caller has left, so that the request it came before still fits.
   */
  private async early(current: string, deadline?: number): Promise<string> {
    const now = this.deps.now()
    if (this.refused || now < this.nextEarlyAt) return current
    const checkBy = Math.min(
      now + EARLY_CHECK_MS,
      deadline === undefined ? Infinity : (now + deadline) / 2
    )
    try {
      return await this.mint(checkBy)
    } catch (error) {
      // What stopped before CreateToken was sent (a RenewalError of the check, or the check cut short by its
      // deadline) or at CreateToken spent nothing the step knows of; a cancel is no such failure.
      const cancelled = !(error instanceof ApiError) || error.kind === 'cancelled'
      if (!(error instanceof RenewalError) && cancelled) throw error
      const passing = error instanceof RenewalError ? error.passing : true
      // What passes is tried again in a minute; what does not, only once the token must be renewed (a refused
      // refresh token, never again: see renewOnce).
      const retryAt = Math.min(this.deps.now() + EARLY_RENEWAL_RETRY_MS, this.mandatoryAt())
      this.nextEarlyAt = passing ? retryAt : this.mandatoryAt()
      this.sayEarlyFailure(error, passing)
      return current
    }
  }

  private mandatoryAt(): number {
    return this.expiresAt - this.windows.mandatory
  }

  private sayEarlyFailure(error: Error, passing: boolean): void {
    const left = formatDuration(this.expiresAt - this.deps.now())
    const why = error instanceof ApiError ? error.logLine() : error.message
    const line =
      `Could not renew the SSO session ahead of time: ${why}\nThe step goes on with the current ` +
      `access token, which is valid for ${left} more, and tries again ` +
      `${passing ? 'in a minute' : 'when the token must be renewed'}.`
    if (this.warnedEarly) this.deps.info(line)
    else this.deps.warning(line, 'CodeCatalyst SSO session not renewed ahead of time')
    this.warnedEarly = true
  }

  /** One renewal at a time: concurrent callers share it. */
  private mint(deadline?: number): Promise<string> {
    if (this.refused) return Promise.reject(this.refused)
    this.minting ??= this.renewOnce(deadline).finally(() => (this.minting = undefined))
    return this.minting
  }

  private async renewOnce(deadline?: number): Promise<string> {
    let renewal: Renewal
    try {
      renewal = await renewSession(this.session, this.refreshToken, deadline, this.deps)
    } catch (error) {
      if (error instanceof RenewalError && error.stage === 'create-token' && !error.passing)
        this.refused = error
      if (error instanceof RenewalError && error.secretSpent) this.secretSpent = true
      throw error
    }
    this.renewals++
    this.refreshToken = renewal.refreshToken
    this.accessToken = renewal.accessToken
    this.expiresAt = renewal.expiresAt
    this.windows = {
      advisory: Math.min(SSO_REFRESH_WINDOW_MS, renewal.lifetimeMs / 4),
      mandatory: Math.min(SSO_MANDATORY_WINDOW_MS, renewal.lifetimeMs / 6)
    }
    this.nextEarlyAt = 0
    this.unsavedReason = renewal.unsaved
    const { markerProblem } = renewal
    if (markerProblem && !markerProblem.fatal)
      this.deps.warning(markerProblem.message, 'CodeCatalyst SSO session marker not updated')
    this.markerFailure = markerProblem?.fatal ? markerProblem.message : undefined
    if (!this.deps.store && renewal.rotated)
      this.deps.warning(NOT_SAVED_WARNING, 'CodeCatalyst SSO session not saved')
    return renewal.accessToken
  }
}

/** One line for the log: which credential is used (never its value). */
export function credentialLogLine(settings: CredentialSettings): string {
  if (settings.kind === 'token')
    return `Authenticating with the bearer token from ${settings.source}.`
  const { session, oidcEndpoint } = settings
  const registration = session.registrationExpiresAt
    ? `; its client registration ends on ${isoDate(session.registrationExpiresAt)}`
    : ''
  return (
    `Authenticating with the SSO session from input '${Inputs.SsoSession}'` +
    `${session.startUrl ? ` (${untrusted(session.startUrl, SHOWN.name)})` : ''}, ` +
    `renewing its access token through ${oidcEndpoint}${registration}.`
  )
}
