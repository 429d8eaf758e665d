import { describe, expect, it } from '@jest/globals'
import { ResponseError, ServiceError, TransportError } from '../src/net/errors.js'
import {
  type RetryNotice,
  backoffDelay,
  defaultRetryPolicy,
  withRetries
} from '../src/net/retry-helper.js'

/** A fake clock: sleeping advances it, so tests take no time. */
function fakeDeps(random = () => 1) {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    deps: {
      now: () => now,
      random,
      sleep: async (ms: number) => {
        sleeps.push(ms)
        now += ms
      }
    }
  }
}

const throttled = () =>
  new ServiceError('Op', 429, 'ThrottlingException', 'Rate exceeded', 'r1', 'json')
const unavailable = () =>
  new ServiceError('Op', 503, 'ServiceUnavailableException', 'down', 'r2', 'json')

async function attempt(failures: Error[], maxAttempts = 5, random?: () => number) {
  const { deps, sleeps } = fakeDeps(random)
  const notices: RetryNotice[] = []
  let calls = 0
  const result = await withRetries(
    async () => {
      const failure = failures[calls++]
      if (failure) throw failure
      return 'ok'
    },
    defaultRetryPolicy(maxAttempts),
    deps,
    n => notices.push(n)
  ).catch((e: unknown) => e)
  return { result, calls, sleeps, notices, elapsed: deps.now() }
}

describe('withRetries', () => {
  it('retries throttling and 5xx, then returns the result', async () => {
    const r = await attempt([throttled(), unavailable(), throttled()])
    expect(r.result).toBe('ok')
    expect(r.calls).toBe(4)
    expect(r.notices.map(n => [n.attempt, n.error.reason])).toEqual([
      [1, expect.stringContaining('ThrottlingException (HTTP 429)')],
      [2, expect.stringContaining('ServiceUnavailableException (HTTP 503)')],
      [3, expect.stringContaining('ThrottlingException')]
    ])
  })

  it.each([400, 402, 403, 404, 409, 501, 418])('never retries HTTP %i', async status => {
    const r = await attempt([new ServiceError('Op', status, undefined, 'no', undefined, 'json')])
    expect(r.calls).toBe(1)
    expect(r.sleeps).toEqual([])
  })

  it('never retries a malformed success or a non-network error', async () => {
    expect((await attempt([new ResponseError('Op', 'bad body')])).calls).toBe(1)
    expect((await attempt([new TypeError('bug')])).calls).toBe(1)
  })

  it('retries resets, refusals and timeouts, but not a DNS failure', async () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT']) {
      expect((await attempt([new TransportError('Op', code, code)])).calls).toBe(2)
    }
    expect((await attempt([new TransportError('Op', 'ENOTFOUND', 'dns')])).calls).toBe(1)
  })

  it('gives up after max-attempts and records how many were made', async () => {
    const r = await attempt(Array.from({ length: 9 }, unavailable), 3)
    expect(r.calls).toBe(3)
    expect(r.result).toBeInstanceOf(ServiceError)
    expect((r.result as ServiceError).attempts).toBe(3)
    expect((r.result as ServiceError).logLine()).toMatch(
      /^Op failed \(gave up after 3 attempts\): /
    )
  })

  it('gives up at once when the reply asks for a longer wait than one delay may take', async () => {
    const slow = () => Object.assign(throttled(), { retryAfterMs: 3_600_000 })
    const r = await attempt(Array.from({ length: 10 }, slow), 10)
    expect(r.calls).toBe(1)
    expect(r.sleeps).toEqual([])
  })

  it('gives up within the time budget when every reply asks for a long wait it allows', async () => {
    const slow = () => Object.assign(throttled(), { retryAfterMs: 15_000 })
    const r = await attempt(Array.from({ length: 10 }, slow), 10)
    expect(r.sleeps.every(ms => ms === 15_000)).toBe(true)
    expect(r.elapsed).toBeLessThanOrEqual(30_000)
    expect(r.calls).toBe(3)
  })
})

describe('backoffDelay', () => {
  const policy = defaultRetryPolicy(5)
  it('is full jitter below base * 2^retry, longer for throttling', () => {
    expect(backoffDelay(policy, 'transient', 1, () => 1)).toBe(200)
    expect(backoffDelay(policy, 'transient', 3, () => 1)).toBe(800)
    expect(backoffDelay(policy, 'throttling', 1, () => 1)).toBe(1000)
    expect(backoffDelay(policy, 'throttling', 4, () => 0.5)).toBe(4000)
    expect(backoffDelay(policy, 'throttling', 2, () => 0)).toBe(0)
  })
  it('honours Retry-After as a floor and caps everything at 20 s', () => {
    expect(backoffDelay(policy, 'throttling', 1, () => 0, 1500)).toBe(1500)
    expect(backoffDelay(policy, 'throttling', 10, () => 1)).toBe(20_000)
    expect(backoffDelay(policy, 'throttling', 1, () => 0, 120_000)).toBe(20_000)
  })
})
