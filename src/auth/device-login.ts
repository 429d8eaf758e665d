/**
 * A login with the device authorization grant, as a person lives it: the job registers a client, shows a link
 * and a code, and polls while the person approves in their own browser, on any device. It ends with the new
 * tokens, or with a message that says why not (declined, expired, timed out, cancelled): nothing is saved then.
 */
import type { CallScope } from '../net/api-call.js'
import { Inputs, LOGIN_CLIENT_NAME } from '../common/constants.js'
import type {
  ClientRegistration,
  DeviceAuthorization,
  DeviceAuthorizationClient
} from './device-authorization.js'
import { ApiError, CredentialError, ServiceError } from '../net/errors.js'
import { formatDuration, isoSeconds } from '../common/format.js'
import type { MintedToken } from './sso-oidc.js'

export interface DeviceLoginDeps {
  client: DeviceAuthorizationClient
  /** The job's cancellation: it ends the wait at once. */
  signal: AbortSignal
  now: () => number
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  mask: (secret: string) => void
  info: (line: string) => void
  /** A notice annotation, under `title`. */
  notice: (line: string, title: string) => void
}

/** A login that a person approved: its client registration and its tokens. */
export interface ApprovedLogin {
  client: ClientRegistration
  minted: MintedToken
}

/** Why a login ended without tokens: nothing was saved. */
export class LoginError extends CredentialError {
  override readonly name: string = 'LoginError'
}

/** RFC 8628 §3.5: after slow_down, a client waits 5 s longer between polls. */
const SLOW_DOWN_MS = 5000

/** Registers a client, starts a device authorization, shows it, and waits until it is approved. */
export async function deviceLogin(
  startUrl: string,
  timeoutMs: number | undefined,
  deps: DeviceLoginDeps
): Promise<ApprovedLogin> {
  const scope: CallScope = { signal: deps.signal }
  const client = await deps.client.registerClient(LOGIN_CLIENT_NAME, scope)
  deps.mask(client.clientSecret)
  const authorization = await deps.client.start(client, startUrl, scope)
  deps.mask(authorization.deviceCode)
  const deadline = Math.min(authorization.expiresAt, deps.now() + (timeoutMs ?? Infinity))
  show(authorization, deadline, deps)
  return { client, minted: await awaitApproval(client, authorization, deadline, deps) }
}

/** The link and the code on lines of their own, how long they are valid, and a notice that repeats them. */
function show(authorization: DeviceAuthorization, deadline: number, deps: DeviceLoginDeps): void {
  const { verificationUriComplete: link, userCode, expiresAt } = authorization
  const validFor = formatDuration(expiresAt - deps.now())
  deps.info('To log in to CodeCatalyst, open this link in a browser, on any device, and sign in:')
  deps.info(link)
  deps.info('Check that the page shows this code before you approve it:')
  deps.info(userCode)
  deps.info(
    `The code is valid for ${validFor} (until ${isoSeconds(expiresAt)}). Waiting for the approval until ` +
      `${isoSeconds(deadline)}${deadline < expiresAt ? ` ('${Inputs.LoginTimeoutSeconds}')` : ''}.`
  )
  deps.notice(
    `Open ${link} and approve the code ${userCode}, if the page shows that code (valid until ${isoSeconds(expiresAt)}).`,
    'Log in to CodeCatalyst'
  )
}

/** Polls CreateToken every interval (5 s longer after each slow_down) until approved, declined or out of time. */
async function awaitApproval(
  client: ClientRegistration,
  authorization: DeviceAuthorization,
  deadline: number,
  deps: DeviceLoginDeps
): Promise<MintedToken> {
  let intervalMs = authorization.intervalMs
  for (;;) {
    await deps.sleep(Math.max(0, Math.min(intervalMs, deadline - deps.now())), deps.signal)
    if (deps.signal.aborted) throw cancelled()
    if (deps.now() >= deadline) throw outOfTime(authorization, deadline)
    try {
      return await deps.client.exchange(client, authorization.deviceCode, {
        deadline,
        signal: deps.signal
      })
    } catch (error) {
      if (deps.signal.aborted) throw cancelled()
      const type = error instanceof ServiceError ? error.type : undefined
      if (type === 'AuthorizationPendingException') continue
      if (type === 'SlowDownException') {
        intervalMs += SLOW_DOWN_MS
        deps.info(
          `SSO OIDC asks to poll less often: every ${formatDuration(intervalMs)} from now on.`
        )
        continue
      }
      throw ended(error, authorization, deadline, deps.now())
    }
  }
}

/** A poll's failure that ends the login, said as what happened and what to do. */
function ended(
  error: unknown,
  authorization: DeviceAuthorization,
  deadline: number,
  now: number
): unknown {
  if (!(error instanceof ApiError)) return error
  const type = error instanceof ServiceError ? error.type : undefined
  if (type === 'ExpiredTokenException')
    return new LoginError(
      `${error.logLine()}\nThe code ${authorization.userCode} expired before anyone approved it, so nothing was ` +
        'saved. Run the workflow again for a new link and code, and approve it within its time.',
      { cause: error }
    )
  if (type === 'AccessDeniedException')
    return new LoginError(
      `${error.logLine()}\nThe login was declined in the browser, so nothing was saved. Run the workflow ` +
        'again to log in, and approve the code this time (if you did not decline it, someone else did).',
      { cause: error }
    )
  if (now >= deadline) return outOfTime(authorization, deadline)
  return error
}

function outOfTime(authorization: DeviceAuthorization, deadline: number): LoginError {
  const expired = deadline >= authorization.expiresAt
  return new LoginError(
    expired
      ? `The code ${authorization.userCode} expired at ${isoSeconds(authorization.expiresAt)} before anyone ` +
          'approved it, so nothing was saved. Run the workflow again for a new link and code.'
      : `No one approved the login by ${isoSeconds(deadline)} ('${Inputs.LoginTimeoutSeconds}'), so ` +
          `nothing was saved. Run the workflow again, or raise '${Inputs.LoginTimeoutSeconds}' to wait longer.`
  )
}

function cancelled(): LoginError {
  return new LoginError(
    'The job was cancelled while waiting for the login to be approved, so nothing was saved. An approval ' +
      'given after this has no effect: run the workflow again to log in.'
  )
}
