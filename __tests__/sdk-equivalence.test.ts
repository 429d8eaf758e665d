/**
 * Proves that the action's StartWorkflowRun and SSO OIDC CreateToken requests are byte-for-byte what
 * the AWS SDKs send.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import {
  CodeCatalystClient as SdkClient,
  StartWorkflowRunCommand
} from '@aws-sdk/client-codecatalyst'
import { CreateTokenCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc'
import { CodeCatalystClient } from '../src/codecatalyst/client.js'
import { StaticCredentials } from '../src/auth/credentials.js'
import { createHttpTransport } from '../src/net/http-transport.js'
import { SsoOidcClient } from '../src/auth/sso-oidc.js'

interface Captured {
  method: string
  url: string
  body: string
  headers: IncomingMessage['headers']
}

let server: Server
let endpoint: string
const captured: Captured[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      captured.push({ method: req.method!, url: req.url!, body, headers: req.headers })
      if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ accessToken: 'aoa-new', tokenType: 'Bearer', expiresIn: 3600 }))
        return
      }
      const [, space, project] = /spaces\/([^/]+)\/projects\/([^/]+)/.exec(req.url!)!
      const workflowId = new URL(req.url!, 'http://x').searchParams.get('workflowId')
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          spaceName: decodeURIComponent(space!),
          projectName: decodeURIComponent(project!),
          id: '11111111-2222-4333-8444-555555555555',
          workflowId
        })
      )
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})
afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
})

const CASES = [
  {
    space: 'ExampleCorp',
    project: 'MyDemoProject',
    workflowId: '0a1b2c3d-1111-4222-8333-444455556666',
    clientToken: 'gh-16020401234-1-0123456789abcdef01234567'
  },
  {
    space: 'my.space_1',
    project: 'web-app.v2',
    workflowId: 'ABCDEF01-2345-4678-89AB-CDEF01234567',
    clientToken: 'a.b_c-d'
  },
  // Not valid for the service, but proves both encode path labels alike.
  {
    space: "a b/c!'()*",
    project: 'ü%',
    workflowId: '0a1b2c3d-1111-4222-8333-444455556666',
    clientToken: 'x'
  }
]

describe('StartWorkflowRun on the wire', () => {
  it.each(CASES)(
    'is identical to @aws-sdk/client-codecatalyst for $space/$project',
    async input => {
      const token = 'the-bearer-token'
      captured.length = 0
      const sdk = new SdkClient({ region: 'us-west-2', endpoint, token: { token }, maxAttempts: 1 })
      await sdk.send(
        new StartWorkflowRunCommand({
          spaceName: input.space,
          projectName: input.project,
          workflowId: input.workflowId,
          clientToken: input.clientToken
        })
      )
      const ours = new CodeCatalystClient(
        { endpoint, maxAttempts: 1, requestTimeoutMs: 5000 },
        {
          credentials: new StaticCredentials(token, 'test'),
          transport: createHttpTransport('test'),
          sleep: async () => undefined,
          random: Math.random,
          now: Date.now,
          log: () => undefined
        }
      )
      await ours.startWorkflowRun(input)

      const [fromSdk, fromAction] = captured
      expect(fromAction!.method).toBe(fromSdk!.method)
      expect(fromAction!.url).toBe(fromSdk!.url)
      expect(Buffer.from(fromAction!.body)).toEqual(Buffer.from(fromSdk!.body))
      expect(fromAction!.headers.authorization).toBe(fromSdk!.headers.authorization)
      expect(fromAction!.headers['content-type']).toBe(fromSdk!.headers['content-type'])
      expect(fromSdk).toMatchObject({
        method: 'PUT',
        body: JSON.stringify({ clientToken: input.clientToken })
      })
    }
  )
})

describe('SSO OIDC CreateToken on the wire', () => {
  it.each([
    { clientId: 'client-1', clientSecret: 'secret-1', refreshToken: 'aor-1' },
    // Characters JSON must escape, and non-ASCII: both serialise them alike.
    { clientId: 'c"\\/', clientSecret: 'ü\u2028€', refreshToken: 'a\tb' }
  ])('is identical to @aws-sdk/client-sso-oidc (refresh-token grant)', async grant => {
    captured.length = 0
    const sdk = new SSOOIDCClient({ region: 'us-east-1', endpoint, maxAttempts: 1 })
    await sdk.send(new CreateTokenCommand({ ...grant, grantType: 'refresh_token' }))
    const ours = new SsoOidcClient(
      { endpoint, maxAttempts: 1, requestTimeoutMs: 5000, savesSessions: false },
      {
        transport: createHttpTransport('test'),
        sleep: async () => undefined,
        random: Math.random,
        now: Date.now,
        log: () => undefined
      }
    )
    await expect(ours.createToken(grant)).resolves.toEqual({
      accessToken: 'aoa-new',
      expiresIn: 3600,
      refreshToken: undefined
    })

    const [fromSdk, fromAction] = captured
    expect(fromAction!.method).toBe(fromSdk!.method)
    expect(fromAction!.url).toBe(fromSdk!.url)
    expect(Buffer.from(fromAction!.body)).toEqual(Buffer.from(fromSdk!.body))
    expect(fromAction!.headers['content-type']).toBe(fromSdk!.headers['content-type'])
    // authtype none: neither sends credentials.
    expect(fromSdk!.headers.authorization).toBeUndefined()
    expect(fromAction!.headers.authorization).toBeUndefined()
    expect(fromSdk).toMatchObject({
      method: 'POST',
      url: '/token',
      body: JSON.stringify({
        clientId: grant.clientId,
        clientSecret: grant.clientSecret,
        grantType: 'refresh_token',
        refreshToken: grant.refreshToken
      })
    })
  })
})
