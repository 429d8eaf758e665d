import type { StandInOptions } from './server.js'

/** The demo space that `npm start` and the CLI stand-in serve. */
export const DEMO = {
  space: 'ExampleCorp',
  project: 'MyDemoProject',
  workflowId: '0a1b2c3d-1111-4222-8333-444455556666',
  workflowName: 'deploy',
  token: 'stand-in-token'
} as const

export function demoOptions(token: string = DEMO.token): StandInOptions {
  return {
    token,
    workflows: [
      {
        id: DEMO.workflowId,
        name: DEMO.workflowName,
        space: DEMO.space,
        project: DEMO.project,
        runStatuses: ['VALIDATING', 'PROVISIONING', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED']
      },
      {
        id: '5e6f7a8b-2222-4333-8444-555566667777',
        name: 'release-prod',
        space: DEMO.space,
        project: DEMO.project,
        runStatuses: ['VALIDATING', 'IN_PROGRESS', 'FAILED']
      }
    ]
  }
}
