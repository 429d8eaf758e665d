import { afterEach, describe, expect, it } from '@jest/globals'
import type { CodeCatalystStandIn, StandInWorkflow } from '../stand-in/server.js'
import {
  WorkflowError,
  checkRunnable,
  explainNotFound,
  listAllWorkflows,
  resolveWorkflowName
} from '../src/codecatalyst/workflows.js'
import { DEMO, clientFor, startStandIn } from './helpers/stand-in.js'

const REF = { space: DEMO.space, project: DEMO.project }

function workflows(count: number, extra: Partial<StandInWorkflow>[] = []): StandInWorkflow[] {
  const base = Array.from({ length: count }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `wf-${i}`,
    space: DEMO.space,
    project: DEMO.project
  }))
  return [
    ...base,
    ...extra.map((w, i) => ({
      ...base[0]!,
      id: `11111111-0000-4000-8000-${String(i).padStart(12, '0')}`,
      ...w
    }))
  ]
}

let standIn: CodeCatalystStandIn
afterEach(async () => {
  await standIn.close()
})

describe('resolving a workflow name', () => {
  it('follows nextToken through every page, asking for the largest page', async () => {
    standIn = await startStandIn({ workflows: workflows(250) })
    const { client } = clientFor(standIn)
    expect(await listAllWorkflows(client, REF)).toHaveLength(250)
    const found = await resolveWorkflowName(client, REF, 'wf-242')
    expect(found.id).toBe('00000000-0000-4000-8000-000000000242')
    const lists = standIn.requestsFor('ListWorkflows')
    expect(lists.slice(-3).map(r => r.url.replace(/^.*\?/, ''))).toEqual([
      'maxResults=100',
      expect.stringMatching(/^maxResults=100&nextToken=\w+$/),
      expect.stringMatching(/^maxResults=100&nextToken=\w+$/)
    ])
    expect(lists.every(r => r.method === 'POST' && r.body === '{}')).toBe(true)
  })

  it('says when no workflow has the name, listing a bounded number of those that exist', async () => {
    standIn = await startStandIn({ workflows: workflows(30) })
    const { client } = clientFor(standIn)
    const error = await resolveWorkflowName(client, REF, 'deploy').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkflowError)
    expect((error as Error).message).toMatch(
      /^No workflow is named 'deploy' in ExampleCorp\/MyDemoProject\. Its workflows: wf-0 \(00000000-0000-4000-8000-000000000000\), wf-1 .*wf-19 \([-0-9a-f]+\), and 10 more\.$/
    )
  })

  it('points at a name that differs only in case', async () => {
    standIn = await startStandIn({ workflows: workflows(1, [{ name: 'Deploy' }]) })
    const { client } = clientFor(standIn)
    await expect(resolveWorkflowName(client, REF, 'deploy')).rejects.toThrow(
      "Names are case-sensitive: did you mean 'Deploy'?"
    )
  })

  it('refuses a name that several workflows share, listing their repository and branch', async () => {
    standIn = await startStandIn({
      workflows: workflows(2, [
        { name: 'deploy', sourceRepositoryName: 'web', sourceBranchName: 'main' },
        { name: 'deploy', sourceRepositoryName: 'web', sourceBranchName: 'release' }
      ])
    })
    const { client } = clientFor(standIn)
    await expect(resolveWorkflowName(client, REF, 'deploy')).rejects.toThrow(
      "2 workflows are named 'deploy' in ExampleCorp/MyDemoProject: " +
        '11111111-0000-4000-8000-000000000000 (repository web, branch main, .codecatalyst/workflows/deploy.yaml); ' +
        '11111111-0000-4000-8000-000000000001 (repository web, branch release, .codecatalyst/workflows/deploy.yaml). ' +
        "Use 'workflow-id' to choose one."
    )
  })

  it('reports an empty project', async () => {
    standIn = await startStandIn({ workflows: [], projects: [`${DEMO.space}/${DEMO.project}`] })
    const { client } = clientFor(standIn)
    await expect(resolveWorkflowName(client, REF, 'deploy')).rejects.toThrow(
      'The project has no workflows.'
    )
  })

  it('stops when the service repeats a nextToken', async () => {
    standIn = await startStandIn({ workflows: workflows(1) })
    const page = JSON.stringify({ items: [], nextToken: 'same' })
    standIn.failNext('ListWorkflows', { status: 200, body: page }, { status: 200, body: page })
    const { client } = clientFor(standIn)
    await expect(listAllWorkflows(client, REF)).rejects.toThrow(
      'the service returned the same nextToken twice'
    )
  })
})

describe('checkRunnable', () => {
  it('refuses an INVALID definition, naming its path, repository and branch', () => {
    expect(() =>
      checkRunnable({
        id: 'id-1',
        name: 'deploy',
        status: 'INVALID',
        definitionPath: '.codecatalyst/workflows/deploy.yaml',
        sourceRepositoryName: 'web',
        sourceBranchName: 'main'
      })
    ).toThrow(
      "Workflow 'deploy' (id-1) has an invalid definition, so CodeCatalyst cannot run it. " +
        'Fix .codecatalyst/workflows/deploy.yaml in repository web, branch main, or see the errors on the workflow in the console.'
    )
    expect(() => checkRunnable({ id: 'id-1', name: 'deploy', status: 'ACTIVE' })).not.toThrow()
  })
})

describe('explainNotFound', () => {
  it('lists the workflows when the project exists', async () => {
    standIn = await startStandIn()
    const { client } = clientFor(standIn)
    expect(await explainNotFound(client, REF)).toBe(
      'The project ExampleCorp/MyDemoProject exists, so the workflow id is the part that is wrong. ' +
        'Its workflows: deploy (0a1b2c3d-1111-4222-8333-444455556666), release-prod (5e6f7a8b-2222-4333-8444-555566667777).'
    )
  })

  it('blames the space or project when the project cannot be listed', async () => {
    standIn = await startStandIn()
    const { client } = clientFor(standIn)
    expect(await explainNotFound(client, { space: DEMO.space, project: 'NoSuchProject' })).toMatch(
      /^The space 'ExampleCorp' or the project 'NoSuchProject' was not found, or is not visible to this token/
    )
  })

  it('says so when listing fails for another reason, without throwing', async () => {
    standIn = await startStandIn()
    standIn.failNext('ListWorkflows', { status: 400, body: '{"message":"bad"}' })
    const { client } = clientFor(standIn)
    expect(await explainNotFound(client, REF)).toMatch(
      /^\(Listing the project's workflows to say more failed too: /
    )
  })
})
