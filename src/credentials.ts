/**
 * Where each request's bearer token comes from: a plain token, used as given, or an AWS CLI SSO session,
 * whose short-lived access token is renewed through SSO OIDC before it ends and whenever CodeCatalyst
 * says it has expired.
 */
import type { ApiDeps } from './api-call.js'
import { Inputs, SSO_REFRESH_WINDOW_MS } from './constants.js'
import type { ServiceError } from './errors.js'
import { formatDuration, isoDate } from './format.js'
import type { CredentialSettings } from './input-helper.js'
import { SHOWN, untrusted } from './safe-text.js'
import {
  type MintedToken,
  type RefreshGrant,
  SsoOidcClient,
  type SsoOidcConfig
} from './sso-oidc-client.js'
import type { SsoSession } from './sso-session.js'

export interface Credentials {
  /** A token to send now: renewed first (by `deadline`, if given) when it ends within the refresh window. */
  token(deadline?: number): Promise<string>
  /** After CodeCatalyst rejected the token (`rejected`): a renewed one, or an error that says what to do. */
  renew(rejected: ServiceError, deadline?: number): Promise<string>
}

/** The credential could not be had or renewed; the message says what to do. Never retried. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError'
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
  now: () => number
  /** Masks a secret before anything can print it. */
  mask: (secret: string) => void
  info: (line: string) => void
}

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

  constructor(
    private readonly session: SsoSession,
    private readonly deps: SsoDeps
  ) {
    this.accessToken = session.accessToken
    this.expiresAt = session.expiresAt ?? 0
    this.refreshToken = session.refreshToken
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

  private async createToken(deadline?: number): Promise<string> {
    const minted = await this.deps.createToken(
      {
        clientId: this.session.clientId,
        clientSecret: this.session.clientSecret,
        refreshToken: this.refreshToken
      },
      deadline
    )
    this.deps.mask(minted.accessToken)
    if (minted.refreshToken) {
      this.deps.mask(minted.refreshToken)
      this.refreshToken = minted.refreshToken
    }
    const lifetimeMs = minted.expiresIn * 1000
    this.accessToken = minted.accessToken
    this.expiresAt = this.deps.now() + lifetimeMs
    this.refreshWindowMs = Math.min(SSO_REFRESH_WINDOW_MS, lifetimeMs / 4)
    this.deps.info(
      `Renewed the CodeCatalyst access token through SSO OIDC; the new one is valid for ${formatDuration(lifetimeMs)}.`
    )
    return minted.accessToken
  }
}

/** Builds the credentials the settings name; `oidc` configures the SSO OIDC client when there is one. */
export function createCredentials(
  settings: CredentialSettings,
  oidc: Omit<SsoOidcConfig, 'endpoint'>,
  deps: ApiDeps & Omit<SsoDeps, 'createToken'>
): Credentials {
  if (settings.kind === 'token') return new StaticCredentials(settings.token, settings.source)
  const client = new SsoOidcClient({ ...oidc, endpoint: settings.oidcEndpoint }, deps)
  return new SsoCredentials(settings.session, {
    ...deps,
    createToken: grant => client.createToken(grant)
  })
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
