/**
 * The login action: keep the stored SSO session when it can still be renewed (if-needed), else log in with the
 * device authorization grant; check with CodeCatalyst who the session belongs to; save it to its secret in the
 * AWS CLI's format; say who, when and what next.
 */
import * as core from '@actions/core'
import type { ApiDeps } from './net/api-call.js'
import { type Cancellation, listenForCancel } from './net/cancellation.js'
import { apiDeps, maskSecret, ssoCredentials } from './clients.js'
import { CodeCatalystClient } from './codecatalyst/client.js'
import { Inputs, LoginOutputs } from './common/constants.js'
import { StaticCredentials } from './auth/credentials.js'
import { DeviceAuthorizationClient } from './auth/device-authorization.js'
import { LoginError, deviceLogin } from './auth/device-login.js'
import { CredentialError, RenewalError, ReplacedCopyError, ServiceError } from './net/errors.js'
import { isoSeconds } from './common/format.js'
import { secretsIn } from './inputs/credential-inputs.js'
import { type LoginSettings, getLoginSettings } from './inputs/login-inputs.js'
import { type Identity, type LoginReport, userText, writeLoginSummary } from './login-summary.js'
import { errorText } from './outcome.js'
import { ownBudget } from './auth/renewal.js'
import { handoffFor } from './auth/handoff.js'
import { LoginSecret } from './auth/secret-store.js'
import { newCacheFile } from './auth/sso-session.js'

/** What the login needs besides its settings. */
interface Login {
  settings: LoginSettings
  store: LoginSecret
  deps: ApiDeps
  cancellation: Cancellation
}

export async function runLogin(): Promise<void> {
  const read = (name: string) => core.getInput(name)
  for (const secret of secretsIn(read, {})) maskSecret(secret)
  let settings: LoginSettings
  try {
    settings = getLoginSettings(read, process.env)
  } catch (error) {
    core.setFailed(errorText(error))
    return
  }
  for (const notice of settings.notices) core.notice(notice)
  for (const warning of settings.warnings) core.warning(warning)
  const cancellation = listenForCancel(line => core.info(line))
  const deps = apiDeps(cancellation.signal)
  const { secret, maxAttempts, requestTimeoutMs } = settings
  // A later step of this job given the same secret takes over what the login saves.
  const handoff = handoffFor(secret, read(Inputs.SsoSession).trim(), process.env)
  const store = new LoginSecret({ secret, maxAttempts, requestTimeoutMs, handoff }, deps)
  const login: Login = { settings, store, deps, cancellation }
  let report: LoginReport
  try {
    report = (settings.ifNeeded && (await keepStored(login))) || (await logIn(login))
    setLoginOutputs(report)
  } catch (error) {
    report = { how: 'failed', place: store.place, failure: errorText(error) }
  } finally {
    cancellation.stop()
  }
  if (report.failure) core.setFailed(report.failure)
  await writeLoginSummary(report).catch((error: unknown) =>
    core.warning(`Could not write the job summary: ${errorText(error)}`)
  )
}

/**
 * The stored session, renewed and saved, when it still works for CodeCatalyst (and belongs to `expected-user`);
 * undefined when a login is needed: no session, one that cannot be renewed, or one CodeCatalyst refuses.
 */
async function keepStored(login: Login): Promise<LoginReport | undefined> {
  const { settings, store } = login
  const { stored } = settings
  if (!stored) return needsLogin(`No stored session was given ('${Inputs.SsoSession}' is empty).`)
  if ('unusable' in stored)
    return needsLogin(`The stored session cannot be renewed: ${stored.unusable}`)
  const oidc = { ...settings, endpoint: settings.storedOidcEndpoint ?? settings.oidcEndpoint }
  const credentials = ssoCredentials(
    stored.session,
    oidc,
    () => Promise.resolve(store),
    login.deps,
    login.cancellation
  )
  let token: string
  try {
    token = await credentials.renew()
  } catch (error) {
    if (error instanceof ReplacedCopyError)
      return { how: 'newer', place: store.place, notice: error.message }
    if (!(error instanceof RenewalError) || error.stage !== 'create-token' || error.passing)
      throw error
    return needsLogin(`SSO OIDC refused to renew the stored session: ${error.message}`)
  }
  // Renewed, but not saved: the secret's refresh token is spent, and a login could not be saved either.
  const { failure } = credentials.report() ?? {}
  if (failure) throw new CredentialError(failure)
  const user = await identify(settings, token, login.deps)
  if (!user)
    return needsLogin('CodeCatalyst refuses the stored session (its access may have ended).')
  if (settings.expectedUser && user.userName !== settings.expectedUser)
    return needsLogin(
      `The stored session belongs to ${userLine(user)}, not to '${settings.expectedUser}' ('${Inputs.ExpectedUser}').`
    )
  core.info(`The stored SSO session is alive: renewed, saved, and it belongs to ${userLine(user)}.`)
  const registrationExpiresAt = stored.session.registrationExpiresAt
  return { how: 'kept', place: store.place, user, registrationExpiresAt, savedAt: Date.now() }
}

function needsLogin(why: string): undefined {
  core.info(`${why} Logging in.`)
  return undefined
}

