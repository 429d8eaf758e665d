/** Builds the CodeCatalyst client for the settings: transport, retries, credentials, wired to the runner. */
import * as core from '@actions/core'
import type { ApiDeps } from './api-call.js'
import { abortableSleep } from './cancellation.js'
import { CodeCatalystClient } from './codecatalyst-client.js'
import { ACTION_NAME, ACTION_VERSION, REGISTRATION_WARNING_DAYS } from './constants.js'
import { createCredentials, credentialLogLine } from './credentials.js'
import { createHttpTransport } from './http-transport.js'
import type { Settings } from './input-helper.js'
import { registerSecret } from './safe-text.js'
import { registrationWarning } from './sso-session.js'

const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION} node/${process.version}`

/** Masks a secret in the runner's log and redacts it from any text that comes from the network. */
export function maskSecret(secret: string): void {
  core.setSecret(secret)
  registerSecret(secret)
}

/** The client, after saying which credential it uses (and warning when an SSO session ends soon). */
export function connect(settings: Settings, signal: AbortSignal): CodeCatalystClient {
  const deps: ApiDeps = {
    transport: createHttpTransport(USER_AGENT),
    sleep: abortableSleep(signal),
    random: Math.random,
    now: Date.now,
    log: line => core.info(line),
    signal
  }
  const { credential } = settings
  core.info(credentialLogLine(credential))
  if (credential.kind === 'sso-session') {
    const warning = registrationWarning(credential.session, Date.now(), REGISTRATION_WARNING_DAYS)
    if (warning) core.warning(warning, { title: 'CodeCatalyst SSO session ends soon' })
  }
  const credentials = createCredentials(credential, settings, {
    ...deps,
    mask: maskSecret,
    info: line => core.info(line)
  })
  return new CodeCatalystClient(settings, { ...deps, credentials })
}
