// The same call with the AWS SDK for JavaScript v3, as a script would make it.
import { CodeCatalystClient, StartWorkflowRunCommand } from '@aws-sdk/client-codecatalyst'

const client = new CodeCatalystClient({
  region: 'us-west-2',
  endpoint: process.env.ENDPOINT,
  token: { token: process.env.TOKEN }
})
const run = await client.send(
  new StartWorkflowRunCommand({
    spaceName: process.env.SPACE,
    projectName: process.env.PROJECT,
    workflowId: process.env.WORKFLOW_ID,
    clientToken: process.env.CLIENT_TOKEN
  })
)
console.log(run.id)
