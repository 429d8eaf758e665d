/**
 * Builds the CodeCatalyst client for the settings: transport, retries, credentials, wired to the runner.
 * What most steps never use is loaded when first needed: the SSO OIDC client (a renewal) and the secret's
 * writer (a renewal with write-back, which brings libsodium).
 */
import * as core from '@actions/core'
import type { ApiDeps } from './api-call.js'
import { type Cancellation, sleep } from './cancellation.js'
import { CodeCatalystClient } from './codecatalyst-client.js'
import { ACTION_NAME, ACTION_VERSION, REGISTRATION_WARNING_DAYS } from './constants.js'
import {
  type Credentials,
  SsoCredentials,
  StaticCredentials,
  credentialLogLine
} from './credentials.js'
import { createHttpTransport } from './http-transport.js'
import type { SessionStore } from './renewal.js'
import type { Settings } from './settings.js'
import { registerSecret } from './safe-text.js'
import { registrationWarning } from './sso-session.js'

const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION} node/${process.version}`

/** Masks a secret in the runner's log and redacts it from any text that comes from the network. */
export function maskSecret(secret: string): void {
  core.setSecret(secret)
  registerSecret(secret)
}

export interface Connection {
  client: CodeCatalystClient
  /** Where the bearer token comes from; says at the end what became of a renewed session. */
  credentials: Credentials
}

/** The client, after saying which credential it uses (and warning when an SSO session ends soon). */
export function connect(settings: Settings, cancellation: Cancellation): Connection {
  const { signal } = cancellation
  const deps: ApiDeps = {
    transport: createHttpTransport(USER_AGENT),
    sleep: (ms, until = signal) => sleep(ms, until),
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
  const credentials = credentialsFor(settings, deps, cancellation)
  return { client: new CodeCatalystClient(settings, { ...deps, credentials }), credentials }
}

function credentialsFor(
  settings: Settings,
  deps: ApiDeps,
  cancellation: Cancellation
): Credentials {
  const { credential, maxAttempts, requestTimeoutMs } = settings
  if (credential.kind === 'token') return new StaticCredentials(credential.token, credential.source)
  const { secret } = credential
  const oidc = once(async () => {
    const { SsoOidcClient } = await import('./sso-oidc-client.js')
    const config = { endpoint: credential.oidcEndpoint, maxAttempts, requestTimeoutMs }
    return new SsoOidcClient({ ...config, savesSessions: secret !== undefined }, deps)
  })
  const store =
    secret &&
    once(async (): Promise<SessionStore> => {
      const { SessionSecret } = await import('./session-secret.js')
      return new SessionSecret({ secret, maxAttempts, requestTimeoutMs }, deps)
    })
  return new SsoCredentials(credential.session, {
    oidc,
    store,
    cancellation,
    now: Date.now,
    mask: maskSecret,
    info: line => core.info(line),
    warning: (line, title) => core.warning(line, { title })
  })
}

/** `load`, run the first time it is asked for; every caller shares that one result. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined
  return () => (loaded ??= load())
}
