/**
 * The settings the action runs with, and the types that several layers share. Every module may import this
 * one; it imports nothing of the project's, so every import in src/ runs one way, down to here.
 */

/** A workflow as the user named it: by id or by name. */
export type WorkflowRef = { id: string } | { name: string }

/** The step's place in GitHub Actions, from the runner's environment; all absent outside it. */
export interface GitHubContext {
  /** GITHUB_RUN_ID */
  runId?: string
  /** GITHUB_RUN_ATTEMPT; a re-run increments it. */
  runAttempt?: string
  /** GITHUB_JOB */
  job?: string
  /** GITHUB_ACTION: the step's id (or a generated name), distinct per step in a job. */
  action?: string
}

/** An AWS CLI SSO session, parsed from the `sso-session` input (src/auth/sso-session.ts). */
export interface SsoSession {
  /** The SSO start URL (AWS Builder ID or an IAM Identity Center portal); informational. */
  startUrl?: string
  /** The sso_region: where SSO OIDC is called to renew the access token. */
  region: string
  /** The cached access token, when there is one; renewed once it ends within the refresh window. */
  accessToken?: string
  /** When accessToken ends, in ms since the epoch. */
  expiresAt?: number
  clientId: string
  clientSecret: string
  /** When the client registration (clientId/clientSecret) ends, in ms since the epoch. */
  registrationExpiresAt?: number
  refreshToken: string
  /** Every member of the file as given: a saved session keeps what the action does not read. */
  members: Readonly<Record<string, unknown>>
}

/** What the step does: start a run of a workflow, or follow a run that already exists. */
export type Target =
  | { kind: 'start'; workflow: WorkflowRef }
  | { kind: 'existing'; runId: string; workflow?: WorkflowRef }

export interface WaitSettings {
  timeoutMs: number
  pollIntervalMs: number
  /** Finished statuses that count as success. */
  succeedOn: string[]
}

/** How the action authenticates: a bearer token used as given, or an SSO session it renews. */
export type CredentialSettings =
  | {
      kind: 'token'
      token: string
      /** Where the token came from, as the user would name it. */
      source: string
    }
  | {
      kind: 'sso-session'
      session: SsoSession
      /** The `sso-session` input as given (a secret): what a handoff between steps is sealed under. */
      given: string
      /** SSO OIDC base URL without a trailing slash. */
      oidcEndpoint: string
      /** Where every renewed session is saved; without it, a renewal spends the stored refresh token. */
      secret?: SessionSecretSettings
    }

/** The secret that `sso-session` comes from, written back through GitHub's REST API after each renewal. */
export interface SessionSecretSettings {
  name: string
  /** The environment whose secret it is; a repository secret when absent. */
  environment?: string
  /** May write that secret: a fine-grained PAT or a GitHub App installation token. */
  githubToken: string
  /** GitHub's REST API base URL without a trailing slash. */
  apiUrl: string
  owner: string
  repo: string
}

/** Everything the action needs, validated. Nothing downstream reads inputs again. */
export interface Settings {
  space: string
  project: string
  target: Target
  /** Set when the step waits for the run to finish (always, for an existing run). */
  wait?: WaitSettings
  credential: CredentialSettings
  /** The explicit `client-token` input, if given; otherwise one is derived. */
  clientToken?: string
  /** API base URL without a trailing slash. */
  endpoint: string
  maxAttempts: number
  requestTimeoutMs: number
  /** Where this step runs in GitHub Actions, for the idempotency token. */
  github: GitHubContext
  /** What was adjusted rather than refused, to say once before anything else. */
  notices: string[]
  /** What was ignored (set for other tools, not this step) and replaced by a default, likewise. */
  warnings: string[]
}

/**
 * What a pure reader of an input (or of a few read together) found: the value, and every problem with it,
 * each naming the input; none when it is fine. Readers return one; none is handed an array to fill.
 */
export interface Reading<T> {
  value: T
  problems: string[]
}
