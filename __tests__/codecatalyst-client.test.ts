import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ResponseError, ServiceError, TransportError } from '../src/net/errors.js'
import { FAULTS, type CodeCatalystStandIn } from '../stand-in/server.js'
import { DEMO, START, clientFor, startStandIn } from './helpers/stand-in.js'

let standIn: CodeCatalystStandIn
beforeEach(async () => {
  standIn = await startStandIn()
})
afterEach(async () => {
  await standIn.close()
})

describe('startWorkflowRun', () => {
  it('sends the model request and returns the run', async () => {
    const { client } = clientFor(standIn)
    const run = await client.startWorkflowRun(START)
    expect(run).toEqual({ id: [...standIn.runs.keys()][0] })
    const [request] = standIn.requests
    expect(request).toMatchObject({
      method: 'PUT',
      url: `/v1/spaces/ExampleCorp/projects/MyDemoProject/workflowRuns?workflowId=${DEMO.workflowId}`,
      body: '{"clientToken":"gh-1-1-abc"}'
    })
    expect(request!.headers).toMatchObject({
      authorization: `Bearer ${DEMO.token}`,
      'content-type': 'application/json',
      'user-agent': 'codecatalyst-run-workflow/test'
    })
  })

  it('gets the same run back for the same client token, and a new one for another', async () => {
    const { client } = clientFor(standIn)
    const first = await client.startWorkflowRun(START)
    expect(await client.startWorkflowRun(START)).toEqual(first)
    expect((await client.startWorkflowRun({ ...START, clientToken: 'gh-1-2-abc' })).id).not.toBe(
      first.id
    )
    expect(standIn.runs.size).toBe(2)
  })

  it.each(FAULTS)('ends in exactly one run after the fault %s', async fault => {
    const { client, log } = clientFor(standIn, { requestTimeoutMs: 300 })
    standIn.failNext('StartWorkflowRun', fault)
    const run = await client.startWorkflowRun(START)
    expect(standIn.runs.size).toBe(1)
    expect(standIn.runs.has(run.id)).toBe(true)
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(2)
    const bodies = new Set(standIn.requestsFor('StartWorkflowRun').map(r => r.body))
    expect(bodies).toEqual(new Set(['{"clientToken":"gh-1-1-abc"}']))
    expect(log).toEqual([
      expect.stringMatching(/^StartWorkflowRun: .+; retrying in \d+\.\d s \(attempt 2 of 5\)$/)
    ])
  })

  it('gives up on a persistent fault after max-attempts, saying what it tried', async () => {
    const { client, log } = clientFor(standIn, { maxAttempts: 3 })
    standIn.failNext('StartWorkflowRun', '503', '503', '503', '503')
    const error = await client.startWorkflowRun(START).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceError)
    expect((error as ServiceError).logLine()).toMatch(
      /^StartWorkflowRun failed \(gave up after 3 attempts\): ServiceUnavailableException \(HTTP 503\): Service unavailable \[request id [0-9a-f-]+\]/
    )
    expect(log).toHaveLength(2)
    expect(standIn.runs.size).toBe(0)
  })

  it('does not retry an unknown workflow, and says what to check', async () => {
    const { client } = clientFor(standIn)
    const error = await client
      .startWorkflowRun({ ...START, workflowId: '00000000-0000-4000-8000-000000000000' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 404, type: 'ResourceNotFoundException', attempts: 1 })
    expect((error as Error).message).toMatch(
      /Workflow not found .*Check the space, project and workflow-id/
    )
    expect(standIn.requests).toHaveLength(1)
  })

  it('reports a rejected token as AccessDeniedException without retrying', async () => {
    const { client } = clientFor(standIn, { token: 'wrong' })
    await expect(client.startWorkflowRun(START)).rejects.toMatchObject({
      status: 403,
      type: 'AccessDeniedException'
    })
    expect(standIn.requests).toHaveLength(1)
  })

  it('fails on a 200 that is not JSON, or has no run id', async () => {
    const { client } = clientFor(standIn)
    standIn.failNext('StartWorkflowRun', { status: 200, body: '<html>ok</html>' })
    await expect(client.startWorkflowRun(START)).rejects.toThrow(
      /HTTP 200 with a body that is not JSON/
    )
    standIn.failNext('StartWorkflowRun', { status: 200, body: '{"spaceName":"ExampleCorp"}' })
    await expect(client.startWorkflowRun(START)).rejects.toThrow(ResponseError)
    expect(standIn.requests).toHaveLength(2)
  })

  it('does not follow a redirect, so the token goes nowhere else', async () => {
    const { client } = clientFor(standIn)
    standIn.failNext('StartWorkflowRun', {
      status: 307,
      headers: { location: 'https://evil.example.com/x' }
    })
    await expect(client.startWorkflowRun(START)).rejects.toThrow(
      /answered HTTP 307, a redirect to https:\/\/evil\.example\.com\/x\. It was not followed/
    )
    expect(standIn.requests).toHaveLength(1)
  })

  it('abandons a request that never answers, and says how long it waited', async () => {
    const { client } = clientFor(standIn, { requestTimeoutMs: 200, maxAttempts: 2 })
    standIn.failNext('StartWorkflowRun', 'hang', 'hang')
    const started = Date.now()
    const error = await client.startWorkflowRun(START).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2000)
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).logLine()).toBe(
      'StartWorkflowRun failed (gave up after 2 attempts): no complete response within 0.2 s'
    )
  })

  it('reports a refused connection after retrying it', async () => {
    await standIn.close()
    const { client } = clientFor(standIn, { maxAttempts: 2 })
    await expect(client.startWorkflowRun(START)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
      attempts: 2
    })
    standIn = await startStandIn()
  })
})
