/**
 * What the action says about the session's secret and its marker: each failure in words that name the secret,
 * the token or the permission, and say what to do. One place, so that every message says it the same way.
 */
import { GITHUB_TOKEN_PERMISSIONS, Inputs, LOG_IN_AGAIN } from '../common/constants.js'
import { ApiError } from '../net/errors.js'
import type { SessionSecretSettings } from '../common/settings.js'

const NOTHING_RENEWED = 'Nothing was renewed, so the SSO session in the secret is untouched'

export class SecretWords {
  /** The secret as a log line names it: NAME of owner/repo, or NAME of environment 'E' in owner/repo. */
  readonly place: string
  /** The marker variable, likewise. */
  readonly markerPlace: string

  constructor(
    private readonly secret: SessionSecretSettings,
    private readonly marker: string
  ) {
    const { environment, owner, repo } = secret
    const where =
      environment === undefined
        ? `${owner}/${repo}`
        : `environment '${environment}' in ${owner}/${repo}`
    this.place = `${secret.name} of ${where}`
    this.markerPlace = `${marker} of ${where}`
  }

  /** A check before a renewal (or a login) failed: nothing was spent, and no one was asked to log in. */
  checkFailed(error: ApiError, before: 'renewal' | 'login' = 'renewal'): string {
    const [purpose, untouched] =
      before === 'renewal'
        ? ['renewing the SSO session', NOTHING_RENEWED]
        : ['logging in', 'No login was started, and the secret is untouched']
    const retry = ': re-run the job later.'
    const unreadable = `the secret ${this.place} could not be read before ${purpose}`
    const why: Partial<Record<ApiError['kind'], string>> = {
      throttled: `GitHub is rate limiting '${Inputs.GitHubToken}', so ${unreadable}. ${untouched}${retry}`,
      unavailable: `GitHub is unavailable (or the network to it is), so ${unreadable}. ${untouched}${retry}`,
      unreachable: `GitHub could not be reached at ${this.secret.apiUrl}, so ${unreadable}: check GITHUB_API_URL, HTTPS_PROXY and NO_PROXY. ${untouched}.`,
      unauthorized:
        `GitHub did not accept '${Inputs.GitHubToken}': it has expired or was revoked. Create a new one, ` +
        `${GITHUB_TOKEN_PERMISSIONS}, and store it in the secret you pass as '${Inputs.GitHubToken}'. ${untouched}.`,
      forbidden: `${this.permissionProblem(error.operation)} ${untouched}.`,
      'not-found': `${this.notFound(error.operation)} ${untouched}.`,
      malformed: `GitHub's answer to ${error.operation} is not what its API promises, so ${unreadable}. ${untouched}: re-run the job, and check GITHUB_API_URL if it persists.`
    }
    return `${error.logLine()}\n${why[error.kind] ?? `GitHub refused ${error.operation}. ${untouched}.`}`
  }

  /** The marker lists this copy's refresh token as replaced; `lostSave` when the secret was not written since. */
  replaced(lostSave: boolean): string {
    const marker = `the marker ${this.markerPlace} lists this copy's refresh token as replaced`
    if (!lostSave)
      return (
        `This job's copy of the SSO session is not the latest one: ${marker}, because another job renewed ` +
        `the session and saved it to the secret ${this.place} after this job was given its copy. That refresh ` +
        'token is spent, so it was not used. Re-run this job: it is given the renewed session.'
      )
    return (
      `The last renewal of the SSO session was not saved: ${marker}, but the secret ${this.place} was not ` +
      'written after the marker. So the refresh token it holds is spent, and it was not used. If another job ' +
      `is saving the session right now, re-run this job when that one ends; otherwise ${LOG_IN_AGAIN}.`
    )
  }

  /** The marker variable holds something the action did not write. */
  foreignMarker(): string {
    return (
      `The variable ${this.markerPlace} holds no marker this action wrote (JSON with the SHA-256 of the refresh ` +
      `token that the secret ${this.secret.name} holds), so this copy cannot be checked. Delete the variable ` +
      '(Settings > Secrets and variables > Actions > Variables) and re-run the job: the next renewal writes it ' +
      `again. ${NOTHING_RENEWED}.`
    )
  }

