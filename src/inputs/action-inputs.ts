/** The main action's inputs (action.yml) as Settings: every problem reported at once, no secret ever shown. */
import {
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  Inputs,
  REQUEST_TIMEOUT_RANGE
} from '../common/constants.js'
import { gitHubContext } from '../codecatalyst/client-token.js'
import type { CredentialSettings, Settings } from '../common/settings.js'
import {
  readSecretInputs,
  readSsoSession,
  readToken,
  sessionSecretOf
} from './credential-inputs.js'
import {
  type Given,
  type InputReader,
  InputError,
  readCodeCatalystEndpoint,
  readMaxAttempts,
  readSeconds,
  trimmed
} from './reading.js'
import { runRules } from './rules.js'
import {
  readClientToken,
  readName,
  readRunId,
  readWaitInputs,
  readWorkflowId,
  readWorkflowName,
  targetOf
} from './target-inputs.js'

/**
 * Turns the action's inputs (and the AWS SDK environment conventions) into Settings.
 * Reports every problem in one InputError; never puts a secret's value in a message.
 */
export function getSettings(
  read: InputReader,
  env: NodeJS.ProcessEnv,
  now: number = Date.now()
): Settings {
  const input = trimmed(read)
  const r = readRunInputs(input, env, now)
  const { problems, waits } = runRules(input, env, r)
  const target = targetOf(r.workflowId.value, r.workflowName.value, r.runId.value)
  const credential = credentialOf(input, r)
  if (problems.length > 0 || !target || !credential) throw new InputError(problems)
  return {
    space: r.space.value,
    project: r.project.value,
    target,
    wait: waits ? r.wait.value.settings : undefined,
    credential,
    clientToken: r.clientToken.value,
    endpoint: r.endpoint.value,
    maxAttempts: r.maxAttempts.value,
    requestTimeoutMs: r.requestTimeout.value,
    github: gitHubContext(env),
    notices: r.maxAttempts.notices,
    warnings: r.maxAttempts.warnings
  }
}

/** Each of the main action's inputs (or group read together) read on its own, whatever the others say. */
function readRunInputs(input: Given, env: NodeJS.ProcessEnv, now: number) {
  return {
    space: readName(Inputs.Space, input(Inputs.Space)),
    project: readName(Inputs.Project, input(Inputs.Project)),
    workflowId: readWorkflowId(input(Inputs.WorkflowId)),
    workflowName: readWorkflowName(input(Inputs.WorkflowName)),
    runId: readRunId(input(Inputs.RunId)),
    token: readToken(input(Inputs.Token), env),
    session: readSsoSession(input(Inputs.SsoSession), env, now),
    secret: readSecretInputs(input, env),
    clientToken: readClientToken(input(Inputs.ClientToken)),
    endpoint: readCodeCatalystEndpoint(input(Inputs.Endpoint), env),
    maxAttempts: readMaxAttempts(input(Inputs.MaxAttempts), env),
    requestTimeout: readSeconds(
      Inputs.RequestTimeoutSeconds,
      input(Inputs.RequestTimeoutSeconds),
      DEFAULT_REQUEST_TIMEOUT_SECONDS,
      REQUEST_TIMEOUT_RANGE
    ),
    wait: readWaitInputs(input)
  }
}

/** The SSO session (saved to its secret when one is named) when `sso-session` is given, else the bearer token. */
function credentialOf(
  input: Given,
  r: ReturnType<typeof readRunInputs>
): CredentialSettings | undefined {
  const given = input(Inputs.SsoSession)
  if (!given) return r.token.value && { kind: 'token', ...r.token.value }
  const session = r.session.value
  return (
    session && {
      kind: 'sso-session',
      session: session.session,
      oidcEndpoint: session.oidcEndpoint,
      given,
      secret: sessionSecretOf(r.secret)
    }
  )
}
