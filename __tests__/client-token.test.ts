import { describe, expect, it } from '@jest/globals'
import { type TokenContext, deriveClientToken } from '../src/codecatalyst/client-token.js'
import { isValidClientToken } from '../src/codecatalyst/model.js'

const BASE: TokenContext = {
  runId: '16020401234',
  runAttempt: '1',
  job: 'deploy',
  action: 'start',
  space: 'ExampleCorp',
  project: 'MyDemoProject',
  workflowId: '0a1b2c3d-1111-4222-8333-444455556666'
}

const token = (overrides: Partial<TokenContext> = {}) =>
  deriveClientToken({ ...BASE, ...overrides }).token

describe('deriveClientToken', () => {
  it('is the same for the same step in the same attempt', () => {
    expect(token()).toBe(token())
  })

  it('carries the run id and attempt readably', () => {
    expect(token()).toMatch(/^gh-16020401234-1-[0-9a-f]{24}$/)
    expect(token({ runAttempt: '3' })).toMatch(/^gh-16020401234-3-/)
  })

  it.each<[string, Partial<TokenContext>]>([
    ['a re-run (new attempt)', { runAttempt: '2' }],
    ['another workflow run', { runId: '16020401235' }],
    ['another job', { job: 'deploy-eu' }],
    ['another step in the job', { action: 'start-2' }],
    ['another space', { space: 'OtherCorp' }],
    ['another project', { project: 'OtherProject' }],
    ['another workflow', { workflowId: '0a1b2c3d-1111-4222-8333-444455556667' }]
  ])('differs for %s', (_, change) => {
    expect(token(change)).not.toBe(token())
  })

  it('does not let one field run into the next (no ambiguous concatenation)', () => {
    expect(token({ job: 'ab', action: 'c' })).not.toBe(token({ job: 'a', action: 'bc' }))
    expect(token({ space: 'a.b', project: 'c' })).not.toBe(token({ space: 'a', project: 'b.c' }))
  })

  it('treats the workflow id case-insensitively, as the service does', () => {
    expect(token({ workflowId: BASE.workflowId.toUpperCase() })).toBe(token())
  })

  it('stays within the model for very long names and odd environment values', () => {
    const long = token({
      runId: '9'.repeat(40),
      runAttempt: '12345678',
      job: 'j'.repeat(500),
      action: '__run_2',
      space: 's'.repeat(300),
      project: 'p'.repeat(300)
    })
    expect(long.length).toBeLessThanOrEqual(64)
    expect(isValidClientToken(long)).toBe(true)
    expect(isValidClientToken(token({ runId: '--', runAttempt: '' }))).toBe(true)
  })

  it('keeps long run ids distinct even though only their start is readable', () => {
    expect(token({ runId: '1'.repeat(20) + '1' })).not.toBe(token({ runId: '1'.repeat(20) + '2' }))
  })

  it('is random, and says so, outside GitHub Actions', () => {
    const a = deriveClientToken({ ...BASE, runId: undefined })
    const b = deriveClientToken({ ...BASE, runId: undefined })
    expect(a.random).toBe(true)
    expect(a.token).not.toBe(b.token)
    expect(isValidClientToken(a.token)).toBe(true)
    expect(deriveClientToken(BASE).random).toBe(false)
  })
})
