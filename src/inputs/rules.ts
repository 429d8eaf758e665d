/**
 * The rules between inputs, for both actions, in one place: which combinations are refused, and what one implies.
 * Each action's function lists every problem in the order the user reads them: each input's own, as its reader
 * found it, with a rule's beside the inputs it names.
 */
import {
  ENV_BEARER_TOKEN,
  ENV_GITHUB_REPOSITORY,
  GITHUB_TOKEN_PERMISSIONS,
  Inputs
} from '../common/constants.js'
import { type SecretReadings, repositoryProblem } from './credential-inputs.js'
import type { Given } from './reading.js'

/** A reading the rules do not look into: only its problems are reported. */
interface Found {
  problems: string[]
}

/** What the main action's readers found, in the order their problems are reported. */
export interface RunReadings {
  space: Found
  project: Found
  workflowId: Found
  workflowName: Found
  runId: Found
  token: Found
  session: Found
  secret: SecretReadings
  clientToken: Found
  endpoint: Found
  maxAttempts: Found
  requestTimeout: Found
  wait: Found & { value: { asked: boolean } }
}

/** What the login's readers found, in the order their problems are reported. */
export interface LoginReadings {
  secret: SecretReadings
  where: Found
  endpoint: Found
  loginTimeout: Found
  maxAttempts: Found
  requestTimeout: Found
  expectedUser: Found
  ifNeeded: Found
}

const SESSION_EXAMPLE = `${Inputs.SsoSession}: \${{ secrets.CODECATALYST_SSO_SESSION }}`

/**
 * The main action: one workflow (by id or by name) or a run to follow; one credential (`token` or
 * `sso-session`, or AWS_BEARER_TOKEN_CODECATALYST), and only an SSO session saved to a secret; a run to follow is
 * waited for. Every problem, and whether the step waits.
 */
export function runRules(
  input: Given,
  env: NodeJS.ProcessEnv,
  r: RunReadings
): { problems: string[]; waits: boolean } {
  const workflowId = input(Inputs.WorkflowId)
  const workflowName = input(Inputs.WorkflowName)
  const runId = input(Inputs.RunId)
  const token = input(Inputs.Token)
  const session = input(Inputs.SsoSession)
  const credential =
    token && session
      ? [BOTH_CREDENTIALS]
      : session
        ? r.session.problems
        : token || env[ENV_BEARER_TOKEN]?.trim()
          ? r.token.problems
          : [NO_CREDENTIAL]
  const problems = [
    r.space.problems,
    r.project.problems,
    r.workflowId.problems,
    r.workflowName.problems,
    workflowId && workflowName ? [BOTH_WORKFLOWS] : [],
    r.runId.problems,
    !workflowId && !workflowName && !runId ? [NO_TARGET] : [],
    credential,
    secretRules(input, env, r.secret),
    input(Inputs.SsoSessionSecret) && !session ? [SECRET_NEEDS_SESSION] : [],
    r.clientToken.problems,
    r.endpoint.problems,
    r.maxAttempts.problems,
    r.requestTimeout.problems,
    r.wait.problems
  ].flat()
  return { problems, waits: r.wait.value.asked || runId !== '' }
}

/** The login: it always saves the session, so `sso-session-secret` is required, with what it needs. Every problem. */
export function loginRules(input: Given, env: NodeJS.ProcessEnv, r: LoginReadings): string[] {
  return [
    input(Inputs.SsoSessionSecret) ? [] : [SECRET_REQUIRED],
    secretRules(input, env, r.secret),
    r.where.problems,
    r.endpoint.problems,
    r.loginTimeout.problems,
    r.maxAttempts.problems,
    r.requestTimeout.problems,
    r.expectedUser.problems,
    r.ifNeeded.problems
  ].flat()
}

/**
 * Both actions: `sso-session-secret` needs `github-token` and GITHUB_REPOSITORY; its environment and
 * `github-token` serve only it, so either alone is a mistake (and is not read further).
 */
function secretRules(input: Given, env: NodeJS.ProcessEnv, s: SecretReadings): string[] {
  if (!input(Inputs.SsoSessionSecret))
    return [
      input(Inputs.SsoSessionSecretEnvironment) ? [ENVIRONMENT_ALONE] : [],
      input(Inputs.GitHubToken) ? [GITHUB_TOKEN_ALONE] : []
    ].flat()
  return [
    s.name.problems,
    s.environment.problems,
    input(Inputs.GitHubToken) ? s.githubToken.problems : [NEEDS_GITHUB_TOKEN],
    env[ENV_GITHUB_REPOSITORY]?.trim() ? s.repository.problems : [repositoryProblem('')],
    s.apiUrl.problems
  ].flat()
}

const BOTH_WORKFLOWS =
  `Inputs '${Inputs.WorkflowId}' and '${Inputs.WorkflowName}' are both set. Give only one: ` +
  `the name is easier to read, the id never changes.`

const NO_TARGET =
  `Input '${Inputs.WorkflowName}' or '${Inputs.WorkflowId}' is required to start a run ` +
  `(or give '${Inputs.RunId}' to wait for an existing run).`

const BOTH_CREDENTIALS =
  `Inputs '${Inputs.Token}' and '${Inputs.SsoSession}' are both set. Give only one: ` +
  `'${Inputs.SsoSession}' (recommended) is renewed by the action, '${Inputs.Token}' is used as is.`

const NO_CREDENTIAL =
  `No credential: give '${Inputs.SsoSession}' (recommended: the AWS CLI's SSO session, which the action ` +
  `renews) or '${Inputs.Token}' (a bearer access token) from a secret, e.g. ${SESSION_EXAMPLE}; ` +
  `or set ${ENV_BEARER_TOKEN}. Check that the secret exists: workflows triggered from forks get no secrets.`

const SECRET_NEEDS_SESSION =
  `Input '${Inputs.SsoSessionSecret}' needs '${Inputs.SsoSession}': only an SSO session is renewed and saved ` +
  `(a '${Inputs.Token}' is used as is).`

const SECRET_REQUIRED = `Input '${Inputs.SsoSessionSecret}' is required: the name of the secret to save the session to, e.g. CODECATALYST_SSO_SESSION.`

const NEEDS_GITHUB_TOKEN =
  `Input '${Inputs.SsoSessionSecret}' needs '${Inputs.GitHubToken}': a token that may write that secret, ` +
  `${GITHUB_TOKEN_PERMISSIONS}. The job's GITHUB_TOKEN cannot write secrets.`

/** An input that serves only `sso-session-secret`, set without it. */
function alone(name: Inputs, what: string): string {
  return (
    `Input '${name}' is set but '${Inputs.SsoSessionSecret}' is not: '${name}' is ${what}. ` +
    `Set '${Inputs.SsoSessionSecret}' to the name of the secret that '${Inputs.SsoSession}' comes from, or remove '${name}'.`
  )
}

const ENVIRONMENT_ALONE = alone(
  Inputs.SsoSessionSecretEnvironment,
  'the environment whose secret it is'
)
const GITHUB_TOKEN_ALONE = alone(
  Inputs.GitHubToken,
  'the token that saves the renewed SSO session to it'
)
