/**
 * The stand-in is the ground every test stands on: here it is driven by the real
 * @aws-sdk/client-codecatalyst, and must answer as the service model says.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  CodeCatalystClient,
  GetProjectCommand,
  GetUserDetailsCommand,
  GetWorkflowCommand,
  GetWorkflowRunCommand,
  ListSpacesCommand,
  ListWorkflowRunsCommand,
  ListWorkflowsCommand,
  StartWorkflowRunCommand,
  VerifySessionCommand
} from '@aws-sdk/client-codecatalyst'
import {
  type CodeCatalystStandIn,
  DEFAULT_USER,
  type StandInOptions,
  type StandInUser
} from '../stand-in/server.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

let standIn: CodeCatalystStandIn
afterEach(async () => {
  await standIn.close()
})

async function serve(options: Partial<StandInOptions> = {}) {
  standIn = await startStandIn(options)
  return new CodeCatalystClient({
    region: 'us-west-2',
    endpoint: standIn.url,
    token: { token: DEMO.token },
    maxAttempts: 1
  })
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const ids = { spaceName: DEMO.space, projectName: DEMO.project }

describe('runs, per the model', () => {
  it('advance by time, not by how often anyone reads them', async () => {
    const sdk = await serve({
      workflows: [
        {
          ...{ id: DEMO.workflowId, name: 'deploy', space: DEMO.space, project: DEMO.project },
          runStatuses: [
            { status: 'IN_PROGRESS', ms: 400 },
            { status: 'SUCCEEDED', ms: 1 }
          ]
        }
      ]
    })
    const { id } = await sdk.send(
      new StartWorkflowRunCommand({ ...ids, workflowId: DEMO.workflowId })
    )
    // Another client's reads do not move the run along.
    for (let i = 0; i < 10; i++) {
      const run = await sdk.send(new GetWorkflowRunCommand({ ...ids, id }))
      expect(run.status).toBe('IN_PROGRESS')
    }
    await sleep(450)
    const finished = await sdk.send(new GetWorkflowRunCommand({ ...ids, id }))
    expect(finished.status).toBe('SUCCEEDED')
  })

  it('keep their times once they happened: endTime and lastUpdatedTime do not move', async () => {
    const sdk = await serve({ statusMs: 100 })
    const { id } = await sdk.send(
      new StartWorkflowRunCommand({ ...ids, workflowId: DEMO.workflowId })
    )
    await sleep(600)
    const first = await sdk.send(new GetWorkflowRunCommand({ ...ids, id }))
    await sleep(300)
    const again = await sdk.send(new GetWorkflowRunCommand({ ...ids, id }))
    expect(first.status).toBe('SUCCEEDED')
    expect(again.endTime).toEqual(first.endTime)
    expect(again.lastUpdatedTime).toEqual(first.lastUpdatedTime)
    // The demo workflow has five statuses of 100 ms: it ended 400 ms after it started.
    expect(first.endTime!.getTime() - first.startTime!.getTime()).toBeGreaterThanOrEqual(395)
    expect(first.endTime!.getTime() - first.startTime!.getTime()).toBeLessThan(500)
  })

  it('are listed by ListWorkflowRuns from the same state', async () => {
    const sdk = await serve()
    const { id } = await sdk.send(
      new StartWorkflowRunCommand({ ...ids, workflowId: DEMO.workflowId })
    )
    const { items } = await sdk.send(
      new ListWorkflowRunsCommand({ ...ids, workflowId: DEMO.workflowId })
    )
    expect(items).toEqual([
      expect.objectContaining({
        id,
        workflowId: DEMO.workflowId,
        workflowName: DEMO.workflowName,
        status: 'VALIDATING'
      })
    ])
  })
})

describe('name constraints, per operation', () => {
  const sdkFor = async (space: string, project: string) =>
    serve({
      workflows: [{ id: DEMO.workflowId, name: 'deploy', space, project }]
    })

  it('ListWorkflows takes a 1-character spaceName but needs a projectName of 3 or more', async () => {
    const sdk = await sdkFor('a', 'abc')
    await expect(
      sdk.send(new ListWorkflowsCommand({ spaceName: 'a', projectName: 'abc' }))
    ).resolves.toMatchObject({ items: [expect.objectContaining({ name: 'deploy' })] })
    await expect(
      sdk.send(new ListWorkflowsCommand({ spaceName: 'a', projectName: 'ab' }))
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })
  })

  it('GetWorkflow and GetWorkflowRun take a 1-character projectName but need a spaceName of 3 or more', async () => {
    const sdk = await sdkFor('abc', 'p')
    await expect(
      sdk.send(new GetWorkflowCommand({ spaceName: 'abc', projectName: 'p', id: DEMO.workflowId }))
    ).resolves.toMatchObject({ name: 'deploy' })
    await expect(
      sdk.send(new GetWorkflowCommand({ spaceName: 'ab', projectName: 'p', id: DEMO.workflowId }))
    ).rejects.toMatchObject({ name: 'ValidationException' })
    await expect(
      sdk.send(
        new GetWorkflowRunCommand({ spaceName: 'ab', projectName: 'p', id: DEMO.workflowId })
      )
    ).rejects.toMatchObject({ name: 'ValidationException' })
  })

  it('StartWorkflowRun takes 1-character names', async () => {
    const sdk = await sdkFor('a', 'p')
    await expect(
      sdk.send(
        new StartWorkflowRunCommand({
          spaceName: 'a',
          projectName: 'p',
          workflowId: DEMO.workflowId
        })
      )
    ).resolves.toMatchObject({ spaceName: 'a', projectName: 'p', workflowId: DEMO.workflowId })
  })
})

describe('read-only operations a user would try', () => {
  it('answers GetProject and VerifySession', async () => {
    const sdk = await serve()
    await expect(
      sdk.send(new GetProjectCommand({ spaceName: DEMO.space, name: DEMO.project }))
    ).resolves.toMatchObject({ spaceName: DEMO.space, name: DEMO.project })
    await expect(
      sdk.send(new GetProjectCommand({ spaceName: DEMO.space, name: 'NoSuchProject' }))
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    await expect(sdk.send(new VerifySessionCommand({}))).resolves.toMatchObject({
      identity: expect.any(String)
    })
  })

  it('answers an operation it does not serve with UnknownOperationException (404)', async () => {
    const sdk = await serve()
    await expect(sdk.send(new ListSpacesCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 404 }
    })
  })
})

describe('users, per the model: VerifySession and GetUserDetails', () => {
  const BOB: StandInUser = {
    userId: 'b0b-0000-1111',
    userName: 'bob.builder',
    displayName: 'Bob Builder',
    email: 'bob@example.com',
    emailVerified: false
  }

  it("names the default user as the owner of the options' token and of ssoSession()'s", async () => {
    const sdk = await serve()
    await expect(sdk.send(new VerifySessionCommand({}))).resolves.toMatchObject({
      identity: DEFAULT_USER.userId
    })
    const session = new CodeCatalystClient({
      region: 'us-west-2',
      endpoint: standIn.url,
      token: { token: standIn.ssoSession().accessToken },
      maxAttempts: 1
    })
    await expect(session.send(new VerifySessionCommand({}))).resolves.toMatchObject({
      identity: DEFAULT_USER.userId
    })
  })

  it('answers GetUserDetails by id and by userName with the same user', async () => {
    const sdk = await serve({ users: [DEFAULT_USER, BOB] })
    const expected = {
      userId: BOB.userId,
      userName: BOB.userName,
      displayName: BOB.displayName,
      primaryEmail: { email: BOB.email, verified: false },
      version: expect.any(String)
    }
    await expect(sdk.send(new GetUserDetailsCommand({ id: BOB.userId }))).resolves.toMatchObject(
      expected
    )
    await expect(
      sdk.send(new GetUserDetailsCommand({ userName: BOB.userName }))
    ).resolves.toMatchObject(expected)
  })

  it('answers ResourceNotFoundException (404) for a user the space does not have', async () => {
    const sdk = await serve({ users: [DEFAULT_USER, BOB] })
    await expect(sdk.send(new GetUserDetailsCommand({ id: 'no-such-user' }))).rejects.toMatchObject(
      {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 404 }
      }
    )
    await expect(sdk.send(new GetUserDetailsCommand({ userName: 'nobody' }))).rejects.toMatchObject(
      { name: 'ResourceNotFoundException' }
    )
  })

  it.each([
    ['a userName of 2 characters', { userName: 'ab' }],
    ['a userName outside the pattern', { userName: 'bob builder' }],
    ['an id over 256 characters', { id: 'x'.repeat(257) }],
    ['neither id nor userName', {}]
  ])('answers ValidationException (400) for %s', async (_, input) => {
    const sdk = await serve()
    await expect(sdk.send(new GetUserDetailsCommand(input))).rejects.toMatchObject({
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 }
    })
  })

  it('answers AccessDeniedException (403) naming GetUserDetails to a user who has not onboarded, whom VerifySession still names', async () => {
    const sdk = await serve({ users: [{ ...BOB, onboarded: false }] })
    await expect(sdk.send(new VerifySessionCommand({}))).resolves.toMatchObject({
      identity: BOB.userId
    })
    const error = await sdk
      .send(new GetUserDetailsCommand({ id: BOB.userId }))
      .catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 }
    })
    // The AWS Toolkit tells this case by the operation's name in the message.
    expect((error as Error).message).toContain('GetUserDetails')
  })

  it.each([
    ['VerifySession', () => new VerifySessionCommand({})],
    ['GetUserDetails', () => new GetUserDetailsCommand({ id: DEFAULT_USER.userId })]
  ])('needs a valid bearer token for %s, as every operation', async (_, command) => {
    await serve()
    const stranger = new CodeCatalystClient({
      region: 'us-west-2',
      endpoint: standIn.url,
      token: { token: 'not-a-token-of-this-space' },
      maxAttempts: 1
    })
    await expect(stranger.send(command())).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 }
    })
    const expired = standIn.ssoSession({ accessTokenValidForSeconds: -60 }).accessToken
    const late = new CodeCatalystClient({
      region: 'us-west-2',
      endpoint: standIn.url,
      token: { token: expired },
      maxAttempts: 1
    })
    await expect(late.send(command())).rejects.toMatchObject({ $metadata: { httpStatusCode: 401 } })
  })
})
