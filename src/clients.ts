/**
 * Builds the CodeCatalyst client for the settings: transport, retries, credentials, wired to the runner.
 * What most steps never use is loaded when first needed: the SSO OIDC client (a renewal) and the secret's
 * writer (a renewal with write-back, which brings libsodium).
 */
import * as core from '@actions/core'
import type { ApiDeps } from './net/api-call.js'
import { type Cancellation, type Sleep, sleep } from './net/cancellation.js'
import { CodeCatalystClient } from './codecatalyst/client.js'
import { ACTION_NAME, ACTION_VERSION, REGISTRATION_WARNING_DAYS } from './common/constants.js'
import {
  type Credentials,
  SsoCredentials,
  StaticCredentials,
  credentialLogLine
} from './auth/credentials.js'
import { createHttpTransport } from './net/http-transport.js'
import type { SessionStore } from './auth/renewal.js'
import type { Settings, SsoSession } from './common/settings.js'
import { registerSecret } from './net/safe-text.js'
import { type Handoff, handoffFor, takeOver } from './auth/handoff.js'
import { parseSsoSession, registrationWarning, ssoSessionSecrets } from './auth/sso-session.js'

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

/** What every API call of a step runs on: one transport, backoff sleeps that a cancel ends, the runner's log. */
export function apiDeps(signal: AbortSignal, wait: Sleep = sleep): ApiDeps {
  return {
    transport: createHttpTransport(USER_AGENT),
    sleep: (ms, until = signal) => wait(ms, until),
    random: Math.random,
    now: Date.now,
    log: line => core.info(line),
    signal
  }
}

/** The client, after saying which credential it uses (and warning when an SSO session ends soon). */
export function connect(settings: Settings, cancellation: Cancellation, wait?: Sleep): Connection {
  const deps = apiDeps(cancellation.signal, wait)
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
  const handoff = secret && handoffFor(secret, credential.given, process.env)
  const store =
    secret &&
    once(async (): Promise<SessionStore> => {
      const { SessionSecret } = await import('./auth/secret-store.js')
      return new SessionSecret({ secret, maxAttempts, requestTimeoutMs, handoff }, deps)
    })
  const oidc = { endpoint: credential.oidcEndpoint, maxAttempts, requestTimeoutMs }
  const session = (handoff && takenOver(handoff)) || credential.session
  return ssoCredentials(session, oidc, store, deps, cancellation)
}

/** The session an earlier step of this job saved (masked first), when it handed one on; else undefined. */
function takenOver(handoff: Handoff): SsoSession | undefined {
  const raw = takeOver(handoff)
  if (raw === undefined) return undefined
  for (const secret of ssoSessionSecrets(raw)) maskSecret(secret)
  const session = parseSsoSession(raw, Date.now()).value
  if (session)
    core.info(
      'Using the SSO session that an earlier step of this job saved, instead of the older copy the job was given.'
    )
  return session
}

/**
 * The credentials of an SSO session, renewed through SSO OIDC at `oidc` (its client loaded when first needed),
 * saved to `store` when there is one; wired to the runner's log and masking.
 */
export function ssoCredentials(
  session: SsoSession,
  oidc: { endpoint: string; maxAttempts: number; requestTimeoutMs: number },
  store: (() => Promise<SessionStore>) | undefined,
  deps: ApiDeps,
  cancellation: Cancellation
): SsoCredentials {
  const client = once(async () => {
    const { SsoOidcClient } = await import('./auth/sso-oidc.js')
    return new SsoOidcClient({ ...oidc, savesSessions: store !== undefined }, deps)
  })
  return new SsoCredentials(session, {
    oidc: client,
    store,
    cancellation,
    now: Date.now,
    mask: maskSecret,
    info: line => core.info(line),
    warning: (line, title) => core.warning(line, { title })
  })
}

/** `load`, run the first time it is asked for; every caller shares that one result. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined
  return () => (loaded ??= load())
}
