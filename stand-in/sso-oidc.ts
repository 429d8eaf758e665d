/**
 * SSO OIDC (sso-oidc/2019-06-10) as a stand-in: RegisterClient (sso-clients.ts), StartDeviceAuthorization and
 * CreateToken's device-code grant (sso-device.ts), and CreateToken's refresh-token grant. It issues access tokens
 * with a set lifetime, each belonging to a user; accepts each refresh token once, from the client it was issued
 * to (it retires the one presented and returns a new one); and tells the CodeCatalyst side whether an access
 * token it issued has expired, and whose it is.
 */
import { randomUUID } from 'node:crypto'
import type { Route } from './http.js'
import {
  ClientRegistrations,
  DEVICE_CODE_GRANT,
  type Registration,
  oidcFailure,
  oidcInput
} from './sso-clients.js'
import { DeviceGrant, type DeviceGrantOptions, type PendingAuthorization } from './sso-device.js'

export { DEVICE_CODE_GRANT, type Registration } from './sso-clients.js'
export type { DeviceGrantOptions, PendingAuthorization } from './sso-device.js'

/** The SSO side: one pre-registered client, the access tokens it issues, and the device grant's behaviour. */
export interface StandInSso extends DeviceGrantOptions {
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
  /** Seconds a registration by RegisterClient lasts (clientSecretExpiresAt); default 90 days. */
  registrationLifetimeSeconds?: number
  /** The device grant answers without a refresh token (as some identity providers do). */
  deviceGrantWithoutRefreshToken?: boolean
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

/** Whose tokens are whose when nobody approved a device code: ssoSession()'s, and their renewals. */
export const DEFAULT_SSO_USER = 'stand-in'

export type SsoOidcOperation = 'CreateToken' | 'RegisterClient' | 'StartDeviceAuthorization'

export const SSO_OIDC_ROUTES: Route<SsoOidcOperation>[] = [
  { operation: 'CreateToken', method: 'POST', pattern: /^\/token$/ },
  { operation: 'RegisterClient', method: 'POST', pattern: /^\/client\/register$/ },
  { operation: 'StartDeviceAuthorization', method: 'POST', pattern: /^\/device_authorization$/ }
]

const isoSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19) + 'Z'

export class SsoOidcStandIn {
  readonly sso: StandInSso
  /** Access tokens issued, with when each expires (ms since the epoch). */
  readonly accessTokens = new Map<string, number>()
  /** The user each access token and refresh token issued belongs to (their userName). */
  readonly tokenUsers = new Map<string, string>()
  readonly clients: ClientRegistrations
  private readonly device: DeviceGrant
  /** Refresh tokens that CreateToken accepts, with the client each was issued to. */
  private readonly refreshTokens = new Map<string, string>()
  private issued = 0

  constructor(
    sso: Partial<StandInSso> = {},
    /** Who today's tokens belong to (ssoSession()'s, and those a code approved without a name gets). */
    readonly defaultUser: string = DEFAULT_SSO_USER
  ) {
    this.sso = { ...DEFAULT_SSO, ...sso }
    this.refreshTokens.set(this.sso.refreshToken, this.sso.clientId)
    this.tokenUsers.set(this.sso.refreshToken, defaultUser)
    this.clients = new ClientRegistrations(
      this.sso,
      () => this.sso.registrationLifetimeSeconds ?? 90 * 86_400
    )
    this.device = new DeviceGrant(() => this.sso, defaultUser)
  }

  /** The clients RegisterClient registered, by clientId (DEFAULT_SSO's is pre-registered, and not listed). */
  get registrations(): ReadonlyMap<string, Registration> {
    return this.clients.registered
  }

  /**
   * The cache file `aws sso login` would write now: an access token issued for the session that is
   * valid for `accessTokenValidForSeconds` more seconds (negative: expired that long ago). Its refresh token is
   * the session's first one (DEFAULT_SSO's), or, with `newLogin`, one of a new login.
   */
  ssoSession(
    options: {
      accessTokenValidForSeconds?: number
      registrationExpiresAt?: string
      newLogin?: boolean
    } = {}
  ): SsoCacheFile {
    const validFor = options.accessTokenValidForSeconds ?? this.sso.accessTokenLifetimeSeconds
    return {
      startUrl: 'https://view.awsapps.com/start',
      region: 'us-east-1',
      accessToken: this.issueAccessToken(validFor, this.defaultUser),
      expiresAt: isoSeconds(Date.now() + validFor * 1000),
      clientId: this.sso.clientId,
      clientSecret: this.sso.clientSecret,
      registrationExpiresAt: options.registrationExpiresAt ?? this.sso.registrationExpiresAt,
      refreshToken: options.newLogin
        ? this.newRefreshToken(this.sso.clientId, this.defaultUser)
        : this.sso.refreshToken
    }
  }

  /** 'expired' for an access token it issued that has ended, 'valid' for one still good, else 'unknown'. */
  accessTokenState(token: string): 'valid' | 'expired' | 'unknown' {
    const expiresAt = this.accessTokens.get(token)
    return expiresAt === undefined ? 'unknown' : expiresAt <= Date.now() ? 'expired' : 'valid'
  }

