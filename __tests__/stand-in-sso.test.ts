/**
 * The stand-in's SSO OIDC side, driven by the real @aws-sdk/client-sso-oidc and
 * @aws-sdk/client-codecatalyst: requests and errors as the model has them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import {
  CodeCatalystClient,
  GetUserDetailsCommand,
  GetWorkflowCommand,
  VerifySessionCommand
} from '@aws-sdk/client-codecatalyst'
import {
  CreateTokenCommand,
  type CreateTokenCommandOutput,
  RegisterClientCommand,
  type RegisterClientCommandInput,
  type RegisterClientCommandOutput,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand
} from '@aws-sdk/client-sso-oidc'
import {
  type CodeCatalystStandIn,
  DEFAULT_USER,
  DEVICE_CODE_GRANT,
  type StandInOptions,
  type StandInSso
} from '../stand-in/server.js'
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

const ALICE = {
  userId: 'a1b2c3d4-alice',
  userName: 'alice',
  displayName: 'Alice Liddell',
  email: 'alice@example.com'
}
const START_URL = 'https://view.awsapps.com/start'
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** A stand-in with two users (the default one and Alice) whose device codes ask for polls 1 s apart. */
async function restart(sso: Partial<StandInSso> = {}, options: Partial<StandInOptions> = {}) {
  await standIn.close()
  standIn = await startStandIn({
    users: [DEFAULT_USER, ALICE],
    sso: { pollIntervalSeconds: 1, ...sso },
    ...options
  })
}

/** What `aws sso login --use-device-code` registers for an sso-session. */
const register = (change: Partial<RegisterClientCommandInput> = {}) =>
  oidc().send(
    new RegisterClientCommand({
      clientName: 'botocore-client-codecatalyst',
      clientType: 'public',
      scopes: ['codecatalyst:read_write'],
      ...change
    })
  )

type Client = Pick<RegisterClientCommandOutput, 'clientId' | 'clientSecret'>

const startDevice = (client: Client, change: { startUrl?: string } = {}) =>
  oidc().send(
    new StartDeviceAuthorizationCommand({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      startUrl: START_URL,
      ...change
    })
  )

/** One poll of the device grant: the tokens, or the error the SDK threw. */
const poll = (client: Client, deviceCode: string | undefined) =>
  oidc()
    .send(
      new CreateTokenCommand({
        grantType: DEVICE_CODE_GRANT,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        deviceCode
      })
    )
    .catch((error: unknown) => error)

const refresh = (client: Client, refreshToken: string | undefined) =>
  oidc().send(
    new CreateTokenCommand({
      grantType: 'refresh_token',
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      refreshToken
    })
  )

const codecatalyst = (token: string) =>
  new CodeCatalystClient({
    region: 'us-west-2',
    endpoint: standIn.url,
    token: { token },
    maxAttempts: 1
  })

/** The OAuth error a client sees: the SDK's exception name, its `error` member and the HTTP status. */
const oauthError = (name: string, error: string, status = 400) =>
  expect.objectContaining({
    name,
    error,
    error_description: expect.any(String),
    $metadata: expect.objectContaining({ httpStatusCode: status })
  })

/** Register, start, have `userName` approve at once, and take the tokens with the first poll. */
async function loginAs(userName?: string) {
  const client = await register()
  const started = await startDevice(client)
  standIn.approve(started.userCode!, userName)
  const tokens = (await poll(client, started.deviceCode)) as CreateTokenCommandOutput
  return { client, tokens }
}

describe('the stand-in as SSO OIDC: RegisterClient', () => {
  it('registers a public client for 90 days, and records its scopes', async () => {
    const before = Math.floor(Date.now() / 1000)
    const registered = await register({ scopes: ['sso:account:access', 'codecatalyst:read_write'] })
    expect(registered).toMatchObject({
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      tokenEndpoint: `${standIn.url}/token`
    })
    expect(registered.clientIdIssuedAt).toBeGreaterThanOrEqual(before)
    expect(registered.clientSecretExpiresAt! - registered.clientIdIssuedAt!).toBe(90 * 86_400)
    expect(standIn.oidc.registrations.get(registered.clientId!)).toMatchObject({
      clientName: 'botocore-client-codecatalyst',
      scopes: ['sso:account:access', 'codecatalyst:read_write']
    })
    // Each registration is a client of its own.
    const again = await register()
    expect(again.clientId).not.toBe(registered.clientId)
    expect(again.clientSecret).not.toBe(registered.clientSecret)
  })

  it.each([
    ['InvalidRequestException', 'invalid_request', { clientName: undefined }],
    ['InvalidClientMetadataException', 'invalid_client_metadata', { clientType: 'confidential' }],
    ['InvalidScopeException', 'invalid_scope', { scopes: ['codecatalyst read_write'] }],
    ['UnsupportedGrantTypeException', 'unsupported_grant_type', { grantTypes: ['password'] }],
    ['InvalidRedirectUriException', 'invalid_redirect_uri', { redirectUris: ['not a uri'] }]
  ])('answers %s (error %s) as the SDK parses it', async (name, code, change) => {
    await expect(register(change)).rejects.toEqual(oauthError(name, code))
  })
})

