import { CodeCatalystClient, type ClientConfig } from '../../src/codecatalyst/client.js'
import { StaticCredentials } from '../../src/auth/credentials.js'
import { createHttpTransport } from '../../src/net/http-transport.js'
import { DEMO, demoOptions } from '../../stand-in/demo.js'
import { CodeCatalystStandIn, type StandInOptions } from '../../stand-in/server.js'

export { DEMO }

export async function startStandIn(
  options: Partial<StandInOptions> = {}
): Promise<CodeCatalystStandIn> {
  return new CodeCatalystStandIn({ ...demoOptions(), ...options }).start()
}

/** A client on the real HTTP transport whose backoff sleeps take no time; `log` collects retry lines. */
export function clientFor(
  standIn: CodeCatalystStandIn,
  { token = DEMO.token, ...config }: Partial<ClientConfig> & { token?: string } = {}
) {
  const log: string[] = []
  const client = new CodeCatalystClient(
    { endpoint: standIn.url, maxAttempts: 5, requestTimeoutMs: 2000, ...config },
    {
      transport: createHttpTransport('codecatalyst-run-workflow/test'),
      sleep: async () => undefined,
      random: Math.random,
      now: Date.now,
      log: line => log.push(line),
      credentials: new StaticCredentials(token, "input 'token'")
    }
  )
  return { client, log }
}

export const START = {
  space: DEMO.space,
  project: DEMO.project,
  workflowId: DEMO.workflowId,
  clientToken: 'gh-1-1-abc'
}
