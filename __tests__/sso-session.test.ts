/**
 * The AWS CLI's SSO cache file as the action writes it back and reads it leniently (src/auth/sso-session.ts):
 * the members a renewal and a login write, in the CLI's form, the secrets found to mask before anything else,
 * and the warning before the client registration ends. Parsing is input-readers.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import {
  newCacheFile,
  parseSsoSession,
  registrationWarning,
  renewedCacheFile,
  ssoSessionSecrets
} from '../src/auth/sso-session.js'

const NOW = Date.parse('2026-12-02T12:00:00Z')
const FILE = {
  startUrl: 'https://view.awsapps.com/start',
  region: 'us-east-1',
  accessToken: 'old-access',
  expiresAt: '2026-12-02T11:00:00Z',
  clientId: 'client',
  clientSecret: 'client-secret',
  registrationExpiresAt: '2027-03-01T12:00:00Z',
  refreshToken: 'old-refresh',
  somethingTheCliAdds: 'kept'
}
const session = () => parseSsoSession(JSON.stringify(FILE), NOW).value!

describe('the cache file', () => {
  it('after a renewal: the new access token, its end in whole seconds, the new refresh token, the rest as given', () => {
    const renewed = JSON.parse(
      renewedCacheFile(session(), {
        accessToken: 'new-access',
        expiresAt: NOW + 3_600_500,
        refreshToken: 'new-refresh'
      })
    ) as Record<string, string>
    expect(renewed).toEqual({
      ...FILE,
      accessToken: 'new-access',
      expiresAt: '2026-12-02T13:00:00Z',
      refreshToken: 'new-refresh'
    })
  })

  it('drops the save time that versions before the marker added', () => {
    const old = parseSsoSession(
      JSON.stringify({ ...FILE, githubSecretSavedAt: '2026-12-01T00:00:00Z' }),
      NOW
    )
    const renewed = renewedCacheFile(old.value!, {
      accessToken: 'a',
      expiresAt: NOW,
      refreshToken: 'r'
    })
    expect(renewed).not.toContain('githubSecretSavedAt')
  })

  it('of a new login: exactly the members aws sso login writes, in its order and its time format', () => {
    const written = newCacheFile({
      startUrl: FILE.startUrl,
      region: FILE.region,
      clientId: 'c',
      clientSecret: 's',
      registrationExpiresAt: Date.parse('2027-03-02T12:00:00.750Z'),
      accessToken: 'a',
      expiresAt: Date.parse('2026-12-02T13:00:00Z'),
      refreshToken: 'r'
    })
    expect(written).toBe(
      '{"startUrl":"https://view.awsapps.com/start","region":"us-east-1","accessToken":"a",' +
        '"expiresAt":"2026-12-02T13:00:00Z","clientId":"c","clientSecret":"s",' +
        '"registrationExpiresAt":"2027-03-02T12:00:00Z","refreshToken":"r"}'
    )
    expect(parseSsoSession(written, NOW).problems).toEqual([])
  })
})

describe('before anything is printed', () => {
  it('finds the access token, the refresh token and the client secret to mask, even in a file that does not parse', () => {
    expect(ssoSessionSecrets(JSON.stringify(FILE)).sort()).toEqual(
      ['client-secret', 'old-access', 'old-refresh'].sort()
    )
    expect(ssoSessionSecrets('not json')).toEqual([])
    expect(ssoSessionSecrets(JSON.stringify({ refreshToken: 42, accessToken: '' }))).toEqual([])
  })
})

describe('the registration warning', () => {
  it('says nothing while the registration has more than the warning days left', () => {
    expect(registrationWarning(session(), NOW, 14)).toBeUndefined()
  })

  it('names the end date, the days left, and the way back in', () => {
    const ends = { ...session(), registrationExpiresAt: NOW + 9.5 * 86_400_000 }
    expect(registrationWarning(ends, NOW, 14)).toMatch(
      /ends on 2026-12-12 \(in 9 days\).*run the login workflow.*aws sso login/s
    )
    expect(
      registrationWarning({ ...ends, registrationExpiresAt: NOW + 86_400_000 }, NOW, 14)
    ).toMatch(/\(in 1 day\)/)
  })
})
