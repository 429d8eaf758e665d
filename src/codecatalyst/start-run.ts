/** Starting a run: the idempotency token, the start request, and which part is wrong when it is refused. */
import * as core from '@actions/core'
import { deriveClientToken } from './client-token.js'
import type { CodeCatalystClient } from './client.js'
import { ServiceError } from '../net/errors.js'
import type { Settings } from '../common/settings.js'
import { type IdentifiedWorkflow, checkRunnable, explainNotFound } from './workflows.js'

/** The `client-token` input, or one derived from where this step runs (random outside GitHub Actions). */
export function clientTokenFor(settings: Settings, workflowId: string): string {
  if (settings.clientToken) return settings.clientToken
  const { token, random } = deriveClientToken({
    ...settings.github,
    space: settings.space,
    project: settings.project,
    workflowId
  })
  if (random) {
    core.notice(
      `GITHUB_RUN_ID is not set, so this is not a GitHub Actions run: using the random client token ${token}. ` +
        'Retries of this process are idempotent; another process starts another run.'
    )
  }
  return token
}

/** Starts a run of `workflow` with `clientToken`; returns the run id. */
export async function startRun(
  client: CodeCatalystClient,
  settings: Settings,
  workflow: IdentifiedWorkflow,
  clientToken: string
): Promise<string> {
  if (workflow.details) checkRunnable(workflow.details)
  const ref = { space: settings.space, project: settings.project }
  const name = workflow.details ? ` (${workflow.details.name})` : ''
  core.info(
    `Starting workflow ${workflow.id}${name} in ${ref.space}/${ref.project} ` +
      `(client token ${clientToken}) at ${settings.endpoint}`
  )
  try {
    const { id } = await client.startWorkflowRun({ ...ref, workflowId: workflow.id, clientToken })
    core.notice(`Started CodeCatalyst workflow run ${id}`, { title: 'CodeCatalyst run started' })
    return id
  } catch (error) {
    // Given by id, say which of space, project and workflow is wrong, the service's error first.
    if (
      workflow.givenBy === 'id' &&
      error instanceof ServiceError &&
      error.type === 'ResourceNotFoundException'
    ) {
      throw new Error(`${error.logLine()}\n${await explainNotFound(client, ref)}`, { cause: error })
    }
    throw error
  }
}
