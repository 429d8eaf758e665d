/**
 * The stand-in's SSO OIDC side, driven by the real @aws-sdk/client-sso-oidc and
 * @aws-sdk/client-codecatalyst: requests and errors as the model has them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { CodeCatalystClient, GetWorkflowCommand } from '@aws-sdk/client-codecatalyst'
import { CreateTokenCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc'
import type { CodeCatalystStandIn } from '../stand-in/server.js'
import { DEMO, startStandIn } from './helpers/stand-in.js'

let standIn: CodeCatalystStandIn
beforeEach(async () => {
  standIn = await startStandIn({ sso: { accessTokenLifetimeSeconds: 1 } })
})
afterEach(async () => {
  await standIn.close()
})

const oidc = () => new SSOOIDCClient({ region: 'us-east-1', endpoint: standIn.url, maxAttempts: 1 })
const getWorkflow = (token: string) =>
  new CodeCatalystClient({
    region: 'us-west-2',
    endpoint: standIn.url,
    token: { token },
    maxAttempts: 1
  }).send(
    new GetWorkflowCommand({
      spaceName: DEMO.space,
      projectName: DEMO.project,
      id: DEMO.workflowId
    })
  )

describe('the stand-in as SSO OIDC', () => {
  it('mints a token with its lifetime and a rotated refresh token, which CodeCatalyst accepts until it expires', async () => {
    const session = standIn.ssoSession()
    const minted = await oidc().send(
      new CreateTokenCommand({
        clientId: session.clientId,
        clientSecret: session.clientSecret,
        grantType: 'refresh_token',
        refreshToken: session.refreshToken
      })
    )
    expect(minted).toMatchObject({ tokenType: 'Bearer', expiresIn: 1 })
    expect(minted.refreshToken).not.toBe(session.refreshToken)
    await expect(getWorkflow(minted.accessToken!)).resolves.toMatchObject({
      name: DEMO.workflowName
    })
    await new Promise(resolve => setTimeout(resolve, 1100))
    await expect(getWorkflow(minted.accessToken!)).rejects.toMatchObject({
      $metadata: { httpStatusCode: 401 }
    })
    expect(standIn.expiredTokenRejections).toBe(1)
  })

  it.each([
    ['InvalidGrantException', 400, 'invalid_grant', { refreshToken: 'aor-unknown' }],
    ['InvalidClientException', 401, 'invalid_client', { clientSecret: 'wrong' }],
    [
      'UnsupportedGrantTypeException',
      400,
      'unsupported_grant_type',
      { grantType: 'authorization_code' }
    ],
    ['InvalidRequestException', 400, 'invalid_request', { refreshToken: undefined }]
  ])('answers %s (HTTP %i, error %s) as the SDK parses it', async (name, status, code, change) => {
    const session = standIn.ssoSession()
    const error = await oidc()
      .send(
        new CreateTokenCommand({
          clientId: session.clientId,
          clientSecret: session.clientSecret,
          grantType: 'refresh_token',
          refreshToken: session.refreshToken,
          ...change
        })
      )
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ name, error: code, $metadata: { httpStatusCode: status } })
    expect((error as { error_description?: string }).error_description).toBeTruthy()
  })

  it('refuses a refresh token once it has been rotated', async () => {
    const session = standIn.ssoSession()
    const grant = {
      clientId: session.clientId,
      clientSecret: session.clientSecret,
      grantType: 'refresh_token',
      refreshToken: session.refreshToken
    }
    await oidc().send(new CreateTokenCommand(grant))
    await expect(oidc().send(new CreateTokenCommand(grant))).rejects.toMatchObject({
      name: 'InvalidGrantException'
    })
  })
})
