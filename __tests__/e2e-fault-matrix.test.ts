/**
 * The fault matrix: each fault the stand-in can inject, against each operation the action uses, once and
 * on every attempt, end to end on dist/index.js. Each cell must end as it should: one run, or a clear,
 * bounded failure; never two runs. The matrix is printed at the end.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { FAULTS, type FaultName, type Operation } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { demoOptions } from '../stand-in/demo.js'
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

/** The inputs that make the action call each operation (CreateToken: an SSO session whose token expired). */
const EXERCISE: Record<Exclude<ActionOperation, 'CreateToken'>, Record<string, string>> = {
  StartWorkflowRun: { 'workflow-id': DEMO.workflowId },
  GetWorkflowRun: {
    'workflow-id': DEMO.workflowId,
    wait: 'true',
    'poll-interval-seconds': '1',
    'wait-timeout-seconds': '4'
  },
  ListWorkflows: { 'workflow-name': DEMO.workflowName },
  GetWorkflow: { 'workflow-id': DEMO.workflowId }
}

/** Faults after which the stand-in has committed the start. */
const COMMITS = new Set<FaultName>(['commit-then-500', 'truncated', 'slow-body'])

interface Expected {
  code: number
  runs: number
  message?: RegExp
}

function expected(fault: FaultName, operation: ActionOperation, persistent: boolean): Expected {
  // SSO OIDC may rotate the refresh token (the stand-in does): once a renewal has committed, a retry of
  // it holds a spent refresh token, and the step must say to log in again.
  if (operation === 'CreateToken' && COMMITS.has(fault))
    return {
      code: 1,
      runs: 0,
      message: /^CreateToken failed.*: InvalidGrantException \(HTTP 400\).*log in again/
    }
  if (!persistent) return { code: 0, runs: 1 }
  switch (operation) {
    case 'CreateToken':
      return { code: 1, runs: 0, message: /^CreateToken failed \(gave up after 2 attempts\): / }
    case 'StartWorkflowRun':
      // Retries carry the same clientToken: a committed start is never repeated.
      return {
        code: 1,
        runs: COMMITS.has(fault) ? 1 : 0,
        message: /^StartWorkflowRun failed \(gave up after 2 attempts\): /
      }
    case 'GetWorkflowRun':
      return {
        code: 1,
        runs: 1,
        message:
          /^Timed out after 4s \(wait-timeout-seconds\) waiting for run \S+: its status could not be read\. Raise wait-timeout-seconds to wait longer\. The CodeCatalyst run keeps running/
      }
    case 'ListWorkflows':
      return { code: 1, runs: 0, message: /^ListWorkflows failed \(gave up after 2 attempts\): / }
    case 'GetWorkflow':
      // Reading the workflow is best effort: the start goes ahead.
      return { code: 0, runs: 1 }
  }
}

const textMatching = (pattern?: RegExp) => pattern && expect.stringMatching(pattern)

const cells = FAULTS.flatMap(fault =>
  OPERATIONS.flatMap(operation =>
    [false, true].map(persistent => ({ fault, operation, persistent }))
  )
)
const results = new Map<string, string>()
const key = (fault: string, operation: string, persistent: boolean) =>
  `${fault}|${operation}|${persistent}`

describe('fault matrix', () => {
  it.concurrent.each(cells)(
    '$fault on $operation (persistent: $persistent)',
    async ({ fault, operation, persistent }) => {
      // Two statuses: the matrix is about faults, and a short run leaves the wait's timeout room for them.
      const standIn = await startStandIn({
        workflows: demoOptions().workflows.map(w => ({
          ...w,
          runStatuses: ['IN_PROGRESS', 'SUCCEEDED']
        }))
      })
      try {
        standIn.failNext(operation, ...Array<FaultName>(persistent ? 20 : 1).fill(fault))
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
        const result = await runAction({
          inputs: {
            space: DEMO.space,
            project: DEMO.project,
            endpoint: standIn.url,
            'request-timeout-seconds': '1',
            'max-attempts': '2',
            ...credential
          },
          env: { ...GITHUB_CONTEXT, AWS_ENDPOINT_URL_SSO_OIDC: standIn.url }
        })
        const seconds = (Date.now() - started) / 1000
        const want = expected(fault, operation, persistent)
        results.set(
          key(fault, operation, persistent),
          `${result.code === 0 ? 'ok' : 'fail'}, ${standIn.runs.size} run${standIn.runs.size === 1 ? '' : 's'}, ${seconds.toFixed(1)} s`
        )
        // Every operation is retried, except the best-effort read of the workflow: one attempt.
        const attempts = standIn.requestsFor(operation).length
        const minAttempts = operation === 'GetWorkflow' ? 1 : persistent ? 2 : 1
        const maxAttempts = operation === 'GetWorkflow' ? 1 : Infinity
        expect({
          code: result.code,
          runs: standIn.runs.size,
          attemptsInRange: attempts >= minAttempts && attempts <= maxAttempts,
          error: errorAnnotation(result.stdout),
          runId: result.outputs['run-id']
        }).toEqual({
          code: want.code,
          runs: want.runs,
          attemptsInRange: true,
          error: textMatching(want.message),
          // A start that succeeded sets its run id; a failed wait keeps the one it had.
          runId: want.code === 0 ? [...standIn.runs.keys()][0] : result.outputs['run-id']
        })
        expect(seconds).toBeLessThan(20)
      } finally {
        await standIn.close()
      }
    }
  )

  afterAll(() => {
    const header = ['fault', ...OPERATIONS.flatMap(op => [`${op} once`, `${op} every attempt`])]
    const rows = FAULTS.map(fault => [
      fault,
      ...OPERATIONS.flatMap(op =>
        [false, true].map(p => results.get(key(fault, op, p)) ?? 'not run')
      )
    ])
    const table = [header, header.map(() => '---'), ...rows]
      .map(r => `| ${r.join(' | ')} |`)
      .join('\n')
    console.log(`Fault matrix (max-attempts 2, request timeout 1 s, wait timeout 4 s):\n${table}`)
  })
})
