/**
 * One connection per process: dist/index.js keeps its connection alive across GetWorkflow →
 * StartWorkflowRun, across token renewal, and across the polls of a wait; counted at the stand-in.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { CodeCatalystStandIn, StandInOptions } from '../stand-in/server.js'
import { GITHUB_CONTEXT, runAction } from '../scripts/runner.js'
import { expectSuccess } from './helpers/expectations.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

let standIn: CodeCatalystStandIn
afterEach(async () => {
  await standIn.close()
})

async function run(inputs: Record<string, string>, options: Partial<StandInOptions> = {}) {
  standIn = await startStandIn(options)
  return runAction({
    inputs: {
      space: DEMO.space,
      project: DEMO.project,
      token: DEMO.token,
      endpoint: standIn.url,
      ...inputs
    },
    env: { ...GITHUB_CONTEXT, AWS_ENDPOINT_URL_SSO_OIDC: standIn.url }
  })
}

describe('connections', () => {
  it('a start by id: GetWorkflow and StartWorkflowRun on one connection', async () => {
    const result = await run({ 'workflow-id': DEMO.workflowId })
    expectSuccess(result)
    expect(standIn.requests.map(r => r.operation)).toEqual(['GetWorkflow', 'StartWorkflowRun'])
    expect(standIn.connections).toBe(1)
  })

  it('a start by name and a wait of several polls: one connection', async () => {
    const result = await run({
      'workflow-name': DEMO.workflowName,
      wait: 'true',
      'poll-interval-seconds': '1'
    })
    expectSuccess(result)
    expect(standIn.requestsFor('GetWorkflowRun').length).toBeGreaterThanOrEqual(4)
    expect(standIn.connections).toBe(1)
  })

  it('an SSO renewal goes on a connection of its own (its refresh token is single use); the rest share one', async () => {
    standIn = await startStandIn()
    const session = JSON.stringify(standIn.ssoSession({ accessTokenValidForSeconds: -1 }))
    const result = await runAction({
      inputs: {
        space: DEMO.space,
        project: DEMO.project,
        'workflow-id': DEMO.workflowId,
        'sso-session': session,
        endpoint: standIn.url
      },
      env: { ...GITHUB_CONTEXT, AWS_ENDPOINT_URL_SSO_OIDC: standIn.url }
    })
    expectSuccess(result)
    expect(standIn.requests.map(r => r.operation)).toEqual([
      'CreateToken',
      'GetWorkflow',
      'StartWorkflowRun'
    ])
    expect(standIn.connections).toBe(2)
    const [renewal, ...rest] = standIn.requests
    expect(rest.map(r => r.connection)).toEqual([2, 2])
    expect(renewal!.connection).toBe(1)
    expect(renewal!.headers.connection).toBe('close')
  })

  it('a server that keeps connections only briefly: a new one per request, no retry, no warning', async () => {
    // Node's server then announces Keep-Alive: timeout=0, and the client does not reuse the connection.
    const result = await run(
      { 'workflow-id': DEMO.workflowId, wait: 'true', 'poll-interval-seconds': '1' },
      { keepAliveTimeoutMs: 200 }
    )
    expectSuccess(result)
    expect(result.outputs.status).toBe('SUCCEEDED')
    expect(standIn.connections).toBe(standIn.requests.length)
    expect(result.stdout).not.toMatch(/retrying in|::warning::/)
  })
})