/** A new login, approved by a person, checked with CodeCatalyst, and saved. */
async function logIn(login: Login): Promise<LoginReport> {
  const { settings, store, deps, cancellation } = login
  const marker = await store.checkForLogin({ signal: cancellation.signal })
  const oidc = new DeviceAuthorizationClient(settings, deps)
  const { client, minted } = await deviceLogin(settings.startUrl, settings.loginTimeoutMs, {
    client: oidc,
    signal: cancellation.signal,
    now: deps.now,
    sleep: deps.sleep,
    mask: maskSecret,
    info: line => core.info(line),
    notice: (line, title) => core.notice(line, { title })
  })
  maskSecret(minted.accessToken)
  if (minted.refreshToken) maskSecret(minted.refreshToken)
  core.info('The login was approved.')
  if (!minted.refreshToken)
    throw new LoginError(
      `SSO OIDC approved the login but gave no refresh token: this identity provider ('${Inputs.StartUrl}' ` +
        `${settings.startUrl}) does not give one, so the session could not be kept alive past its hour, and it ` +
        'was not saved. Use AWS Builder ID or an IAM Identity Center that issues refresh tokens.'
    )
  const user = await identify(settings, minted.accessToken, deps)
  if (!user)
    throw new LoginError(
      'CodeCatalyst refuses the new session (VerifySession: AccessDeniedException): the identity that approved ' +
        'the login has no access to CodeCatalyst, so it was not saved. Approve the login as a CodeCatalyst user.'
    )
  checkExpectedUser(user, settings.expectedUser)
  const file = newCacheFile({
    startUrl: settings.startUrl,
    region: settings.region,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    registrationExpiresAt: client.expiresAt,
    accessToken: minted.accessToken,
    expiresAt: deps.now() + minted.expiresIn * 1000,
    refreshToken: minted.refreshToken
  })
  return save(login, file, minted.refreshToken, marker, user, client.expiresAt)
}

/** Saves the new session on its own budget: a cancel now would waste the person's approval. */
async function save(
  login: Login,
  file: string,
  refreshToken: string,
  marker: Awaited<ReturnType<LoginSecret['checkForLogin']>>,
  user: Identity,
  registrationExpiresAt: number
): Promise<LoginReport> {
  const { store, deps, cancellation } = login
  const shield = ownBudget({ now: deps.now, cancellation, info: line => core.info(line) })
  try {
    const { markerProblem } = await store.saveLogin(file, refreshToken, marker, shield.scope)
    core.info(`Saved the new SSO session to the secret ${store.place}.`)
    const report: LoginReport = {
      how: 'logged-in',
      place: store.place,
      user,
      registrationExpiresAt
    }
    report.savedAt = deps.now()
    if (markerProblem?.fatal) report.failure = markerProblem.message
    else if (markerProblem)
      core.warning(markerProblem.message, { title: 'SSO session marker not updated' })
    return report
  } finally {
    shield.dispose()
  }
}

/** VerifySession, then GetUserDetails; undefined when CodeCatalyst refuses the token. */
async function identify(
  settings: LoginSettings,
  token: string,
  deps: ApiDeps
): Promise<Identity | undefined> {
  const credentials = new StaticCredentials(token, 'the SSO session')
  const client = new CodeCatalystClient(settings, { ...deps, credentials })
  let id: string
  try {
    id = await client.verifySession()
  } catch (error) {
    if (
      error instanceof ServiceError &&
      (error.kind === 'forbidden' || error.kind === 'unauthorized')
    )
      return undefined
    throw error
  }
  try {
    return await client.getUserDetails(id)
  } catch (error) {
    // A user who has not onboarded may not read their own details.
    if (!(error instanceof ServiceError) || error.kind !== 'forbidden') throw error
    return { userId: id, userName: '', detailsRefused: true }
  }
}

function checkExpectedUser(user: Identity, expected: string | undefined): void {
  if (expected === undefined || user.userName === expected) return
  throw new LoginError(
    user.detailsRefused
      ? `CodeCatalyst does not say whose session this is (GetUserDetails was refused), so it cannot be the user ` +
          `'${expected}' that '${Inputs.ExpectedUser}' names: it was not saved.`
      : `The login was approved by ${userLine(user)}, not by '${expected}' ('${Inputs.ExpectedUser}'): anyone who ` +
          'can read this log can open the link and approve it as themselves, so the session was not saved. ' +
          `Run the workflow again, and approve the code signed in as '${expected}'.`
  )
}

/** 'Display Name (user-name), id 1234', or the id alone when that is all that is known. */
function userLine(user: Identity): string {
  return user.userName ? `${userText(user)}, id ${user.userId}` : userText(user)
}

function setLoginOutputs(report: LoginReport): void {
  const { user, registrationExpiresAt } = report
  if (user) {
    core.setOutput(LoginOutputs.UserId, user.userId)
    if (user.userName) core.setOutput(LoginOutputs.UserName, user.userName)
    if (user.displayName) core.setOutput(LoginOutputs.DisplayName, user.displayName)
  }
  if (registrationExpiresAt !== undefined)
    core.setOutput(LoginOutputs.RegistrationExpiresAt, isoSeconds(registrationExpiresAt))
}
