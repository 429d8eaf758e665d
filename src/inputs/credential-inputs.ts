/** Readers of the secrets among the inputs: the bearer token, the SSO session, and the secret it is saved to. */
import {
  DEFAULT_GITHUB_API_URL,
  ENV_BEARER_TOKEN,
  ENV_GITHUB_API_URL,
  ENV_GITHUB_REPOSITORY,
  ENV_SSO_OIDC_ENDPOINT,
  Inputs,
  ssoOidcEndpoint
} from '../common/constants.js'
import type { SessionSecretSettings, SsoSession } from '../common/settings.js'
import { parseSsoSession, ssoSessionSecrets } from '../auth/sso-session.js'
import { hasControlCharacters, isBearerToken, quote } from '../net/safe-text.js'
import { type Given, type InputReader, type Reading, readEndpoint, reading } from './reading.js'

/** Every secret value among the inputs and the environment, found leniently, to be masked first. */
export function secretsIn(read: InputReader, env: NodeJS.ProcessEnv): string[] {
  return [
    read(Inputs.Token).trim(),
    read(Inputs.GitHubToken).trim(),
    env[ENV_BEARER_TOKEN]?.trim() ?? '',
    ...ssoSessionSecrets(read(Inputs.SsoSession).trim())
  ].filter(Boolean)
}

/** A bearer token and where it came from, as the user would name it. */
export interface GivenToken {
  token: string
  source: string
}

/** `token`, else AWS_BEARER_TOKEN_CODECATALYST: none (and no problem) when neither is set. */
export function readToken(value: string, env: NodeJS.ProcessEnv): Reading<GivenToken | undefined> {
  const [source, token] = value
    ? [`input '${Inputs.Token}'`, value]
    : [`environment variable ${ENV_BEARER_TOKEN}`, env[ENV_BEARER_TOKEN]?.trim() ?? '']
  if (!token) return reading(undefined)
  if (isBearerToken(token)) return reading({ token, source })
  return reading(
    undefined,
    `The token in ${source} has whitespace or characters that cannot be sent in an HTTP header ` +
      '(its value is not shown). Store the access token alone in the secret, with no spaces or line breaks.'
  )
}

/** A usable SSO session, and where SSO OIDC renews it. */
export interface GivenSession {
  session: SsoSession
  /** SSO OIDC base URL without a trailing slash. */
  oidcEndpoint: string
}

/**
 * `sso-session`, when given, and AWS_ENDPOINT_URL_SSO_OIDC, else the session's regional SSO OIDC endpoint
 * (read only once the session is, since its region makes the default).
 */
export function readSsoSession(
  value: string,
  env: NodeJS.ProcessEnv,
  now: number
): Reading<GivenSession | undefined> {
  if (!value) return reading(undefined)
  const parsed = parseSsoSession(value, now)
  const session = parsed.value
  if (!session) return { value: undefined, problems: parsed.problems }
  const oidc = readEndpoint(
    [[`Environment variable ${ENV_SSO_OIDC_ENDPOINT}`, env[ENV_SSO_OIDC_ENDPOINT]?.trim()]],
    ssoOidcEndpoint(session.region)
  )
  return {
    value: { session, oidcEndpoint: oidc.value },
    problems: [...parsed.problems, ...oidc.problems]
  }
}

/** Secret names as GitHub takes them. */
const SECRET_NAME = /^(?!GITHUB_)[A-Z_][A-Z0-9_]*$/i
/** One part of GITHUB_REPOSITORY: an owner or a repository name. */
const REPOSITORY_PART = /^[\w.-]+$/

/** What the readers of the secret's inputs found, each apart; the rules between them are in rules.ts. */
export interface SecretReadings {
  /** `sso-session-secret`, when given. */
  name: Reading<string | undefined>
  /** `sso-session-secret-environment`, when given. */
  environment: Reading<string | undefined>
  /** `github-token`, when given. */
  githubToken: Reading<string | undefined>
  /** GITHUB_REPOSITORY as owner and repo, when it is set and well formed. */
  repository: Reading<{ owner: string; repo: string } | undefined>
  /** GITHUB_API_URL, else api.github.com. */
  apiUrl: Reading<string>
}

/** `sso-session-secret`, its environment and `github-token`, with GITHUB_REPOSITORY and GITHUB_API_URL: where renewed sessions are saved. */
export function readSecretInputs(input: Given, env: NodeJS.ProcessEnv): SecretReadings {
  return {
    name: readSecretName(input(Inputs.SsoSessionSecret)),
    environment: readSecretEnvironment(input(Inputs.SsoSessionSecretEnvironment)),
    githubToken: readGitHubToken(input(Inputs.GitHubToken)),
    repository: readRepository(env[ENV_GITHUB_REPOSITORY]?.trim() ?? ''),
    apiUrl: readEndpoint(
      [[`Environment variable ${ENV_GITHUB_API_URL}`, env[ENV_GITHUB_API_URL]?.trim()]],
      DEFAULT_GITHUB_API_URL
    )
  }
}

/** The secret's settings from its readings, when its name is given and nothing is wrong with them. */
export function sessionSecretOf(s: SecretReadings): SessionSecretSettings | undefined {
  const [name, githubToken, repository] = [s.name.value, s.githubToken.value, s.repository.value]
  const problems = [s.name, s.environment, s.githubToken, s.repository, s.apiUrl].flatMap(
    r => r.problems
  )
  if (!name || !githubToken || !repository || problems.length > 0) return undefined
  const environment = s.environment.value
  return { name, environment, githubToken, apiUrl: s.apiUrl.value, ...repository }
}

/** `sso-session-secret`, when given: a secret's name. */
export function readSecretName(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    value !== '' &&
      !SECRET_NAME.test(value) &&
      `Invalid ${Inputs.SsoSessionSecret} ${quote(value)}. Expected the name of a secret: letters, digits and '_', ` +
        'not starting with a digit or GITHUB_, e.g. CODECATALYST_SSO_SESSION.'
  )
}

/** `sso-session-secret-environment`, when given: an environment's name. */
export function readSecretEnvironment(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    (value.length > 255 || hasControlCharacters(value)) &&
      `Invalid ${Inputs.SsoSessionSecretEnvironment} ${quote(value)}. Expected the name of an environment of the repository.`
  )
}

/** `github-token`, when given: it goes in a header. */
export function readGitHubToken(value: string): Reading<string | undefined> {
  return reading(
    value || undefined,
    value !== '' &&
      !isBearerToken(value) &&
      `The token in input '${Inputs.GitHubToken}' has whitespace or characters that cannot be sent in an HTTP ` +
        'header (its value is not shown). Store the token alone in the secret, with no spaces or line breaks.'
  )
}

/** GITHUB_REPOSITORY (`value`) as owner and repo: where the secret is. Unset, it is none, with no problem. */
export function readRepository(
  value: string
): Reading<{ owner: string; repo: string } | undefined> {
  if (!value) return reading(undefined)
  const [owner = '', repo = '', ...rest] = value.split('/')
  if (REPOSITORY_PART.test(owner) && REPOSITORY_PART.test(repo) && rest.length === 0)
    return reading({ owner, repo })
  return reading(undefined, repositoryProblem(value))
}

/** What is wrong with GITHUB_REPOSITORY (`value`, '' when unset) when the session is to be saved. */
export function repositoryProblem(value: string): string {
  return (
    `Environment variable ${ENV_GITHUB_REPOSITORY} is ${value ? quote(value) : 'not set'}: saving the ` +
    `session needs the repository as owner/repo (the runner sets it; outside GitHub Actions, set it yourself).`
  )
}
