/**
 * SSO OIDC's device authorization grant (sso-oidc 2019-06-10), exactly as `aws sso login --use-device-code`
 * sends it: RegisterClient for a public client, StartDeviceAuthorization, then CreateToken with the device code.
 * The wire only; waiting for the person is src/auth/device-login.ts.
 */
import { type ApiDeps, type CallScope, callJsonApi, missingFromResponse } from '../net/api-call.js'
import { Inputs } from '../common/constants.js'
import { type ErrorHints, HINT_5XX, isRecord } from '../net/errors.js'
import { type MintedToken, mintedFrom } from './sso-oidc.js'
import { SHOWN, untrusted } from '../net/safe-text.js'

export interface OidcConfig {
  /** Base URL without a trailing slash, e.g. https://oidc.us-east-1.amazonaws.com */
  endpoint: string
  maxAttempts: number
  requestTimeoutMs: number
}

/** A registered public client: what CreateToken needs, and when the registration ends. */
export interface ClientRegistration {
  clientId: string
  clientSecret: string
  /** ms since the epoch (clientSecretExpiresAt). */
  expiresAt: number
}

/** A device authorization under way: what the person must see, and what the client polls with. */
export interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  verificationUri: string
  /** The link that fills the code in. */
  verificationUriComplete: string
  /** ms since the epoch. */
  expiresAt: number
  /** Between polls, as SSO OIDC asks (5 s when it says nothing). */
  intervalMs: number
}

/** The scope the CodeCatalyst API needs, as the AWS CLI registers it. */
export const CODECATALYST_SCOPE = 'codecatalyst:read_write'
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
/** RFC 8628: without an interval, a client waits 5 s between polls. */
const DEFAULT_INTERVAL_S = 5

const LOGIN_HINTS: ErrorHints = {
  InvalidScopeException: `The identity provider does not grant the scope ${CODECATALYST_SCOPE}: check '${Inputs.StartUrl}' (AWS Builder ID, or an IAM Identity Center that CodeCatalyst trusts).`,
  InvalidRequestException: `SSO OIDC rejected the request as malformed: check '${Inputs.StartUrl}' and '${Inputs.SsoRegion}'.`,
  InvalidClientException:
    'SSO OIDC refused the client this login registered a moment ago: run the workflow again.',
  UnauthorizedClientException:
    'SSO OIDC does not allow this client the device grant: run the workflow again.',
  [HINT_5XX]: 'SSO OIDC or something in front of it failed. Run the workflow again later.'
}

export class DeviceAuthorizationClient {
  constructor(
    private readonly config: OidcConfig,
    private readonly deps: ApiDeps
  ) {}

  /** POST /client/register {clientName, clientType: public, scopes}. */
  async registerClient(clientName: string, scope: CallScope): Promise<ClientRegistration> {
    const operation = 'RegisterClient'
    const body = await this.post(operation, '/client/register', scope, {
      clientName,
      clientType: 'public',
      scopes: [CODECATALYST_SCOPE]
    })
    const expires = isRecord(body) ? body.clientSecretExpiresAt : undefined
    if (
      !isRecord(body) ||
      typeof body.clientId !== 'string' ||
      typeof body.clientSecret !== 'string' ||
      !body.clientId ||
      !body.clientSecret ||
      typeof expires !== 'number'
    )
      throw missingFromResponse(
        operation,
        'clientId, clientSecret and clientSecretExpiresAt',
        body,
        true
      )
    return { clientId: body.clientId, clientSecret: body.clientSecret, expiresAt: expires * 1000 }
  }

  /** POST /device_authorization {clientId, clientSecret, startUrl}. */
  async start(
    client: ClientRegistration,
    startUrl: string,
    scope: CallScope
  ): Promise<DeviceAuthorization> {
    const operation = 'StartDeviceAuthorization'
    const { clientId, clientSecret } = client
    const body = await this.post(operation, '/device_authorization', scope, {
      clientId,
      clientSecret,
      startUrl
    })
    const text = (key: string) =>
      isRecord(body) && typeof body[key] === 'string' && body[key] !== '' ? body[key] : undefined
    const [deviceCode, userCode, verificationUri, complete] = [
      'deviceCode',
      'userCode',
      'verificationUri',
      'verificationUriComplete'
    ].map(text)
    const { expiresIn, interval } = isRecord(body) ? body : {}
    if (
      !deviceCode ||
      !userCode ||
      !verificationUri ||
      typeof expiresIn !== 'number' ||
      expiresIn <= 0
    )
      throw missingFromResponse(
        operation,
        'deviceCode, userCode, verificationUri and expiresIn',
        body,
        true
      )
    return {
      deviceCode,
      userCode: untrusted(userCode, SHOWN.id),
      verificationUri: untrusted(verificationUri, SHOWN.name),
      verificationUriComplete: untrusted(complete ?? verificationUri, SHOWN.name),
      expiresAt: this.deps.now() + expiresIn * 1000,
      intervalMs:
        (typeof interval === 'number' && interval > 0 ? interval : DEFAULT_INTERVAL_S) * 1000
    }
  }

  /** One poll: POST /token with the device code; the service's errors (pending, slow down...) are thrown. */
  async exchange(
    client: ClientRegistration,
    deviceCode: string,
    scope: CallScope
  ): Promise<MintedToken> {
    const { clientId, clientSecret } = client
    const body = await this.post('CreateToken', '/token', scope, {
      grantType: DEVICE_CODE_GRANT,
      clientId,
      clientSecret,
      deviceCode
    })
    return mintedFrom('CreateToken', body)
  }

  private post(operation: string, path: string, scope: CallScope, body: object): Promise<unknown> {
    return callJsonApi(
      {
        operation,
        method: 'POST',
        url: `${this.config.endpoint}${path}`,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.config.requestTimeoutMs,
        maxAttempts: this.config.maxAttempts,
        hints: LOGIN_HINTS,
        // Every answer holds a secret: the client secret, the device code, the tokens.
        secretResponse: true,
        // A device code is exchanged once: never re-sent for free on a closing kept-alive connection.
        fresh: true,
        ...scope
      },
      this.deps
    )
  }
}
