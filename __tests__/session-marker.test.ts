import { describe, expect, it } from '@jest/globals'
import {
  MARKER_HISTORY,
  formatMarker,
  judgeCopy,
  nextMarker,
  parseMarker,
  sha256
} from '../src/auth/marker.js'

const [a, b, c, d] = ['refresh-a', 'refresh-b', 'refresh-c', 'refresh-d'].map(sha256)

describe('the marker rule', () => {
  it('presents a copy with no marker yet, or one the marker has never seen (stored by hand)', () => {
    expect(judgeCopy(a!, undefined)).toBe('unknown')
    expect(judgeCopy(d!, { current: b!, replaced: [a!] })).toBe('unknown')
  })

  it('presents the copy the marker names, whenever and however slowly it was saved', () => {
    expect(judgeCopy(b!, { current: b!, replaced: [a!] })).toBe('latest')
  })

  it('never presents a copy a saved renewal replaced, however soon after its own save', () => {
    // Job 1 renewed a into b and saved; 8 s later job 2 renewed b into c and saved.
    const afterJob1 = nextMarker(undefined, a!, b!)
    const afterJob2 = nextMarker(afterJob1, b!, c!)
    expect(judgeCopy(a!, afterJob2)).toBe('replaced')
    expect(judgeCopy(b!, afterJob2)).toBe('replaced')
    expect(judgeCopy(c!, afterJob2)).toBe('latest')
  })

  it('after a copy stored by hand, replaces what the marker named before as well', () => {
    const marker = nextMarker({ current: b!, replaced: [a!] }, d!, c!)
    expect(marker).toEqual({ current: c!, replaced: [d!, b!, a!] })
  })

  it('keeps a refresh token that was not rotated current', () => {
    expect(nextMarker({ current: a!, replaced: [] }, a!, a!)).toEqual({ current: a!, replaced: [] })
  })

  it(`remembers the newest ${MARKER_HISTORY} replaced refresh tokens`, () => {
    let marker = nextMarker(undefined, sha256('0'), sha256('1'))
    for (let n = 1; n < 150; n++)
      marker = nextMarker(marker, sha256(String(n)), sha256(String(n + 1)))
    expect(marker.replaced).toHaveLength(MARKER_HISTORY)
    expect(marker.replaced[0]).toBe(sha256('149'))
    expect(formatMarker(marker).length).toBeLessThan(48 * 1024)
  })

  it('reads back what it writes, and nothing else', () => {
    const marker = { current: a!, replaced: [b!] }
    expect(parseMarker(formatMarker(marker))).toEqual(marker)
    for (const value of ['', 'x', '{}', '{"current":"abc","replaced":[]}', `{"current":"${a}"}`])
      expect(parseMarker(value)).toBeUndefined()
  })

  it('holds hashes only: no refresh token appears in it', () => {
    const text = formatMarker(nextMarker(undefined, sha256('refresh-a'), sha256('refresh-b')))
    expect(text).not.toContain('refresh-')
  })
})
