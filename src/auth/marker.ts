/**
 * The rule that decides whether a job's copy of the SSO session may be presented to SSO OIDC: exact, with no
 * clock in it. A secret's value can never be read back, so beside the secret the action keeps a marker that can
 * be: an Actions variable holding the SHA-256 of the refresh token the secret holds (never the token), and of
 * every refresh token that a saved renewal has replaced. Pure: it parses, judges and computes the next marker.
 */
import { createHash } from 'node:crypto'
import { isRecord } from '../net/errors.js'

/** What the marker variable holds. */
export interface Marker {
  /** SHA-256 (hex) of the refresh token in the session last saved to the secret. */
  current: string
  /** SHA-256 of refresh tokens that saved renewals have replaced, newest first: each one is spent or superseded. */
  replaced: string[]
}

/** How many replaced refresh tokens the marker remembers: weeks of renewals, a few kilobytes. */
export const MARKER_HISTORY = 100

/**
 * Whether a copy is the one the secret holds: `latest` (the marker names its refresh token), `unknown` (the
 * marker has never seen it: stored by hand, e.g. after `aws sso login`, or no marker yet), or `replaced` (a saved
 * renewal presented it, or replaced it: never present it).
 */
export type Verdict = 'latest' | 'unknown' | 'replaced'

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

const SHA256 = /^[0-9a-f]{64}$/

/** The marker in a variable's value; undefined when the value is not one the action wrote. */
export function parseMarker(value: string): Marker | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return undefined
  }
  if (!isRecord(parsed) || typeof parsed.current !== 'string' || !SHA256.test(parsed.current))
    return undefined
  const { replaced } = parsed
  if (!Array.isArray(replaced) || !replaced.every(h => typeof h === 'string' && SHA256.test(h)))
    return undefined
  return { current: parsed.current, replaced: replaced as string[] }
}

export function formatMarker(marker: Marker): string {
  return JSON.stringify({ current: marker.current, replaced: marker.replaced })
}

/** The verdict on a copy whose refresh token hashes to `hash`, with the marker as it stands (none yet: undefined). */
export function judgeCopy(hash: string, marker: Marker | undefined): Verdict {
  if (marker === undefined) return 'unknown'
  if (marker.current === hash) return 'latest'
  return marker.replaced.includes(hash) ? 'replaced' : 'unknown'
}

/**
 * The marker after a renewal that presented `presented` and got `renewed` (both hashes): the renewed one is
 * current, and the presented one and the one the marker named before are replaced. A refresh token that was
 * not rotated (renewed === presented) stays current and live.
 */
export function nextMarker(marker: Marker | undefined, presented: string, renewed: string): Marker {
  return naming(renewed, [presented, marker?.current, ...(marker?.replaced ?? [])])
}

export function sameMarker(a: Marker | undefined, b: Marker): boolean {
  return a !== undefined && formatMarker(a) === formatMarker(b)
}

/** The marker after a new login whose refresh token hashes to `fresh`: what it named before is replaced. */
export function markerAfterLogin(marker: Marker | undefined, fresh: string): Marker {
  return naming(fresh, [marker?.current, ...(marker?.replaced ?? [])])
}

/** A marker naming `current`, with `replaced` (newest first) without it, without repeats, at most MARKER_HISTORY. */
function naming(current: string, replaced: (string | undefined)[]): Marker {
  const others = replaced.filter((hash): hash is string => hash !== undefined && hash !== current)
  return { current, replaced: [...new Set(others)].slice(0, MARKER_HISTORY) }
}
