/**
 * Runs the CodeCatalyst stand-in in the foreground, serving the demo space.
 *   npm run stand-in -- [--port 8787]
 * The accepted token is STAND_IN_TOKEN, else 'stand-in-token'.
 */
import { parseArgs } from 'node:util'
import { DEMO, demoOptions } from './demo.js'
import { CodeCatalystStandIn } from './server.js'

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } })
const standIn = await new CodeCatalystStandIn(
  demoOptions(process.env.STAND_IN_TOKEN || DEMO.token)
).start({ port: Number(values.port) })
console.log(`CodeCatalyst stand-in listening on ${standIn.url}`)
console.log(
  `space ${DEMO.space}, project ${DEMO.project}, workflow ${DEMO.workflowId} (${DEMO.workflowName})`
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void standIn.close().then(() => process.exit(0)))
}
