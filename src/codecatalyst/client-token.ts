/** The idempotency token of StartWorkflowRun: derived from where the step runs, so a retry never starts a second run. */
import { createHash, randomUUID } from 'node:crypto'
import type { GitHubContext } from '../common/settings.js'

/** Reads the GitHub context from the runner's environment. */
export function gitHubContext(env: NodeJS.ProcessEnv): GitHubContext {
  return {
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    job: env.GITHUB_JOB,
    action: env.GITHUB_ACTION
  }
}

/** What makes one start of a workflow run distinct from another. */
export interface TokenContext extends GitHubContext {
  space: string
  project: string
  workflowId: string
}

export interface DerivedToken {
  token: string
  /** True when there was no GitHub run id and the token is random. */
  random: boolean
}

/**
 * The idempotency token for StartWorkflowRun: `gh-<run id>-<attempt>-<digest>`.
 *
 * The same step, executed again in the same attempt, gets the same token (and so the same run);
 * a new attempt, another job, another step or another target gets another one. The run id and attempt
 * stay readable so a person can trace a CodeCatalyst run back to its GitHub run; the digest covers
 * every field in full, so shortening the readable part never makes two tokens collide.
 * The result is at most 51 characters and matches the model's clientToken pattern.
 */
export function deriveClientToken(context: TokenContext): DerivedToken {
  if (!context.runId) return { token: `local-${randomUUID()}`, random: true }

  const fields = [
    context.runId,
    context.runAttempt ?? '',
    context.job ?? '',
    context.action ?? '',
    context.space,
    context.project,
    context.workflowId.toLowerCase()
  ]
  // Length-prefixing makes the encoding unambiguous: no two field lists hash the same input.
  const digest = createHash('sha256')
    .update(fields.map(f => `${f.length}:${f}`).join('|'))
    .digest('hex')
    .slice(0, 24)
  const token = [
    'gh',
    readable(context.runId, 16),
    readable(context.runAttempt ?? '1', 6),
    digest
  ].join('-')
  return { token, random: false }
}

/** Keeps only letters and digits, at most `max` of them, so the token always fits the model. */
function readable(value: string, max: number): string {
  return value.replace(/[^a-zA-Z0-9]/g, '').slice(0, max) || '0'
}
