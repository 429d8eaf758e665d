/**
 * SSO OIDC's clients (sso-oidc/2019-06-10): the errors it answers with, the way it reads a request, and the
 * clients it knows: the one pre-registered (DEFAULT_SSO's) and those RegisterClient registers.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { ApiFailure, parseJsonBody } from './http.js'

/** An SSO OIDC error: members `error` (the OAuth code) and `error_description`. */
export class OidcFailure extends ApiFailure {
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

/** The OIDC errors by type, as the model has them: the HTTP status and the `error` member. */
const OIDC_ERRORS = {
  InvalidRequestException: [400, 'invalid_request'],
  InvalidClientException: [401, 'invalid_client'],
  InvalidGrantException: [400, 'invalid_grant'],
  InvalidScopeException: [400, 'invalid_scope'],
  InvalidClientMetadataException: [400, 'invalid_client_metadata'],
  InvalidRedirectUriException: [400, 'invalid_redirect_uri'],
  UnauthorizedClientException: [400, 'unauthorized_client'],
  UnsupportedGrantTypeException: [400, 'unsupported_grant_type'],
  AuthorizationPendingException: [400, 'authorization_pending'],
  SlowDownException: [400, 'slow_down'],
  AccessDeniedException: [400, 'access_denied'],
  ExpiredTokenException: [400, 'expired_token']
} as const satisfies Record<string, readonly [number, string]>

export type OidcErrorType = keyof typeof OIDC_ERRORS

export function oidcFailure(type: OidcErrorType, description: string): OidcFailure {
  const [status, error] = OIDC_ERRORS[type]
  return new OidcFailure(status, type, error, description)
}

/** A request body as an object whose `required` members are non-empty strings; else InvalidRequestException. */
export function oidcInput(
  body: string,
  contentType: string | undefined,
  required: readonly string[]
): Record<string, unknown> {
  let input: Record<string, unknown>
  try {
    input = parseJsonBody(body, contentType)
  } catch (error) {
    throw oidcFailure(
      'InvalidRequestException',
      error instanceof Error ? error.message : 'Invalid request'
    )
  }
  for (const member of required)
    if (typeof input[member] !== 'string' || input[member] === '')
      throw oidcFailure('InvalidRequestException', `${member} is required`)
  return input
}

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code'
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', DEVICE_CODE_GRANT])
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/** A client that RegisterClient registered. */
export interface Registration {
  clientId: string
  clientSecret: string
  clientName: string
  /** The scopes it asked for (each token it is issued carries them). */
  scopes: string[]
  /** The grants it may use; undefined when it named none (then every grant is allowed). */
  grantTypes?: string[]
  redirectUris?: string[]
  /** When it was registered and when it ends (epoch seconds, as the model's LongTimeStampType). */
  clientIdIssuedAt: number
  clientSecretExpiresAt: number
}

/** The pre-registered client, read live (a test may change it): who it is and when it ends. */
export interface DefaultClient {
  clientId: string
  clientSecret: string
  registrationExpiresAt: string
}

/** The clients SSO OIDC knows. */
export class ClientRegistrations {
  readonly registered = new Map<string, Registration>()

  constructor(
    private readonly preRegistered: DefaultClient,
    /** Seconds a registration lasts. */
    private readonly lifetimeSeconds: () => number
  ) {}

  /** RegisterClient: validates the metadata as the model's errors name them, and registers a public client. */
  register(input: Record<string, unknown>, origin: string): unknown {
    if (input.clientType !== 'public')
      throw oidcFailure('InvalidClientMetadataException', 'clientType must be public')
    const scopes = stringList(input, 'scopes') ?? []
    if (!scopes.every(scope => SCOPE_TOKEN.test(scope)))
      throw oidcFailure('InvalidScopeException', 'Invalid scope requested')
    const grantTypes = stringList(input, 'grantTypes')
    if (grantTypes?.some(grant => !GRANT_TYPES.has(grant)))
      throw oidcFailure('UnsupportedGrantTypeException', 'Unsupported grant type requested')
    const redirectUris = stringList(input, 'redirectUris')
    if (redirectUris?.some(uri => !URL.canParse(uri)))
      throw oidcFailure('InvalidRedirectUriException', 'Invalid redirect URI')
    const now = Math.floor(Date.now() / 1000)
    const registration: Registration = {
      clientId: `stand-in-client-${randomUUID()}`,
      clientSecret: `stand-in-secret-${randomBytes(48).toString('base64url')}`,
      clientName: String(input.clientName),
      scopes,
      ...(grantTypes ? { grantTypes } : {}),
      ...(redirectUris ? { redirectUris } : {}),
      clientIdIssuedAt: now,
      clientSecretExpiresAt: now + this.lifetimeSeconds()
    }
    this.registered.set(registration.clientId, registration)
    return {
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      clientIdIssuedAt: registration.clientIdIssuedAt,
      clientSecretExpiresAt: registration.clientSecretExpiresAt,
      authorizationEndpoint: `${origin}/authorize`,
      tokenEndpoint: `${origin}/token`
    }
  }

  /**
   * The client a request names, if its secret matches and its registration has not ended (else
   * InvalidClientException); and, with `grant`, if it may use that grant (else UnauthorizedClientException).
   */
  check(input: Record<string, unknown>, grant?: string): { clientId: string } {
    const { clientId, clientSecret } = input
    const fixed = this.preRegistered
    const registration = typeof clientId === 'string' ? this.registered.get(clientId) : undefined
    const expected = clientId === fixed.clientId ? fixed.clientSecret : registration?.clientSecret
    if (expected === undefined || clientSecret !== expected)
      throw oidcFailure('InvalidClientException', 'Invalid client')
    const endsAt =
      clientId === fixed.clientId
        ? Date.parse(fixed.registrationExpiresAt)
        : (registration?.clientSecretExpiresAt ?? 0) * 1000
    if (endsAt <= Date.now())
      throw oidcFailure('InvalidClientException', 'Client registration expired')
    if (grant && registration?.grantTypes && !registration.grantTypes.includes(grant))
      throw oidcFailure('UnauthorizedClientException', `The client may not use the ${grant} grant`)
    return { clientId: String(clientId) }
  }
}

/** A member that must be a list of strings when present (else InvalidRequestException). */
function stringList(input: Record<string, unknown>, member: string): string[] | undefined {
  const value = input[member]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every(item => typeof item === 'string'))
    throw oidcFailure('InvalidRequestException', `${member} must be a list of strings`)
  return value
}
