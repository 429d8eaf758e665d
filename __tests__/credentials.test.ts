import { describe, expect, it } from '@jest/globals'
import type { CallScope } from '../src/net/api-call.js'
import {
  NOT_SAVED_WARNING,
  SsoCredentials,
  StaticCredentials,
  isRejectedToken
} from '../src/auth/credentials.js'
import { CredentialError, RenewalError, ServiceError, TransportError } from '../src/net/errors.js'
import type { SessionStore } from '../src/auth/renewal.js'
import type { MintedToken, RefreshGrant } from '../src/auth/sso-oidc.js'
import type { SsoSession } from '../src/common/settings.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE

const rejection = (status: number, type: string, message: string) =>
  new ServiceError('GetWorkflowRun', status, type, message, undefined, 'json')

/** What CreateToken does on one call: mint (the default), or fail with this error. */
type Mint = 'mint' | Error

/**
 * SSO credentials on a fake clock, with a CreateToken that mints `lifetime`-second tokens and rotates refresh
 * tokens (or fails as `mints` says, call by call), and optionally a store whose check fails as `checks` says.
 */
function sso(
  session: Partial<SsoSession> = {},
  lifetimeSeconds = 3600,
  options: { mints?: Mint[]; checks?: (Error | 'ok')[]; store?: boolean } = {}
) {
  let now = Date.parse('2026-11-25T12:00:00Z')
  const grants: RefreshGrant[] = []
  const events: string[] = []
  const scopes: CallScope[] = []
  const checks = [...(options.checks ?? [])]
  const mints = [...(options.mints ?? [])]
  const store: SessionStore = {
    place: 'SECRET of o/r',
    check: async refreshToken => {
      events.push(`check ${refreshToken}`)
      const next = checks.shift() ?? 'ok'
      if (next !== 'ok') throw next
      return { presented: refreshToken }
    },
    save: async (_file, _checked, renewed) => {
      events.push(`save ${renewed}`)
      return {}
    },
    superseded: async () => false
  }
  const controller = new AbortController()
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
      oidc: async () => ({
        createToken: async (grant, scope): Promise<MintedToken> => {
          grants.push(grant)
          scopes.push(scope)
          const next = mints.shift() ?? 'mint'
          if (next !== 'mint') throw next
          const n = grants.length
          return {
            accessToken: `minted-${n}`,
            expiresIn: lifetimeSeconds,
            refreshToken: `refresh-${n}`
          }
        }
      }),
      store: options.store || options.checks ? async () => store : undefined,
      cancellation: {
        signal: controller.signal,
        onSignal: () => () => undefined,
        mustEndBy: () => undefined
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
    scopes,
    cancel: () => controller.abort(),
    advance: (ms: number) => (now += ms),
    now: () => now
  }
}

const unavailable = () =>
  new RenewalError('GetRepoPublicKey failed: HTTP 503. GitHub is unavailable', 'check', true)
const refused = () =>
  new ServiceError(
    'CreateToken',
    400,
    'InvalidGrantException',
    'Invalid refresh token',
    undefined,
    'json'
  )

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

  it('reports a renewal, and that the secret holds the renewed session', async () => {
    const { credentials } = sso({ expiresAt: 0 }, 3600, { store: true })
    expect(credentials.report()).toEqual({ renewed: false, saved: true, failure: undefined })
    await credentials.token()
    expect(credentials.report()).toEqual({ renewed: true, saved: true, failure: undefined })
  })
})

