/**
 * The fault matrix: one cell per kind of fault the stand-in injects and per operation the action calls, once
 * and on every attempt, the whole step in-process (src/main.ts's run()) with sub-second timeouts. Each cell
 * ends as it should: one run, or a bounded failure that names the operation; never two runs. 500, 502 and 504
 * are the same kind as 503 (errors.test.ts shows they are classified alike); the matrix is printed at the end.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { FAULTS, type FaultName, type Operation } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation } from '../scripts/runner.js'
import { demoOptions } from '../stand-in/demo.js'
import { fast, runInProcess, shortSleep } from './helpers/in-process.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

/** The operations the action calls. */
type ActionOperation = Extract<
  Operation,
  'CreateToken' | 'StartWorkflowRun' | 'GetWorkflowRun' | 'ListWorkflows' | 'GetWorkflow'
>
const OPERATIONS: ActionOperation[] = [
  'CreateToken',
  'StartWorkflowRun',
  'GetWorkflowRun',
  'ListWorkflows',
  'GetWorkflow'
]

/** The faults that are the same kind as 503 (unavailable, answered with a status): errors.test.ts classifies them. */
const LIKE_503 = new Set<FaultName>(['500', '502', '504'])
/**
 * One fault of each kind, from the stand-in's list: throttled (with and without Retry-After), unavailable, cut,
 * silent, malformed, committed.
 */
const KINDS = FAULTS.filter(fault => !LIKE_503.has(fault))

/** The inputs that make the action call each operation (CreateToken: an SSO session whose token expired). */
const EXERCISE: Record<Exclude<ActionOperation, 'CreateToken'>, Record<string, string>> = {
  StartWorkflowRun: { 'workflow-id': DEMO.workflowId },
  GetWorkflowRun: { 'workflow-id': DEMO.workflowId, wait: 'true', 'poll-interval-seconds': '1' },
  ListWorkflows: { 'workflow-name': DEMO.workflowName },
  GetWorkflow: { 'workflow-id': DEMO.workflowId }
}

/** Faults after which the stand-in has committed the operation. */
const COMMITS = new Set<FaultName>(['commit-then-500', 'truncated', 'slow-body'])

interface Expected {
  code: number
  runs: number
  /** The key words of the error annotation. */
  message?: RegExp
  /** Whether the step reports the run it started as its run-id. */
  reportsRun: boolean
}

function expected(fault: FaultName, operation: ActionOperation, persistent: boolean): Expected {
  // SSO OIDC may rotate the refresh token (the stand-in does): once a renewal has committed, a retry of
  // it holds a spent refresh token, and the step must say to log in again.
  if (operation === 'CreateToken' && COMMITS.has(fault))
    return {
      code: 1,
      runs: 0,
      message: /CreateToken.*InvalidGrantException.*log in again/,
      reportsRun: false
    }
  if (!persistent) return { code: 0, runs: 1, reportsRun: true }
  const gaveUp = (op: string) => new RegExp(`^${op} failed \\(gave up after 2 attempts\\)`)
  switch (operation) {
    case 'CreateToken':
      return { code: 1, runs: 0, message: gaveUp('CreateToken'), reportsRun: false }
    case 'StartWorkflowRun':
      // Retries carry the same clientToken: a committed start is never repeated, and never reported as started.
      return {
        code: 1,
        runs: COMMITS.has(fault) ? 1 : 0,
        message: gaveUp('StartWorkflowRun'),
        reportsRun: false
      }
    case 'GetWorkflowRun':
      // The start succeeded and says so; the wait could not read the status.
      return {
        code: 1,
        runs: 1,
        message: /wait-timeout-seconds.*status could not be read/,
        reportsRun: true
      }
    case 'ListWorkflows':
      return { code: 1, runs: 0, message: gaveUp('ListWorkflows'), reportsRun: false }
    case 'GetWorkflow':
      // Reading the workflow is best effort: the start goes ahead.
      return { code: 0, runs: 1, reportsRun: true }
  }
}

const textMatching = (pattern?: RegExp) => pattern && expect.stringMatching(pattern)

const cells = KINDS.flatMap(fault =>
  OPERATIONS.flatMap(operation =>
    [false, true].map(persistent => ({ fault, operation, persistent }))
  )
)
const results = new Map<string, string>()
const key = (fault: string, operation: string, persistent: boolean) =>
  `${fault}|${operation}|${persistent}`

describe('fault matrix', () => {
  it.each(cells)(
    '$fault on $operation (persistent: $persistent)',
    async ({ fault, operation, persistent }) => {
      // Two statuses, briefly each: a short run leaves the wait's timeout room for the faults.
      const standIn = await startStandIn({
        statusMs: 100,
        workflows: demoOptions().workflows.map(w => ({
          ...w,
          runStatuses: ['IN_PROGRESS', 'SUCCEEDED']
        }))
      })
      try {
        standIn.failNext(operation, ...Array<FaultName>(persistent ? 500 : 1).fill(fault))
        const started = Date.now()
        const credential: Record<string, string> =
          operation === 'CreateToken'
            ? {
                'sso-session': JSON.stringify(
                  standIn.ssoSession({ accessTokenValidForSeconds: -1 })
                ),
                'workflow-id': DEMO.workflowId
              }
            : { token: DEMO.token, ...EXERCISE[operation] }
        const result = await runInProcess({
          inputs: {
            space: DEMO.space,
            project: DEMO.project,
            endpoint: standIn.url,
            'max-attempts': '2',
            ...credential
          },
          env: { ...GITHUB_CONTEXT, AWS_ENDPOINT_URL_SSO_OIDC: standIn.url },
          tune: fast({ requestMs: 300, pollMs: 50, waitMs: 1500 }),
          sleep: shortSleep()
        })
        const seconds = (Date.now() - started) / 1000
        const runs = [...standIn.runs.keys()]
        results.set(
          key(fault, operation, persistent),
          `${result.code === 0 ? 'ok' : 'fail'}, ${runs.length} run${runs.length === 1 ? '' : 's'}`
        )
        // Every operation is retried, except the best-effort read of the workflow: one attempt.
        const attempts = standIn.requestsFor(operation).length
        const want = expected(fault, operation, persistent)
        expect({
          code: result.code,
          runs: runs.length,
          attempts: operation === 'GetWorkflow' ? attempts === 1 : attempts >= (persistent ? 2 : 1),
          error: errorAnnotation(result.stdout),
          runId: result.outputs['run-id']
        }).toEqual({
          code: want.code,
          runs: want.runs,
          attempts: true,
          error: textMatching(want.message),
          runId: want.reportsRun ? runs[0] : undefined
        })
        expect(seconds).toBeLessThan(5)
      } finally {
        await standIn.close()
      }
    }
  )

  afterAll(() => {
    const header = ['fault', ...OPERATIONS.flatMap(op => [`${op} once`, `${op} every attempt`])]
    const rows = KINDS.map(fault => [
      fault,
      ...OPERATIONS.flatMap(op =>
        [false, true].map(p => results.get(key(fault, op, p)) ?? 'not run')
      )
    ])
    const table = [header, header.map(() => '---'), ...rows]
      .map(r => `| ${r.join(' | ')} |`)
      .join('\n')
    console.log(
      `Fault matrix (max-attempts 2, request timeout 0.3 s, wait timeout 1.5 s):\n${table}`
    )
  })
})