  /** Why a renewed session could not be saved, what that costs, and what to do. */
  notSaved(error: unknown, mayHaveLanded: boolean, cutShort?: string): string {
    const why = error instanceof ApiError ? error.logLine() : String(error)
    const cost = mayHaveLanded
      ? 'GitHub may have applied the save all the same (a write can land before its answer fails); if it did ' +
        "not, the secret holds a spent refresh token (SSO OIDC accepts each one once), and the next job's renewal " +
        'will fail.'
      : "The secret holds a spent refresh token (SSO OIDC accepts each one once), so the next job's renewal will fail."
    return (
      `The renewed SSO session could not be saved to the secret ${this.place}: ${why}\n${cost} ` +
      `To recover: ${LOG_IN_AGAIN}. ${this.saveFix(error, cutShort)}.`
    )
  }

  /** Why a new login could not be saved: the person's approval is lost, the stored session is as it was. */
  loginNotSaved(error: unknown): string {
    const why = error instanceof ApiError ? error.logLine() : String(error)
    return (
      `The new SSO session could not be saved to the secret ${this.place}: ${why}\nThe secret holds what it ` +
      `held before (GitHub may have applied the save all the same, if its answer was lost). ${this.saveFix(error, undefined)}; then run the login again.`
    )
  }

  /** The session was saved, but its marker could not be brought up to date. */
  markerNotUpdated(error: ApiError): { message: string; fatal: boolean } {
    const fatal = error.kind === 'unauthorized' || error.kind === 'forbidden'
    const fix = fatal
      ? `give '${Inputs.GitHubToken}' the permission to write it: ${GITHUB_TOKEN_PERMISSIONS}`
      : 'nothing needs fixing if GitHub was unavailable: the next renewal writes it'
    return {
      message:
        `Saved the renewed SSO session to the secret ${this.place}, but could not update its marker ` +
        `${this.markerPlace}: ${error.logLine()}\nUntil it is updated, a job that holds an older copy may ` +
        `present a refresh token that is spent; ${fix}.`,
      fatal
    }
  }

  private saveFix(error: unknown, cutShort: string | undefined): string {
    if (cutShort) return `Nothing else needs fixing: ${cutShort}`
    const kind = error instanceof ApiError ? error.kind : undefined
    if (kind === 'forbidden')
      return `Then give '${Inputs.GitHubToken}' write access (it could read the secret but not write it): ${GITHUB_TOKEN_PERMISSIONS}`
    if (kind === 'unauthorized')
      return `Then replace '${Inputs.GitHubToken}': GitHub no longer accepts it`
    if (kind === 'throttled' || kind === 'unavailable' || kind === 'unreachable')
      return 'Nothing else needs fixing: GitHub was unavailable (or rate limiting) for longer than the renewal could wait'
    return `Then check that '${Inputs.GitHubToken}' may write the secret ${this.secret.name}`
  }

  /** What a 403 from GitHub means for this secret or its marker, and what to do. */
  private permissionProblem(operation: string): string {
    const what = !operation.endsWith('Variable')
      ? `read or write the secret ${this.place}`
      : operation.startsWith('Get')
        ? `read the marker variable ${this.markerPlace}`
        : `write the marker variable ${this.markerPlace}`
    return (
      `'${Inputs.GitHubToken}' may not ${what}: it must be ${GITHUB_TOKEN_PERMISSIONS}. The job's GITHUB_TOKEN ` +
      'can never write secrets: if that is the token passed (secrets.GITHUB_TOKEN or github.token), pass a ' +
      'personal access token or a GitHub App installation token instead.'
    )
  }

  /** What a 404 from GitHub means: no such repository or environment for this token, or no such secret. */
  private notFound(operation: string): string {
    const { name, environment, owner, repo } = this.secret
    if (operation.endsWith('PublicKey'))
      return environment === undefined
        ? `GitHub found no repository ${owner}/${repo} that '${Inputs.GitHubToken}' can see: give the token ` +
            'access to this repository (a fine-grained token lists the repositories it may access; an App must be installed on it).'
        : `GitHub found no environment '${environment}' in ${owner}/${repo} that '${Inputs.GitHubToken}' can see: ` +
            `check '${Inputs.SsoSessionSecretEnvironment}', and that the token may access this repository.`
    return (
      `There is no secret ${name} in ${environment === undefined ? `repository ${owner}/${repo}` : `environment '${environment}' of ${owner}/${repo}`}: ` +
      `'${Inputs.SsoSessionSecret}' must name the secret that '${Inputs.SsoSession}' comes from` +
      (environment === undefined
        ? ` (for an environment secret, set '${Inputs.SsoSessionSecretEnvironment}' too).`
        : `, and '${Inputs.SsoSessionSecretEnvironment}' its environment.`)
    )
  }
}