  /** Whether CreateToken would still accept this refresh token (from the client it was issued to). */
  acceptsRefreshToken(refreshToken: string): boolean {
    return this.refreshTokens.has(refreshToken)
  }

  /** The user an access token it issued belongs to (a token put in accessTokens by hand: the default user). */
  accessTokenUser(token: string): string | undefined {
    if (!this.accessTokens.has(token)) return undefined
    return this.tokenUsers.get(token) ?? this.defaultUser
  }

  /** Runs one SSO OIDC operation; `origin` is where the stand-in is served (for RegisterClient's endpoints). */
  execute(operation: SsoOidcOperation, body: string, contentType?: string, origin = ''): unknown {
    switch (operation) {
      case 'CreateToken':
        return this.createToken(body, contentType)
      case 'RegisterClient':
        return this.registerClient(body, contentType, origin)
      case 'StartDeviceAuthorization':
        return this.startDeviceAuthorization(body, contentType)
    }
  }

  /** RegisterClient: `{clientName, clientType: "public", scopes?, ...}`, errors as the model lists them. */
  registerClient(body: string, contentType?: string, origin = ''): unknown {
    const input = oidcInput(body, contentType, ['clientName', 'clientType'])
    return this.clients.register(input, origin)
  }

  /** StartDeviceAuthorization: `{clientId, clientSecret, startUrl}`, all required. */
  startDeviceAuthorization(body: string, contentType?: string): unknown {
    const input = oidcInput(body, contentType, ['clientId', 'clientSecret', 'startUrl'])
    const { clientId } = this.clients.check(input, DEVICE_CODE_GRANT)
    return this.device.start(clientId, String(input.startUrl))
  }

  /** CreateToken, refresh-token and device-code grants; errors as the model lists them. */
  createToken(body: string, contentType?: string): unknown {
    const input = oidcInput(body, contentType, ['clientId', 'clientSecret', 'grantType'])
    const grant = input.grantType
    if (grant !== 'refresh_token' && grant !== DEVICE_CODE_GRANT)
      throw oidcFailure(
        'UnsupportedGrantTypeException',
        'The stand-in supports only the refresh_token and device_code grants'
      )
    const { clientId } = this.clients.check(input, grant)
    const member = grant === 'refresh_token' ? 'refreshToken' : 'deviceCode'
    const presented = input[member]
    if (typeof presented !== 'string' || presented === '')
      throw oidcFailure('InvalidRequestException', `${member} is required for the ${grant} grant`)
    if (grant === DEVICE_CODE_GRANT) {
      const userName = this.device.exchange(clientId, presented)
      const withRefresh = this.sso.deviceGrantWithoutRefreshToken !== true
      return this.tokens(
        userName,
        withRefresh ? this.newRefreshToken(clientId, userName) : undefined
      )
    }
    const userName = this.tokenUsers.get(presented) ?? this.defaultUser
    return this.tokens(userName, this.spend(clientId, presented))
  }

  /** A person at the browser approves the code (as `userName`, else the default user). */
  approve(userCode: string, userName?: string): void {
    this.device.approve(userCode, userName)
  }

  /** A person at the browser declines the code. */
  deny(userCode: string): void {
    this.device.deny(userCode)
  }

  /** The device codes still waiting for a person, oldest first. */
  pendingAuthorizations(): PendingAuthorization[] {
    return this.device.pending()
  }

  private tokens(userName: string, refreshToken: string | undefined): unknown {
    const expiresIn = this.sso.accessTokenLifetimeSeconds
    return {
      accessToken: this.issueAccessToken(expiresIn, userName),
      tokenType: 'Bearer',
      expiresIn,
      ...(refreshToken === undefined ? {} : { refreshToken })
    }
  }

  /**
   * Accepts a refresh token once (when rotating), from the client it was issued to: retires it, and returns
   * the one that replaces it, which belongs to the same client and user.
   */
  private spend(clientId: string, presented: string): string {
    if (this.refreshTokens.get(presented) !== clientId)
      throw oidcFailure('InvalidGrantException', 'Invalid refresh token provided')
    if (!this.sso.rotateRefreshTokens) return presented
    this.refreshTokens.delete(presented)
    return this.newRefreshToken(clientId, this.tokenUsers.get(presented) ?? this.defaultUser)
  }

  private newRefreshToken(clientId: string, userName: string): string {
    const token = `aor-stand-in-refresh-token-${this.issued + 1}-${randomUUID()}`
    this.refreshTokens.set(token, clientId)
    this.tokenUsers.set(token, userName)
    return token
  }

  private issueAccessToken(validForSeconds: number, userName: string): string {
    const token = `aoa-stand-in-access-${++this.issued}-${randomUUID()}`
    this.accessTokens.set(token, Date.now() + validForSeconds * 1000)
    this.tokenUsers.set(token, userName)
    return token
  }
}