describe('the stand-in as SSO OIDC: the device authorization grant', () => {
  beforeEach(async () => {
    await restart()
  })

  it('issues a device code and a user code to type at a verification URI', async () => {
    const started = await startDevice(await register())
    expect(started).toMatchObject({
      deviceCode: expect.any(String),
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: 'https://device.sso.us-east-1.amazonaws.com/',
      verificationUriComplete: `https://device.sso.us-east-1.amazonaws.com/?user_code=${started.userCode}`,
      expiresIn: 600,
      interval: 1
    })
    expect(standIn.pendingAuthorizations()).toEqual([
      expect.objectContaining({ userCode: started.userCode, startUrl: START_URL, interval: 1 })
    ])
  })

  it('answers AuthorizationPending until a person approves, then tokens that CodeCatalyst knows as theirs', async () => {
    const client = await register()
    const started = await startDevice(client)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('AuthorizationPendingException', 'authorization_pending')
    )
    // The person finds the code the login printed, and approves it as Alice.
    const [pending] = standIn.pendingAuthorizations()
    standIn.approve(pending!.userCode, 'alice')
    expect(standIn.pendingAuthorizations()).toEqual([])
    await sleep(1000)
    const tokens = (await poll(client, started.deviceCode)) as CreateTokenCommandOutput
    expect(tokens).toMatchObject({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 3600,
      refreshToken: expect.any(String)
    })
    const cc = codecatalyst(tokens.accessToken!)
    await expect(cc.send(new VerifySessionCommand({}))).resolves.toMatchObject({
      identity: ALICE.userId
    })
    await expect(cc.send(new GetUserDetailsCommand({ id: ALICE.userId }))).resolves.toMatchObject({
      userId: ALICE.userId,
      userName: 'alice',
      displayName: ALICE.displayName,
      primaryEmail: { email: ALICE.email, verified: true }
    })
  })

  it("renews with the device grant's refresh token once, as the same user, and then refuses it", async () => {
    const { client, tokens } = await loginAs('alice')
    // Bound to the client it was issued to: another client cannot spend it.
    await expect(refresh(standIn.sso, tokens.refreshToken)).rejects.toEqual(
      oauthError('InvalidGrantException', 'invalid_grant')
    )
    const renewed = await refresh(client, tokens.refreshToken)
    expect(renewed).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 })
    expect(renewed.refreshToken).not.toBe(tokens.refreshToken)
    await expect(
      codecatalyst(renewed.accessToken!).send(new VerifySessionCommand({}))
    ).resolves.toMatchObject({ identity: ALICE.userId })
    await expect(refresh(client, tokens.refreshToken)).rejects.toEqual(
      oauthError('InvalidGrantException', 'invalid_grant')
    )
    expect(standIn.oidc.acceptsRefreshToken(tokens.refreshToken!)).toBe(false)
    expect(standIn.oidc.acceptsRefreshToken(renewed.refreshToken!)).toBe(true)
    // The rotated one renews in turn, still as Alice.
    const again = await refresh(client, renewed.refreshToken)
    await expect(
      codecatalyst(again.accessToken!).send(new VerifySessionCommand({}))
    ).resolves.toMatchObject({ identity: ALICE.userId })
  })

  it('answers SlowDown to a poll sooner than the interval, and adds 5 s to the interval of that code', async () => {
    const client = await register()
    const started = await startDevice(client)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('AuthorizationPendingException', 'authorization_pending')
    )
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('SlowDownException', 'slow_down')
    )
    expect(standIn.pendingAuthorizations()[0]?.interval).toBe(6)
    // The interval the code was issued with no longer suffices: it is 6 s now.
    await sleep(1100)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('SlowDownException', 'slow_down')
    )
    expect(standIn.pendingAuthorizations()[0]?.interval).toBe(11)
  })

  it('answers AccessDenied once the person declined', async () => {
    const client = await register()
    const started = await startDevice(client)
    standIn.deny(started.userCode!)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('AccessDeniedException', 'access_denied')
    )
    expect(() => standIn.approve(started.userCode!)).toThrow(/already denied/)
  })

  it('answers ExpiredToken after the device code has lived its lifetime', async () => {
    await restart({ deviceCodeLifetimeSeconds: 1 })
    const client = await register()
    const started = await startDevice(client)
    expect(started.expiresIn).toBe(1)
    await sleep(1100)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('ExpiredTokenException', 'expired_token')
    )
    expect(standIn.pendingAuthorizations()).toEqual([])
    expect(() => standIn.approve(started.userCode!)).toThrow(/expired/)
  })

  it("exchanges a device code once: InvalidGrant for one already used, unknown, or another client's", async () => {
    const client = await register()
    const started = await startDevice(client)
    standIn.approve(started.userCode!)
    await expect(poll(await register(), started.deviceCode)).resolves.toEqual(
      oauthError('InvalidGrantException', 'invalid_grant')
    )
    await expect(poll(client, started.deviceCode)).resolves.toMatchObject({ tokenType: 'Bearer' })
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('InvalidGrantException', 'invalid_grant')
    )
    await expect(poll(client, 'no-such-device-code')).resolves.toEqual(
      oauthError('InvalidGrantException', 'invalid_grant')
    )
  })

  it('answers the device grant without a refresh token when so configured', async () => {
    await restart({ deviceGrantWithoutRefreshToken: true })
    const { tokens } = await loginAs()
    expect(tokens).toMatchObject({ accessToken: expect.any(String), tokenType: 'Bearer' })
    expect(tokens.refreshToken).toBeUndefined()
  })

  it('answers without interval when so configured, and still holds polls to it', async () => {
    await restart({ omitInterval: true })
    const client = await register()
    const started = await startDevice(client)
    expect(started.interval).toBeUndefined()
    await poll(client, started.deviceCode)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('SlowDownException', 'slow_down')
    )
  })

  it('answers InvalidClient (HTTP 401) to a wrong client secret, on either operation', async () => {
    const client = await register()
    const wrong = { clientId: client.clientId, clientSecret: 'not-the-secret' }
    await expect(startDevice(wrong)).rejects.toEqual(
      oauthError('InvalidClientException', 'invalid_client', 401)
    )
    const started = await startDevice(client)
    standIn.approve(started.userCode!)
    await expect(poll(wrong, started.deviceCode)).resolves.toEqual(
      oauthError('InvalidClientException', 'invalid_client', 401)
    )
    // The code is still there for its own client.
    await expect(poll(client, started.deviceCode)).resolves.toMatchObject({ tokenType: 'Bearer' })
  })

  it('answers UnauthorizedClient to a client registered for other grants only', async () => {
    const pkce = await register({ grantTypes: ['authorization_code', 'refresh_token'] })
    await expect(startDevice(pkce)).rejects.toEqual(
      oauthError('UnauthorizedClientException', 'unauthorized_client')
    )
  })

  it('answers InvalidRequest to a StartDeviceAuthorization without startUrl', async () => {
    await expect(startDevice(await register(), { startUrl: undefined })).rejects.toEqual(
      oauthError('InvalidRequestException', 'invalid_request')
    )
  })

  it('approves by itself after the pending polls set, as the user set', async () => {
    await restart({ autoApprove: { afterPendingPolls: 1, userName: 'alice' } })
    const client = await register()
    const started = await startDevice(client)
    await expect(poll(client, started.deviceCode)).resolves.toEqual(
      oauthError('AuthorizationPendingException', 'authorization_pending')
    )
    await sleep(1000)
    const tokens = (await poll(client, started.deviceCode)) as CreateTokenCommandOutput
    await expect(
      codecatalyst(tokens.accessToken!).send(new VerifySessionCommand({}))
    ).resolves.toMatchObject({ identity: ALICE.userId })
  })

  it('refuses a registration that has ended: its refresh tokens and new device codes', async () => {
    await restart({ registrationLifetimeSeconds: 2 })
    const { client, tokens } = await loginAs()
    const registered = standIn.oidc.registrations.get(client.clientId!)!
    await sleep(registered.clientSecretExpiresAt * 1000 - Date.now() + 50)
    await expect(refresh(client, tokens.refreshToken)).rejects.toEqual(
      oauthError('InvalidClientException', 'invalid_client', 401)
    )
    await expect(startDevice(client)).rejects.toEqual(
      oauthError('InvalidClientException', 'invalid_client', 401)
    )
  })

  it('plans faults for RegisterClient and StartDeviceAuthorization', async () => {
    standIn.failNext('RegisterClient', '500').failNext('StartDeviceAuthorization', '503')
    await expect(register()).rejects.toMatchObject({
      name: 'InternalServerException',
      $metadata: { httpStatusCode: 500 }
    })
    const client = await register()
    await expect(startDevice(client)).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } })
    await expect(startDevice(client)).resolves.toMatchObject({ interval: 1 })
  })

  it('refuses to approve as a user the space does not have', async () => {
    const started = await startDevice(await register())
    expect(() => standIn.approve(started.userCode!, 'mallory')).toThrow(/no user named mallory/)
    const auto = startStandIn({
      sso: { autoApprove: { afterPendingPolls: 0, userName: 'mallory' } }
    })
    try {
      await expect(auto).rejects.toThrow(/no user named mallory/)
    } finally {
      await auto.then(
        started => started.close(),
        () => undefined
      )
    }
  })
})
