/**
 * Runs the CodeCatalyst stand-in (and its SSO OIDC side) in the foreground, serving the demo space.
 *   npm run stand-in -- [--port 8787] [--session-file session.json]
 * It accepts the bearer token STAND_IN_TOKEN (else 'stand-in-token') and the access tokens it issues.
 * It prints an SSO session cache file as `aws sso login` writes it (and writes it to --session-file):
 * pass its content as the action's sso-session input, with AWS_ENDPOINT_URL_SSO_OIDC set to the
 * stand-in's URL.
 */
import { writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { DEMO, demoOptions } from './demo.js'
import { CodeCatalystStandIn } from './server.js'

const { values } = parseArgs({
  options: { port: { type: 'string', default: '0' }, 'session-file': { type: 'string' } }
})
const standIn = await new CodeCatalystStandIn(
  demoOptions(process.env.STAND_IN_TOKEN || DEMO.token)
).start({ port: Number(values.port) })
const session = JSON.stringify(standIn.ssoSession())
if (values['session-file']) writeFileSync(values['session-file'], session)
console.log(`CodeCatalyst stand-in listening on ${standIn.url} (SSO OIDC at ${standIn.url}/token)`)
console.log(
  `space ${DEMO.space}, project ${DEMO.project}, workflow ${DEMO.workflowId} (${DEMO.workflowName})`
)
console.log(
  `SSO session cache file (set AWS_ENDPOINT_URL_SSO_OIDC=${standIn.url} to renew it here):`
)
console.log(session)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void standIn.close().then(() => process.exit(0)))
}