describe('an early renewal', () => {
  /** A cached token with 12 minutes left: within the 15-minute window, outside the 10-minute one. */
  const early = { expiresAt: Date.parse('2026-11-25T12:12:00Z') }

  it('that meets GitHub unavailable warns once, goes on with the current token, and tries again a minute later', async () => {
    const { credentials, events, grants, advance } = sso(early, 3600, {
      checks: [unavailable(), unavailable()]
    })
    expect(await credentials.token()).toBe('cached')
    advance(30_000)
    // Within the minute: no new attempt.
    expect(await credentials.token()).toBe('cached')
    advance(31_000)
    expect(await credentials.token()).toBe('cached')
    advance(61_000)
    expect(await credentials.token()).toBe('minted-1')
    expect(events.filter(e => e.startsWith('check'))).toHaveLength(3)
    const warnings = events.filter(e => e.startsWith('warning'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /^warning Could not renew the SSO session ahead of time: GetRepoPublicKey failed: HTTP 503.*\nThe step goes on with the current access token, which is valid for 12m 0s more, and tries again in a minute\./s
    )
    expect(grants).toHaveLength(1)
    expect(credentials.report()).toMatchObject({ renewed: true, saved: true })
  })

  it('that meets SSO OIDC 5xx goes on too, and presents the same refresh token next time', async () => {
    const unavailableOidc = new ServiceError('CreateToken', 503, undefined, 'x', undefined, 'json')
    const { credentials, grants, advance } = sso(early, 3600, { mints: [unavailableOidc] })
    expect(await credentials.token()).toBe('cached')
    advance(61_000)
    expect(await credentials.token()).toBe('minted-2')
    expect(grants.map(g => g.refreshToken)).toEqual(['refresh-0', 'refresh-0'])
  })

  it('whose refresh token is refused never presents it again, and fails once the token must be renewed', async () => {
    const { credentials, grants, advance } = sso(early, 3600, { mints: [refused()] })
    expect(await credentials.token()).toBe('cached')
    advance(2 * MINUTE + 1)
    // Ten minutes left: it must be renewed now.
    const error = await credentials.token().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RenewalError)
    expect((error as Error).message).toMatch(/^CreateToken failed: InvalidGrantException/)
    expect(grants).toHaveLength(1)
  })

  it('that a check refuses for good is tried again only when the token must be renewed, and then fails', async () => {
    const replaced = new RenewalError('not the latest copy', 'check', false)
    const { credentials, events, advance } = sso(early, 3600, { checks: [replaced, replaced] })
    expect(await credentials.token()).toBe('cached')
    advance(61_000)
    expect(await credentials.token()).toBe('cached')
    expect(events.filter(e => e.startsWith('check'))).toHaveLength(1)
    advance(61_000)
    await expect(credentials.token()).rejects.toThrow('not the latest copy')
    expect(events.filter(e => e.startsWith('check'))).toHaveLength(2)
  })

  it('is not tried, and nothing is spent, once the job is cancelled', async () => {
    const { credentials, grants, cancel } = sso({ expiresAt: 0 }, 3600, { store: true })
    cancel()
    const error = await credentials.token().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).kind).toBe('cancelled')
    expect(grants).toHaveLength(0)
  })
})

describe('a needed renewal', () => {
  it('that meets GitHub unavailable fails the step, having spent nothing', async () => {
    const { credentials, grants } = sso({ expiresAt: 0 }, 3600, { checks: [unavailable()] })
    await expect(credentials.token()).rejects.toThrow(/GitHub is unavailable/)
    expect(grants).toHaveLength(0)
    expect(credentials.report()).toMatchObject({ renewed: false, saved: true })
  })

  it('whose refresh token is refused reports that the secret holds no session to renew', async () => {
    const { credentials } = sso({ expiresAt: 0 }, 3600, { store: true, mints: [refused()] })
    await expect(credentials.token()).rejects.toThrow(/InvalidGrantException/)
    expect(credentials.report()).toMatchObject({ renewed: false, saved: false })
  })

  it('runs CreateToken on its own budget (half the renewal budget), not on the caller deadline', async () => {
    const { credentials, scopes, now } = sso({ expiresAt: 0 }, 3600, { store: true })
    await credentials.token(now() + 500)
    expect(scopes[0]).toMatchObject({ deadline: now() + 30_000, untilDeadline: false })
    expect(scopes[0]?.signal?.aborted).toBe(false)
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
