/**
 * SSO OIDC `CreateToken` with the refresh-token grant (sso-oidc 2019-06-10, rest-json, no auth):
 * how an AWS CLI SSO session's access token is renewed.
 */
import {
  type ApiDeps,
  type CallScope,
  callJsonApi,
  missingFromResponse,
  watchForLostAnswers
} from '../net/api-call.js'
import { Inputs, LOG_IN_AGAIN } from '../common/constants.js'
import {
  CredentialError,
  type ErrorHints,
  HINT_5XX,
  ServiceError,
  isRecord
} from '../net/errors.js'
import { isBearerToken } from '../net/safe-text.js'

export interface SsoOidcConfig {
  /** Base URL without a trailing slash, e.g. https://oidc.us-east-1.amazonaws.com */
  endpoint: string
  maxAttempts: number
  requestTimeoutMs: number
  /** Whether renewed sessions are saved to their secret: it changes what a refused refresh token means. */
  savesSessions: boolean
}

export interface RefreshGrant {
  clientId: string
  clientSecret: string
  refreshToken: string
}

export interface MintedToken {
  accessToken: string
  /** Seconds the access token lives. */
  expiresIn: number
  /** A replacement refresh token, when the service rotates it. */
  refreshToken?: string
}

/**
 * Why SSO OIDC may refuse a refresh token, by whether the action saves renewed sessions: each refresh
 * token is accepted once, so without saving, an earlier job's renewal has most likely spent it.
 */
function invalidGrantHint(savesSessions: boolean): string {
  if (!savesSessions)
    return (
      `The refresh token in '${Inputs.SsoSession}' was refused. SSO OIDC accepts each refresh token once, so an ` +
      `earlier job that renewed the session has most likely spent it: set '${Inputs.SsoSessionSecret}' and ` +
      `'${Inputs.GitHubToken}' so that the action saves every renewed session to its secret (see Authentication ` +
      `in the README), then ${LOG_IN_AGAIN}. (It may also have expired, been revoked, or been replaced by a newer login.)`
    )
  return (
    `The refresh token in '${Inputs.SsoSession}' was refused. Another job that shares the secret may have renewed ` +
    'the session at the same moment (SSO OIDC accepts each refresh token once): let the jobs that share it run ' +
    'one at a time (`max-parallel: 1`, a `concurrency` group, or one job that starts all runs), and re-run this ' +
    `job: it picks up the renewed session. If no other job ran, the session ended, was revoked or was replaced ` +
    `by a newer login: ${LOG_IN_AGAIN}.`
  )
}

/** One sentence per CreateToken error, each with the fix. */
export function ssoOidcHints(savesSessions: boolean): ErrorHints {
  return {
    InvalidGrantException: invalidGrantHint(savesSessions),
    ExpiredTokenException: `The SSO session in '${Inputs.SsoSession}' has expired: ${LOG_IN_AGAIN}.`,
    InvalidClientException: `The SSO client registration in '${Inputs.SsoSession}' is invalid or has expired: ${LOG_IN_AGAIN} (the CLI registers a new client).`,
    UnauthorizedClientException: `The SSO client registration in '${Inputs.SsoSession}' is not allowed to renew tokens, or has expired: ${LOG_IN_AGAIN}.`,
    AccessDeniedException: `SSO OIDC refused to renew the token: check that the user can still sign in at the session's start URL, then ${LOG_IN_AGAIN}.`,
    InvalidRequestException: `SSO OIDC rejected the request as malformed: check that '${Inputs.SsoSession}' holds an unmodified cache file whose region is the sso_region, or ${LOG_IN_AGAIN}.`,
    UnsupportedGrantTypeException: `The SSO client registration in '${Inputs.SsoSession}' does not allow the refresh-token grant: ${LOG_IN_AGAIN}.`,
    InvalidScopeException: `The SSO session lacks the scope the API needs: set sso_registration_scopes = codecatalyst:read_write in ~/.aws/config, then ${LOG_IN_AGAIN}.`,
    [HINT_5XX]: 'SSO OIDC or something in front of it failed. Re-run the job later.'
  }
}

const RENEWED_THEN_LOST =
  'An earlier attempt of this CreateToken failed after it was sent, so SSO OIDC may have renewed the session ' +
  'and spent this refresh token before the answer was lost (each refresh token is accepted once). The ' +
  `session cannot be renewed any more: ${LOG_IN_AGAIN}.`

export class SsoOidcClient {
  constructor(
    private readonly config: SsoOidcConfig,
    private readonly deps: ApiDeps
  ) {}

  /**
   * POST /token {clientId, clientSecret, grantType: refresh_token, refreshToken}, on a connection of its own:
   * the refresh token is single use, so the request is never re-sent for free on a closing kept-alive
   * connection. Throttling, 5xx and network faults are retried as the SDKs retry them; when an attempt may have
   * reached SSO OIDC before it failed, a refused refresh token on a later attempt says so.
   */
  async createToken(grant: RefreshGrant, scope: CallScope = {}): Promise<MintedToken> {
    const operation = 'CreateToken'
    const watched = watchForLostAnswers(this.deps.transport)
    const body = await callJsonApi(
      {
        operation,
        method: 'POST',
        url: `${this.config.endpoint}/token`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          clientId: grant.clientId,
          clientSecret: grant.clientSecret,
          grantType: 'refresh_token',
          refreshToken: grant.refreshToken
        }),
        timeoutMs: this.config.requestTimeoutMs,
        maxAttempts: this.config.maxAttempts,
        hints: ssoOidcHints(this.config.savesSessions),
        secretResponse: true,
        fresh: true,
        ...scope
      },
      { ...this.deps, transport: watched.transport }
    ).catch((error: unknown) => {
      if (
        !watched.mayHaveLanded() ||
        !(error instanceof ServiceError) ||
        error.type !== 'InvalidGrantException'
      )
        throw error
      throw new CredentialError(error.logLineWith(RENEWED_THEN_LOST), { cause: error })
    })
    return mintedFrom(operation, body)
  }
}

/** CreateToken's answer, any grant: the access token, its lifetime and the refresh token if one came. */
export function mintedFrom(operation: string, body: unknown): MintedToken {
  // The body holds credentials: an error names what is missing and never quotes it.
  if (!isRecord(body) || typeof body.accessToken !== 'string' || !isBearerToken(body.accessToken))
    throw missingFromResponse(operation, 'usable accessToken', body, true)
  const { expiresIn, refreshToken } = body
  // A year bounds it: an absurd lifetime would never be renewed ahead of time.
  if (
    typeof expiresIn !== 'number' ||
    !Number.isInteger(expiresIn) ||
    expiresIn <= 0 ||
    expiresIn > 366 * 86_400
  )
    throw missingFromResponse(operation, 'valid expiresIn', body, true)
  return {
    accessToken: body.accessToken,
    expiresIn,
    refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : undefined
  }
}
