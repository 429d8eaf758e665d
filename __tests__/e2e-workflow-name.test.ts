/**
 * End to end: naming the workflow, and explaining a wrong space, project or workflow, on dist/index.js.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import type { CodeCatalystStandIn, StandInWorkflow } from '../stand-in/server.js'
import { GITHUB_CONTEXT, errorAnnotation, runAction } from '../scripts/runner.js'
import { expectSuccess } from './helpers/expectations.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

let standIn: CodeCatalystStandIn
afterEach(async () => {
  await standIn.close()
})

const workflow = (i: number, extra: Partial<StandInWorkflow> = {}): StandInWorkflow => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  name: `wf-${i}`,
  space: DEMO.space,
  project: DEMO.project,
  ...extra
})

function run(extra: Record<string, string>) {
  return runAction({
    inputs: {
      space: DEMO.space,
      project: DEMO.project,
      token: DEMO.token,
      endpoint: standIn.url,
      ...extra
    },
    env: GITHUB_CONTEXT
  })
}

describe('workflow-name', () => {
  it('finds the workflow on a later page and starts it', async () => {
    const many = Array.from({ length: 120 }, (_, i) => workflow(i))
    many[110] = workflow(110, { name: 'deploy' })
    standIn = await startStandIn({ workflows: many })
    const result = await run({ 'workflow-name': 'deploy' })
    expectSuccess(result)
    expect(standIn.requestsFor('ListWorkflows')).toHaveLength(2)
    const [started] = [...standIn.runs.values()]
    expect(started!.workflowId).toBe(many[110].id)
    expect(result.outputs).toMatchObject({
      'workflow-id': many[110].id,
      'workflow-name': 'deploy',
      'run-id': started!.id
    })
    expect(result.summary).toContain('<td>Workflow</td><td><code>deploy</code></td>')
  })

  it('fails when no workflow has the name, listing those that exist', async () => {
    standIn = await startStandIn()
    const result = await run({ 'workflow-name': 'deploy-prod' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toBe(
      "No workflow is named 'deploy-prod' in ExampleCorp/MyDemoProject. Its workflows: " +
        'deploy (0a1b2c3d-1111-4222-8333-444455556666), release-prod (5e6f7a8b-2222-4333-8444-555566667777).'
    )
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(0)
  })

  it('fails when several workflows share the name, and says to use workflow-id', async () => {
    standIn = await startStandIn({
      workflows: [
        workflow(1, { name: 'deploy', sourceRepositoryName: 'web', sourceBranchName: 'main' }),
        workflow(2, { name: 'deploy', sourceRepositoryName: 'api', sourceBranchName: 'main' })
      ]
    })
    const result = await run({ 'workflow-name': 'deploy' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^2 workflows are named 'deploy' .*repository web, branch main.*repository api, branch main.*Use 'workflow-id' to choose one\.$/
    )
    expect(standIn.runs.size).toBe(0)
  })

  it.each([
    ['workflow-name', { 'workflow-name': 'broken' }],
    ['workflow-id', { 'workflow-id': '00000000-0000-4000-8000-000000000007' }]
  ])('reports an INVALID workflow given by %s before starting it', async (_, given) => {
    standIn = await startStandIn({
      workflows: [
        workflow(7, {
          name: 'broken',
          status: 'INVALID',
          definitionPath: '.codecatalyst/workflows/broken.yaml'
        })
      ]
    })
    const result = await run(given)
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^Workflow 'broken' \(00000000-0000-4000-8000-000000000007\) has an invalid definition.*Fix \.codecatalyst\/workflows\/broken\.yaml/
    )
    expect(standIn.requestsFor('StartWorkflowRun')).toHaveLength(0)
  })

  it('refuses both workflow-id and workflow-name before any request', async () => {
    standIn = await startStandIn()
    const result = await run({ 'workflow-name': 'deploy', 'workflow-id': DEMO.workflowId })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)).toMatch(
      /^Inputs 'workflow-id' and 'workflow-name' are both set/
    )
    expect(standIn.requests).toHaveLength(0)
  })

  it('shows the name in the summary when the workflow is given by id', async () => {
    standIn = await startStandIn()
    const result = await run({ 'workflow-id': DEMO.workflowId })
    expect(result.outputs['workflow-name']).toBe('deploy')
    expect(result.summary).toContain('<td>Workflow</td><td><code>deploy</code></td>')
  })

  it('still starts when the workflow cannot be read first', async () => {
    standIn = await startStandIn()
    standIn.failNext('GetWorkflow', { status: 403, body: '{"message":"no read"}' })
    const result = await run({ 'workflow-id': DEMO.workflowId })
    expectSuccess(result)
    expect(result.outputs['run-id']).toBeDefined()
    expect(result.outputs['workflow-name']).toBeUndefined()
  })
})

describe('a start by workflow-id that finds nothing', () => {
  it('keeps the original error and lists the workflows when the project exists', async () => {
    standIn = await startStandIn()
    const result = await run({ 'workflow-id': '00000000-0000-4000-8000-00000000dead' })
    expect(result.code).toBe(1)
    expect(errorAnnotation(result.stdout)!.split('\n')).toEqual([
      expect.stringMatching(
        /^StartWorkflowRun failed: ResourceNotFoundException \(HTTP 404\): Workflow not found/
      ),
      'The project ExampleCorp/MyDemoProject exists, so the workflow id is the part that is wrong. ' +
        'Its workflows: deploy (0a1b2c3d-1111-4222-8333-444455556666), release-prod (5e6f7a8b-2222-4333-8444-555566667777).'
    ])
  })

  it('says the space or project was not found when the project cannot be listed', async () => {
    standIn = await startStandIn()
    const result = await run({ project: 'MyDemoProjekt', 'workflow-id': DEMO.workflowId })
    expect(result.code).toBe(1)
    const [original, diagnosis] = errorAnnotation(result.stdout)!.split('\n')
    expect(original).toMatch(
      /^StartWorkflowRun failed: ResourceNotFoundException \(HTTP 404\): Project not found/
    )
    expect(diagnosis).toMatch(
      /^The space 'ExampleCorp' or the project 'MyDemoProjekt' was not found, or is not visible to this token/
    )
  })
})
