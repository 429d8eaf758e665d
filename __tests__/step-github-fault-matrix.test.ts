/**
 * The GitHub fault matrix: each kind of fault GitHub (or the network to it) can show, once, against each GitHub
 * operation a renewal with write-back makes, the whole step in-process (src/main.ts's run()). In every cell the
 * step succeeds, one run starts, and the secret ends holding a refresh token that SSO OIDC accepts, named by the
 * marker: whatever GitHub did, nothing spent was lost. The matrix is printed at the end.
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals'
import type { GitHubFault, GitHubOperation } from '../stand-in/github-secrets.js'
import { type RunOptions, errorAnnotation } from '../scripts/runner.js'
import { fast, runInProcess, shortSleep } from './helpers/in-process.js'
import { MARKER, type World, serve, sha256 } from './helpers/session-world.js'

/** The operations of one renewal, in order; UpdateRepoVariable where a marker exists, CreateRepoVariable where not. */
const OPERATIONS: GitHubOperation[] = [
  'GetRepoPublicKey',
  'GetRepoSecret',
  'GetRepoVariable',
  'CreateRepoVariable',
  'UpdateRepoVariable',
  'CreateOrUpdateRepoSecret'
]

/** One fault of each kind: an error, a cut or lost connection, an answer after the write, a rate limit. */
const FAULTS: GitHubFault[] = [
  '503',
  'reset',
  'hang',
  'html',
  'truncated',
  'commit-then-503',
  'commit-then-reset',
  'commit-then-hang',
  'rate-limited',
  'secondary-rate-limit'
]

/** Operations GitHub answers 204, with no body to cut short: 'truncated' cannot show on them. */
const NO_BODY = new Set<GitHubOperation>(['UpdateRepoVariable', 'CreateOrUpdateRepoSecret'])
const cells = OPERATIONS.flatMap(operation =>
  FAULTS.filter(fault => fault !== 'truncated' || !NO_BODY.has(operation)).map(fault => ({
    operation,
    fault
  }))
)
const results = new Map<string, string>()
const key = (fault: GitHubFault, operation: string) => `${JSON.stringify(fault)}|${operation}`

/** A job in-process: requests time out after 0.3 s, backoffs and Retry-After waits last at most 20 ms. */
const run = (options: RunOptions) =>
  runInProcess({ ...options, tune: fast({ requestMs: 300 }), sleep: shortSleep() })
let world: World | undefined
afterEach(() => world?.close())

describe('GitHub fault matrix', () => {
  it.each(cells)('$fault on $operation', async ({ operation, fault }) => {
    const w = (world = await serve(run))
    // A marker that names the stored session makes the renewal update it; without one, create it.
    if (operation !== 'CreateRepoVariable')
      w.github.setVariable(
        MARKER,
        JSON.stringify({ current: sha256(w.saved().refreshToken ?? ''), replaced: [] })
      )
    w.github.failNext(operation, fault)
    const started = Date.now()
    const result = await w.job({ inputs: { 'max-attempts': '3' } })
    const seconds = (Date.now() - started) / 1000
    results.set(
      key(fault, operation),
      `${result.code === 0 ? 'ok' : 'fail'}, ${seconds.toFixed(1)} s`
    )
    const { refreshToken = '' } = w.saved()
    expect({
      code: result.code,
      error: errorAnnotation(result.stdout),
      runs: w.codecatalyst.runs.size,
      faulted: w.github.requestsFor(operation).length >= 2,
      live: w.codecatalyst.oidc.acceptsRefreshToken(refreshToken),
      marked: w.marker()?.current === sha256(refreshToken),
      outputs: [result.outputs['session-renewed'], result.outputs['session-saved']]
    }).toEqual({
      code: 0,
      error: undefined,
      runs: 1,
      faulted: true,
      live: true,
      marked: true,
      outputs: ['true', 'true']
    })
    expect(seconds).toBeLessThan(8)
  })

  afterAll(() => {
    const header = ['fault', ...OPERATIONS]
    const rows = FAULTS.map(fault => [
      typeof fault === 'string' ? fault : JSON.stringify(fault),
      ...OPERATIONS.map(op => results.get(key(fault, op)) ?? '-')
    ])
    const table = [header, header.map(() => '---'), ...rows]
      .map(r => `| ${r.join(' | ')} |`)
      .join('\n')
    console.log(
      `GitHub fault matrix (each fault once; max-attempts 3, request timeout 0.3 s):\n${table}`
    )
  })
})
