/**
 * Where each request's bearer token comes from: a plain token, used as given, or an AWS CLI SSO session,
 * whose short-lived access token is renewed through SSO OIDC before it ends and whenever CodeCatalyst
 * says it has expired.
 */
import { Inputs, SSO_LOGIN_COMMAND, SSO_REFRESH_WINDOW_MS } from './constants.js'
import { CredentialError, type ServiceError } from './errors.js'
import { formatDuration, isoDate } from './format.js'
import type { CredentialSettings, SsoSession } from './settings.js'
import { SHOWN, untrusted } from './safe-text.js'
import type { MintedToken, RefreshGrant } from './sso-oidc-client.js'
import { type RenewedToken, renewedCacheFile } from './sso-session.js'

export interface Credentials {
  /** A token to send now: renewed first (by `deadline`, if given) when it ends within the refresh window. */
  token(deadline?: number): Promise<string>
  /** Whether a request that CodeCatalyst refused this way is worth one renewal and one repeat. */
  renewsAfter(rejected: ServiceError): boolean
  /** After CodeCatalyst rejected the token (`rejected`): a renewed one, or an error that says what to do. */
  renew(rejected: ServiceError, deadline?: number): Promise<string>
  /** Why the newest renewed session could not be saved, if it could not: the step must fail with it. */
  unsaved(): string | undefined
}

/** Keeps the secret an SSO session comes from current (src/session-secret.ts). */
export interface SessionKeeper {
  /** The secret, as a log line names it: NAME of owner/repo, or NAME of environment 'E' in owner/repo. */
  readonly place: string
  /** Before a renewal: throws CredentialError unless the secret can be saved and holds no newer session. */
  checkBeforeRenewal(copySavedAt: number | undefined, deadline?: number): Promise<void>
  /** Saves the cache file written for the time it is saved at; returns that time. CredentialError if not. */
  save(cacheFile: (savedAt: number) => string, deadline?: number): Promise<number>
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
      `succeed): ${SSO_LOGIN_COMMAND}, and store the new cache file in the '${Inputs.SsoSession}' secret.`,
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

  unsaved(): undefined {
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

export interface SsoDeps {
  createToken: (grant: RefreshGrant, deadline?: number) => Promise<MintedToken>
  /** The secret to save each renewed session to, loaded when first needed; absent without write-back. */
  keeper?: () => Promise<SessionKeeper>
  now: () => number
  /** Masks a secret before anything can print it. */
  mask: (secret: string) => void
  info: (line: string) => void
  warning: (line: string) => void
}

/** Said on every renewal that cannot be saved: the stored refresh token has just been spent. */
export const NOT_SAVED_WARNING =
  "SSO OIDC replaced the session's refresh token, and the one stored in the secret is probably spent (each is " +
  `accepted once): the next job's renewal will fail unless '${Inputs.SsoSessionSecret}' and '${Inputs.GitHubToken}' ` +
  'are set, so that the action saves every renewed session (see Authentication in the README).'

/**
 * The access token of an SSO session. The cached one is used while it has at least 15 minutes to live
 * (botocore's window); then one is minted with the refresh token, and renewed again when a quarter of
 * its lifetime (at most 15 minutes) is left. A refresh token the service rotates replaces the old one.
 */
export class SsoCredentials implements Credentials {
  private accessToken?: string
  private expiresAt: number
  private refreshWindowMs = SSO_REFRESH_WINDOW_MS
  private refreshToken: string
  private minting?: Promise<string>
  /** When the session this job holds was saved to the secret (GitHub's clock); undefined if never. */
  private savedAt?: number
  private unsavedReason?: string

  constructor(
    private readonly session: SsoSession,
    private readonly deps: SsoDeps
  ) {
    this.accessToken = session.accessToken
    this.expiresAt = session.expiresAt ?? 0
    this.refreshToken = session.refreshToken
    this.savedAt = session.savedAt
  }

  unsaved(): string | undefined {
    return this.unsavedReason
  }

  renewsAfter(rejected: ServiceError): boolean {
    return isRejectedToken(rejected) || isAccessDenied(rejected)
  }

  async token(deadline?: number): Promise<string> {
    if (this.accessToken && this.expiresAt - this.deps.now() >= this.refreshWindowMs)
      return this.accessToken
    return this.mint(deadline)
  }

  renew(_rejected?: ServiceError, deadline?: number): Promise<string> {
    return this.mint(deadline)
  }

  /** One CreateToken at a time: concurrent callers share it. */
  private mint(deadline?: number): Promise<string> {
    this.minting ??= this.createToken(deadline).finally(() => (this.minting = undefined))
    return this.minting
  }

  /**
   * With write-back, nothing is spent that cannot be saved: the secret is checked first, and the renewed
   * session is saved before its token is used. A save that fails lets the job go on (the token is good)
   * and is reported by `unsaved()`.
   */
  private async createToken(deadline?: number): Promise<string> {
    const keeper = await this.deps.keeper?.()
    await keeper?.checkBeforeRenewal(this.savedAt, deadline)
    const minted = await this.deps.createToken(
      {
        clientId: this.session.clientId,
        clientSecret: this.session.clientSecret,
        refreshToken: this.refreshToken
      },
      deadline
    )
    this.deps.mask(minted.accessToken)
    if (minted.refreshToken) this.deps.mask(minted.refreshToken)
    const rotated = minted.refreshToken !== undefined && minted.refreshToken !== this.refreshToken
    this.refreshToken = minted.refreshToken ?? this.refreshToken
    const lifetimeMs = minted.expiresIn * 1000
    this.accessToken = minted.accessToken
    this.expiresAt = this.deps.now() + lifetimeMs
    this.refreshWindowMs = Math.min(SSO_REFRESH_WINDOW_MS, lifetimeMs / 4)
    this.deps.info(
      `Renewed the CodeCatalyst access token through SSO OIDC; the new one is valid for ${formatDuration(lifetimeMs)}.`
    )
    const renewed: RenewedToken = {
      accessToken: minted.accessToken,
      expiresAt: this.expiresAt,
      refreshToken: this.refreshToken
    }
    if (keeper) await this.save(keeper, renewed, deadline)
    else if (rotated) this.deps.warning(NOT_SAVED_WARNING)
    return minted.accessToken
  }

  /** Saves the renewed session; a failure is kept for the end of the step, a success clears it. */
  private async save(
    keeper: SessionKeeper,
    renewed: RenewedToken,
    deadline?: number
  ): Promise<void> {
    try {
      this.savedAt = await keeper.save(
        savedAt => renewedCacheFile(this.session, renewed, savedAt),
        deadline
      )
      this.unsavedReason = undefined
      this.deps.info(`Saved the renewed SSO session to the secret ${keeper.place}.`)
    } catch (error) {
      if (!(error instanceof CredentialError)) throw error
      this.unsavedReason = error.message
      this.deps.info(
        'Could not save the renewed SSO session; the job goes on with the renewed token, and the step will fail at its end.'
      )
    }
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
