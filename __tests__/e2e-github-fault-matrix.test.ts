/**
 * The GitHub fault matrix: each kind of fault GitHub (or the network to it) can show, once, against each GitHub
 * operation a renewal with write-back makes, end to end on dist/index.js. In every cell the step succeeds, one
 * run starts, and the secret ends holding a refresh token that SSO OIDC accepts, named by the marker: whatever
 * GitHub did, nothing spent was lost. The matrix is printed at the end.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { demoOptions } from '../stand-in/demo.js'
import type { GitHubFault, GitHubOperation } from '../stand-in/github-secrets.js'
import { startStandIns } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { DEMO } from './helpers/stand-in.js'

const SECRET = 'CODECATALYST_SSO_SESSION'
const MARKER = `${SECRET}_MARKER`
const TOKEN = 'github_pat_writer'

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

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const results = new Map<string, string>()
const key = (fault: GitHubFault, operation: string) => `${JSON.stringify(fault)}|${operation}`

/** Operations GitHub answers 204, with no body to cut short: 'truncated' cannot show on them. */
const NO_BODY = new Set<GitHubOperation>(['UpdateRepoVariable', 'CreateOrUpdateRepoSecret'])
const cells = OPERATIONS.flatMap(operation =>
  FAULTS.filter(fault => fault !== 'truncated' || !NO_BODY.has(operation)).map(fault => ({
    operation,
    fault
  }))
)

describe('GitHub fault matrix', () => {
  it.concurrent.each(cells)('$fault on $operation', async ({ operation, fault }) => {
    const standIns = await startStandIns(demoOptions(), {
      repository: 'octo-org/app',
      tokens: { [TOKEN]: { kind: 'pat', secrets: 'write', variables: 'write' } }
    })
    const { codecatalyst, github } = standIns
    try {
      const stored = codecatalyst.ssoSession({ accessTokenValidForSeconds: -60 })
      github.setSecret(SECRET, JSON.stringify(stored))
      // A marker that names the stored session makes the renewal update it; without one, create it.
      if (operation !== 'CreateRepoVariable')
        github.setVariable(
          MARKER,
          JSON.stringify({ current: sha256(stored.refreshToken), replaced: [] })
        )
      github.failNext(operation, fault)
      const started = Date.now()
      const result = await runAction({
        inputs: {
          space: DEMO.space,
          project: DEMO.project,
          'workflow-id': DEMO.workflowId,
          'sso-session': JSON.stringify(stored),
          'sso-session-secret': SECRET,
          'github-token': TOKEN,
          endpoint: codecatalyst.url,
          'request-timeout-seconds': '1',
          'max-attempts': '3'
        },
        env: { ...GITHUB_CONTEXT, ...standIns.env }
      })
      const seconds = (Date.now() - started) / 1000
      results.set(
        key(fault, operation),
        `${result.code === 0 ? 'ok' : 'fail'}, ${seconds.toFixed(1)} s`
      )
      const saved = JSON.parse(github.secretValue(SECRET) ?? '{}') as { refreshToken?: string }
      expect({
        code: result.code,
        error: errorAnnotation(result.stdout),
        runs: codecatalyst.runs.size,
        faulted: github.requestsFor(operation).length >= 2,
        live: codecatalyst.oidc.acceptsRefreshToken(saved.refreshToken ?? ''),
        marked: github.variableValue(MARKER)?.includes(sha256(saved.refreshToken ?? '')),
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
      expect(seconds).toBeLessThan(15)
    } finally {
      await standIns.close()
    }
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
      `GitHub fault matrix (each fault once; max-attempts 3, request timeout 1 s):\n${table}`
    )
  })
})
