import { describe, expect, it } from '@jest/globals'
import {
  NOT_SAVED_WARNING,
  SsoCredentials,
  StaticCredentials,
  isRejectedToken
} from '../src/credentials.js'
import { CredentialError, ServiceError } from '../src/errors.js'
import type { MintedToken, RefreshGrant } from '../src/sso-oidc-client.js'
import type { SsoSession } from '../src/settings.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

const rejection = (status: number, type: string, message: string) =>
  new ServiceError('GetWorkflowRun', status, type, message, undefined, 'json')

/** SSO credentials on a fake clock, with a CreateToken that mints `lifetime`-second tokens and rotates refresh tokens. */
function sso(session: Partial<SsoSession> = {}, lifetimeSeconds = 3600) {
  let now = Date.parse('2026-11-25T12:00:00Z')
  const grants: RefreshGrant[] = []
  const events: string[] = []
  const credentials = new SsoCredentials(
    {
      region: 'us-east-1',
      clientId: 'client',
      clientSecret: 'client-secret',
      refreshToken: 'refresh-0',
      accessToken: 'cached',
      expiresAt: now + HOUR,
      members: {},
      ...session
    },
    {
      createToken: async (grant): Promise<MintedToken> => {
        grants.push(grant)
        const n = grants.length
        return {
          accessToken: `minted-${n}`,
          expiresIn: lifetimeSeconds,
          refreshToken: `refresh-${n}`
        }
      },
      now: () => now,
      mask: secret => events.push(`mask ${secret}`),
      info: line => events.push(`info ${line}`),
      warning: line => events.push(`warning ${line}`)
    }
  )
  return {
    credentials,
    grants,
    events,
    advance: (ms: number) => (now += ms),
    now: () => now
  }
}

describe('SsoCredentials', () => {
  it('uses the cached token while it has at least 15 minutes left, then mints one', async () => {
    const { credentials, grants, advance } = sso()
    expect(await credentials.token()).toBe('cached')
    advance(45 * MINUTE)
    expect(await credentials.token()).toBe('cached')
    expect(grants).toHaveLength(0)
    advance(1)
    expect(await credentials.token()).toBe('minted-1')
    expect(grants).toEqual([
      { clientId: 'client', clientSecret: 'client-secret', refreshToken: 'refresh-0' }
    ])
  })

  it('mints at once when there is no cached token, or it has ended', async () => {
    for (const session of [{ accessToken: undefined, expiresAt: undefined }, { expiresAt: 0 }]) {
      const { credentials, grants } = sso(session)
      expect(await credentials.token()).toBe('minted-1')
      expect(grants).toHaveLength(1)
    }
  })

  it('keeps a two-hour wait of 15 s polls on 60-minute tokens valid, with one CreateToken per lifetime', async () => {
    const { credentials, grants, advance, now } = sso()
    const expiries = new Map<string, number>([['cached', now() + HOUR]])
    for (let t = 0; t <= 2 * HOUR; t += 15_000) {
      const token = await credentials.token()
      expiries.set(token, expiries.get(token) ?? now() + HOUR)
      // Every request goes out with at least a quarter of its token's life left.
      expect(expiries.get(token)! - now()).toBeGreaterThanOrEqual(15 * MINUTE)
      advance(15_000)
    }
    // The cached token until 0:45, minted-1 until 1:30, minted-2 to the end.
    expect(grants).toHaveLength(2)
  })

  it('renews short-lived tokens when a quarter of their life is left, not before every request', async () => {
    const { credentials, grants, advance } = sso({ expiresAt: 0 }, 4)
    await credentials.token()
    advance(3000)
    expect(await credentials.token()).toBe('minted-1')
    advance(1)
    expect(await credentials.token()).toBe('minted-2')
    expect(grants).toHaveLength(2)
  })

  it('uses each rotated refresh token for the next renewal', async () => {
    const { credentials, grants } = sso()
    await credentials.renew()
    await credentials.renew()
    expect(grants.map(g => g.refreshToken)).toEqual(['refresh-0', 'refresh-1'])
  })

  it('masks the minted access and refresh tokens before it logs anything', async () => {
    const { credentials, events } = sso({ expiresAt: 0 })
    await credentials.token()
    expect(events).toEqual([
      'mask minted-1',
      'mask refresh-1',
      expect.stringMatching(
        /^info Renewed the CodeCatalyst access token through SSO OIDC; the new one is valid for 1h 0m 0s/
      ),
      // Without write-back, the rotated refresh token is lost with the job: said on every renewal.
      `warning ${NOT_SAVED_WARNING}`
    ])
  })

  it('shares one CreateToken between concurrent callers', async () => {
    const { credentials, grants } = sso({ expiresAt: 0 })
    const tokens = await Promise.all([
      credentials.token(),
      credentials.token(),
      credentials.renew()
    ])
    expect(tokens).toEqual(['minted-1', 'minted-1', 'minted-1'])
    expect(grants).toHaveLength(1)
  })
})

describe('StaticCredentials', () => {
  it('returns the token as is, and on a rejection says it cannot be renewed and points to sso-session', async () => {
    const credentials = new StaticCredentials('plain', "input 'token'")
    expect(await credentials.token()).toBe('plain')
    const error = await credentials
      .renew(rejection(401, 'UnauthorizedException', 'expired'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CredentialError)
    expect((error as Error).message).toMatch(
      /^GetWorkflowRun failed: UnauthorizedException \(HTTP 401\): expired.*\nThe bearer token from input 'token' has expired or is not accepted, and a plain token cannot be renewed.*'sso-session'/s
    )
  })
})

describe('isRejectedToken', () => {
  it.each([
    [401, 'UnauthorizedException', 'anything', true],
    [403, 'AccessDeniedException', 'The security token included in the request is expired', true],
    [403, 'ExpiredTokenException', 'no detail', true],
    [403, 'AccessDeniedException', 'You do not have access to this project', false],
    [400, 'ValidationException', 'token expired', false]
  ])('HTTP %i %s "%s" -> %s', (status, type, message, expected) => {
    expect(isRejectedToken(rejection(status, type, message))).toBe(expected)
  })
})
