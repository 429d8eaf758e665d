/**
 * A world for the SSO session's life across jobs: the stand-ins (CodeCatalyst with SSO OIDC, GitHub's secrets
 * API), the secret as `gh secret set` stored it an hour ago, and jobs that run the step (end to end on dist/, or
 * in-process) each with what the secret holds when it starts, as the runner fixes a job's secrets. One world per
 * test, so that end-to-end tests can run side by side.
 */
import { expect } from '@jest/globals'
import { createHash } from 'node:crypto'
import { demoOptions } from '../../stand-in/demo.js'
import type { Listen } from '../../stand-in/http.js'
import type { GitHubSecretsOptions } from '../../stand-in/github-secrets.js'
import { type StandInOptions, startStandIns } from '../../stand-in/server.js'
import {
  type ActionResult,
  GITHUB_CONTEXT,
  type RunOptions,
  errorAnnotation
} from '../../scripts/runner.js'
import { expectNoSecretLeak } from './expectations.js'
import { DEMO } from './stand-in.js'

export const SECRET = 'CODECATALYST_SSO_SESSION'
export const MARKER = `${SECRET}_MARKER`
export const REPOSITORY = 'octo-org/app'
/** Access tokens of 10 minutes: every job finds less than 15 left, and renews. */
export const TEN_MINUTES = { accessTokenLifetimeSeconds: 600 }

/** Tokens the GitHub stand-in knows. */
export const TOKENS: GitHubSecretsOptions['tokens'] = {
  github_pat_writer: { kind: 'pat', secrets: 'write', variables: 'write' },
  github_pat_reader: { kind: 'pat', secrets: 'read', variables: 'read' },
  github_pat_secrets_reader: { kind: 'pat', secrets: 'read', variables: 'write' },
  github_pat_no_variables: { kind: 'pat', secrets: 'write' },
  github_pat_env_writer: {
    kind: 'pat',
    secrets: 'write',
    variables: 'write',
    environments: 'write'
  },
  ghs_app_writer: { kind: 'app', secrets: 'write', variables: 'write' },
  ghs_job_github_token: { kind: 'github-token' }
}

export type CacheFile = Record<string, string>
export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** What runs one job: runAction (dist/index.js in a process of its own) or runInProcess. */
export type StepRunner = (options: RunOptions) => Promise<ActionResult>

export interface WorldOptions {
  sso?: StandInOptions['sso']
  statusMs?: number
  github?: Partial<GitHubSecretsOptions>
  listen?: Listen
  /** How long the stored access token is still valid (negative: expired that long ago); -60 by default. */
  accessTokenValidForSeconds?: number
}

export interface JobOptions {
  session?: string
  inputs?: Record<string, string>
  env?: Record<string, string>
  onSpawn?: RunOptions['onSpawn']
  bundle?: string
}

let runs = 0

/** Starts the stand-ins, stores the secret (and its environment copy), and returns what a test works with. */
export async function serve(run: StepRunner, options: WorldOptions = {}) {
  const standIns = await startStandIns(
    { ...demoOptions(), sso: options.sso, statusMs: options.statusMs },
    { repository: REPOSITORY, environments: ['production'], tokens: TOKENS, ...options.github },
    { github: options.listen }
  )
  const { codecatalyst, github } = standIns
  const validFor = options.accessTokenValidForSeconds ?? -60
  const stored = JSON.stringify(codecatalyst.ssoSession({ accessTokenValidForSeconds: validFor }))
  github.setSecret(SECRET, stored, { updatedAt: Date.now() - 3_600_000 })
  github.setSecret(SECRET, stored, { environment: 'production', updatedAt: Date.now() - 3_600_000 })

  /** One job: the step with `session` (by default, what the secret holds now) and write-back to SECRET. */
  const job = (job: JobOptions = {}): Promise<ActionResult> => {
    const environment = job.inputs?.['sso-session-secret-environment']
    return run({
      inputs: {
        space: DEMO.space,
        project: DEMO.project,
        'workflow-id': DEMO.workflowId,
        'sso-session': job.session ?? github.secretValue(SECRET, environment) ?? '',
        'sso-session-secret': SECRET,
        'github-token': 'github_pat_writer',
        endpoint: codecatalyst.url,
        ...job.inputs
      },
      env: {
        ...GITHUB_CONTEXT,
        GITHUB_RUN_ID: String(16020400000 + ++runs),
        ...standIns.env,
        ...job.env
      },
      onSpawn: job.onSpawn,
      bundle: job.bundle
    })
  }
  const saved = (environment?: string): CacheFile =>
    JSON.parse(github.secretValue(SECRET, environment) ?? '{}') as CacheFile
  const marker = (environment?: string) =>
    JSON.parse(github.variableValue(MARKER, environment) ?? 'null') as {
      current: string
      replaced: string[]
    } | null
  const presented = () =>
    codecatalyst
      .requestsFor('CreateToken')
      .map(r => (JSON.parse(r.body) as CacheFile).refreshToken ?? '')
  /** Every secret a job could leak: the GitHub tokens, the client secret, every refresh and access token. */
  const allSecrets = () =>
    [
      ...Object.keys(TOKENS),
      'github_pat_revoked',
      codecatalyst.sso.clientSecret,
      ...presented(),
      ...codecatalyst.accessTokens.keys(),
      saved().refreshToken ?? ''
    ].filter(Boolean)

  /**
   * The session is kept: the secret holds a refresh token SSO OIDC still accepts, the marker names it, and every
   * refresh token that was presented (but the first `unmarked`, whose marker was never written) is in its
   * replaced list.
   */
  const expectSessionKept = (unmarked = 0): void => {
    const { refreshToken = '' } = saved()
    expect(codecatalyst.oidc.acceptsRefreshToken(refreshToken)).toBe(true)
    expect(marker()?.current).toBe(sha256(refreshToken))
    for (const token of new Set(presented().slice(unmarked)))
      if (token !== refreshToken) expect(marker()?.replaced).toContain(sha256(token))
  }

  /**
   * Job 1 as `first` says (a fault planned before it), then jobs 2 and 3 from what the secret holds: every job
   * renews (10-minute tokens), presents the refresh token the secret held when it started, and 2 and 3 succeed.
   */
  const threeJobs = async (first: JobOptions = {}, unmarked = 0): Promise<ActionResult[]> => {
    const results: ActionResult[] = []
    for (let n = 1; n <= 3; n++) {
      const before = saved().refreshToken
      const result = await job(n === 1 ? first : {})
      results.push(result)
      expect(presented().at(-1)).toBe(before)
      if (n > 1) {
        expect({ n, code: result.code, error: errorAnnotation(result.stdout) }).toEqual({
          n,
          code: 0,
          error: undefined
        })
        expect(result.outputs).toMatchObject({ 'session-renewed': 'true', 'session-saved': 'true' })
      }
      expectNoSecretLeak(result, allSecrets())
      // What the user sees first: that jobs 2 and 3 succeed; then what the stand-ins hold.
      if (n > 1) expectSessionKept(unmarked)
    }
    return results
  }

  return {
    standIns,
    codecatalyst,
    github,
    stored,
    job,
    saved,
    marker,
    presented,
    allSecrets,
    expectSessionKept,
    threeJobs,
    puts: () => github.requests.filter(r => r.method === 'PUT'),
    codeCatalystRequests: () => codecatalyst.requests.filter(r => r.operation !== 'CreateToken'),
    close: () => standIns.close()
  }
}

export type World = Awaited<ReturnType<typeof serve>>

/** Resolves once `condition` holds (checked every 20 ms). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 20))
}
