/**
 * SSO OIDC's CreateToken (sso-oidc/2019-06-10, refresh-token grant) for one registered client, as a stand-in:
 * it issues access tokens with a set lifetime, accepts each refresh token once (it retires the one presented
 * and returns a new one), and tells the CodeCatalyst side whether an access token it issued has expired.
 */
import { randomUUID } from 'node:crypto'
import { ApiFailure, parseJsonBody } from './http.js'

/** The SSO side: one registered client, and the access tokens it issues. */
export interface StandInSso {
  clientId: string
  clientSecret: string
  /** The refresh token of the session that `ssoSession()` writes out. */
  refreshToken: string
  /** Seconds each access token that CreateToken issues lives (expiresIn). */
  accessTokenLifetimeSeconds: number
  /** Each CreateToken returns a new refresh token and invalidates the one it was given. */
  rotateRefreshTokens: boolean
  /** How CodeCatalyst answers an expired access token: 401, or 403 AccessDeniedException. */
  expiredTokenStatus: 401 | 403
  /** When the client registration ends (ISO 8601). */
  registrationExpiresAt: string
}

/** What `aws sso login` writes to ~/.aws/sso/cache/<sha1 of the sso-session name>.json. */
export interface SsoCacheFile {
  startUrl: string
  region: string
  accessToken: string
  expiresAt: string
  clientId: string
  clientSecret: string
  registrationExpiresAt: string
  refreshToken: string
}

export const DEFAULT_SSO: StandInSso = {
  clientId: 'stand-in-client-id',
  clientSecret: 'stand-in-client-secret',
  refreshToken: 'aor-stand-in-refresh-token-0',
  accessTokenLifetimeSeconds: 3600,
  rotateRefreshTokens: true,
  expiredTokenStatus: 401,
  registrationExpiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 19) + 'Z'
}

/** An SSO OIDC error: members `error` (the OAuth code) and `error_description`. */
class OidcFailure extends ApiFailure {
  constructor(
    status: number,
    type: string,
    readonly error: string,
    description: string
  ) {
    super(status, type, description)
  }

  override body(): Record<string, string> {
    return { error: this.error, error_description: this.message }
  }
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z'

export class SsoOidcStandIn {
  readonly sso: StandInSso
  /** Access tokens issued, with when each expires (ms since the epoch). */
  readonly accessTokens = new Map<string, number>()
  /** Refresh tokens that CreateToken accepts. */
  private readonly refreshTokens = new Set<string>()
  private issued = 0

  constructor(sso: Partial<StandInSso> = {}) {
    this.sso = { ...DEFAULT_SSO, ...sso }
    this.refreshTokens.add(this.sso.refreshToken)
  }

  /**
   * The cache file `aws sso login` would write now: an access token issued for the session that is
   * valid for `accessTokenValidForSeconds` more seconds (negative: expired that long ago).
   */
  ssoSession(
    options: { accessTokenValidForSeconds?: number; registrationExpiresAt?: string } = {}
  ): SsoCacheFile {
    const validFor = options.accessTokenValidForSeconds ?? this.sso.accessTokenLifetimeSeconds
    return {
      startUrl: 'https://view.awsapps.com/start',
      region: 'us-east-1',
      accessToken: this.issueAccessToken(validFor),
      expiresAt: isoSeconds(Date.now() + validFor * 1000),
      clientId: this.sso.clientId,
      clientSecret: this.sso.clientSecret,
      registrationExpiresAt: options.registrationExpiresAt ?? this.sso.registrationExpiresAt,
      refreshToken: this.sso.refreshToken
    }
  }

  /** 'expired' for an access token it issued that has ended, 'valid' for one still good, else 'unknown'. */
  accessTokenState(token: string): 'valid' | 'expired' | 'unknown' {
    const expiresAt = this.accessTokens.get(token)
    return expiresAt === undefined ? 'unknown' : expiresAt <= Date.now() ? 'expired' : 'valid'
  }

  /** CreateToken, refresh-token grant only; errors as the model lists them. */
  createToken(body: string, contentType?: string): unknown {
    const invalid = (description: string) =>
      new OidcFailure(400, 'InvalidRequestException', 'invalid_request', description)
    let input: Record<string, unknown>
    try {
      input = parseJsonBody(body, contentType)
    } catch (error) {
      throw invalid(error instanceof Error ? error.message : 'Invalid request')
    }
    for (const member of ['clientId', 'clientSecret', 'grantType'])
      if (typeof input[member] !== 'string' || input[member] === '')
        throw invalid(`${member} is required`)
    if (input.grantType !== 'refresh_token')
      throw new OidcFailure(
        400,
        'UnsupportedGrantTypeException',
        'unsupported_grant_type',
        'The stand-in supports only the refresh_token grant'
      )
    this.checkClient(input)
    if (typeof input.refreshToken !== 'string' || input.refreshToken === '')
      throw invalid('refreshToken is required for the refresh_token grant')
    const refreshToken = this.spend(input.refreshToken)
    const expiresIn = this.sso.accessTokenLifetimeSeconds
    return {
      accessToken: this.issueAccessToken(expiresIn),
      tokenType: 'Bearer',
      expiresIn,
      refreshToken
    }
  }

  private checkClient(input: Record<string, unknown>): void {
    if (input.clientId !== this.sso.clientId || input.clientSecret !== this.sso.clientSecret)
      throw new OidcFailure(401, 'InvalidClientException', 'invalid_client', 'Invalid client')
    if (Date.parse(this.sso.registrationExpiresAt) <= Date.now())
      throw new OidcFailure(
        401,
        'InvalidClientException',
        'invalid_client',
        'Client registration expired'
      )
  }

  /** Accepts a refresh token once (when rotating): retires it, and returns the one that replaces it. */
  private spend(presented: string): string {
    if (!this.refreshTokens.has(presented))
      throw new OidcFailure(
        400,
        'InvalidGrantException',
        'invalid_grant',
        'Invalid refresh token provided'
      )
    if (!this.sso.rotateRefreshTokens) return presented
    this.refreshTokens.delete(presented)
    const rotated = `aor-stand-in-refresh-token-${this.issued + 1}-${randomUUID()}`
    this.refreshTokens.add(rotated)
    return rotated
  }

  private issueAccessToken(validForSeconds: number): string {
    const token = `aoa-stand-in-access-${++this.issued}-${randomUUID()}`
    this.accessTokens.set(token, Date.now() + validForSeconds * 1000)
    return token
  }
}
