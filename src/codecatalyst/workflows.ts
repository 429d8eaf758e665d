/** Which workflow the inputs name: a name resolved through every page, an id checked, and what is wrong when it is not found. */
import {
  type CodeCatalystClient,
  MAX_WORKFLOWS_PAGE,
  type ProjectRef,
  type Workflow,
  type WorkflowRun
} from './client.js'
import { ApiError, ResponseError, ServiceError } from '../net/errors.js'
import { Inputs } from '../common/constants.js'
import { quote } from '../net/safe-text.js'
import type { WorkflowRef } from '../common/settings.js'

/** At most this many workflows are listed in a message. */
const LIST_LIMIT = 20
/** Following nextToken stops here: 100 pages of MAX_WORKFLOWS_PAGE workflows. */
const MAX_PAGES = 100

/** The named workflow cannot be started; the message says why and what to do. */
export class WorkflowError extends Error {
  override readonly name = 'WorkflowError'
}

/** Every workflow of the project, following nextToken through every page. */
export async function listAllWorkflows(
  client: CodeCatalystClient,
  ref: ProjectRef
): Promise<Workflow[]> {
  const workflows: Workflow[] = []
  const seen = new Set<string>()
  let nextToken: string | undefined
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await client.listWorkflows(ref, nextToken)
    workflows.push(...result.items)
    if (!result.nextToken) return workflows
    if (seen.has(result.nextToken)) {
      throw new ResponseError(
        'ListWorkflows',
        'the service returned the same nextToken twice; stopped paging'
      )
    }
    seen.add(result.nextToken)
    nextToken = result.nextToken
  }
  throw new WorkflowError(
    `${ref.space}/${ref.project} has more than ${MAX_PAGES * MAX_WORKFLOWS_PAGE} workflows; use '${Inputs.WorkflowId}' instead of a name.`
  )
}

/** The one workflow with exactly this name, or a WorkflowError that lists what exists. */
export async function resolveWorkflowName(
  client: CodeCatalystClient,
  ref: ProjectRef,
  name: string
): Promise<Workflow> {
  const workflows = await listAllWorkflows(client, ref)
  const matches = workflows.filter(w => w.name === name)
  const [only] = matches
  if (only && matches.length === 1) return only
  const where = `${ref.space}/${ref.project}`
  if (matches.length === 0) {
    const similar = workflows.filter(w => w.name.toLowerCase() === name.toLowerCase())
    const didYouMean = similar.length
      ? ` Names are case-sensitive: did you mean ${similar.map(w => quote(w.name)).join(' or ')}?`
      : ''
    const existing = workflows.length
      ? ` Its workflows: ${formatWorkflowList(workflows)}.`
      : ' The project has no workflows.'
    throw new WorkflowError(
      `No workflow is named ${quote(name)} in ${where}.${didYouMean}${existing}`
    )
  }
  const listed = matches.map(
    w =>
      `${w.id} (repository ${w.sourceRepositoryName ?? '?'}, branch ${w.sourceBranchName ?? '?'}` +
      `${w.definitionPath ? `, ${w.definitionPath}` : ''})`
  )
  throw new WorkflowError(
    `${matches.length} workflows are named ${quote(name)} in ${where}: ${listed.join('; ')}. ` +
      `Use '${Inputs.WorkflowId}' to choose one.`
  )
}

/**
 * The workflow behind an id, for its name and definition status; undefined when it cannot be read,
 * so that a read never blocks a start (the start then reports its own error). One attempt only: a
 * failure costs just the name and the early INVALID check, while retrying a hang would double how long
 * an unreachable endpoint takes to fail.
 */
export async function readWorkflow(
  client: CodeCatalystClient,
  ref: ProjectRef,
  workflowId: string,
  debug: (line: string) => void
): Promise<Workflow | undefined> {
  try {
    return await client.getWorkflow({ ...ref, workflowId }, { maxAttempts: 1 })
  } catch (error) {
    // Only GetWorkflow's own failure is skipped: one to get the credential (CreateToken), or a cancel,
    // ends the step.
    if (
      !(error instanceof ApiError) ||
      error.operation !== 'GetWorkflow' ||
      error.kind === 'cancelled'
    )
      throw error
    debug(`Could not read workflow ${workflowId} before starting it: ${error.logLine()}`)
    return undefined
  }
}

/** Refuses a run (given by run-id) that belongs to another workflow than the one the inputs name. */
export function checkRunOf(run: WorkflowRun, workflow: IdentifiedWorkflow): void {
  if (run.workflowId.toLowerCase() === workflow.id.toLowerCase()) return
  const given = workflow.details
    ? `workflow ${quote(workflow.details.name)} (${workflow.id})`
    : `workflow ${workflow.id}`
  throw new WorkflowError(
    `Run ${run.id} belongs to workflow ${run.workflowId}, not to ${given}. ` +
      `Check the ${Inputs.RunId} input, or leave ${Inputs.WorkflowName} and ${Inputs.WorkflowId} empty.`
  )
}

/** Refuses a workflow whose definition CodeCatalyst marks INVALID, before any start. */
export function checkRunnable(workflow: Workflow): void {
  if (workflow.status !== 'INVALID') return
  const source = workflow.sourceRepositoryName
    ? ` in repository ${workflow.sourceRepositoryName}${workflow.sourceBranchName ? `, branch ${workflow.sourceBranchName}` : ''}`
    : ''
  throw new WorkflowError(
    `Workflow ${quote(workflow.name)} (${workflow.id}) has an invalid definition, so CodeCatalyst cannot run it. ` +
      `Fix ${workflow.definitionPath ?? 'its definition file'}${source}, or see the errors on the workflow in the console.`
  )
}

/**
 * After a ResourceNotFoundException on a start by id: says whether the workflow id or the
 * space/project is wrong. Never throws; the caller keeps the original error.
 */
export async function explainNotFound(
  client: CodeCatalystClient,
  ref: ProjectRef
): Promise<string> {
  try {
    const page = await client.listWorkflows(ref)
    if (page.items.length === 0) {
      return `The project ${ref.space}/${ref.project} exists, but has no workflows.`
    }
    return (
      `The project ${ref.space}/${ref.project} exists, so the workflow id is the part that is wrong. ` +
      `Its workflows: ${formatWorkflowList(page.items, page.nextToken !== undefined)}.`
    )
  } catch (error) {
    if (error instanceof ServiceError && (error.status === 404 || error.status === 403)) {
      return (
        `The space '${ref.space}' or the project '${ref.project}' was not found, or is not visible to this token: ` +
        "check both names (they are case-sensitive) and that the token's user is a member of the project."
      )
    }
    const why = error instanceof ApiError ? error.logLine() : String(error)
    return `(Listing the project's workflows to say more failed too: ${why})`
  }
}

function formatWorkflowList(workflows: Workflow[], more = false): string {
  const shown = workflows.slice(0, LIST_LIMIT).map(w => `${w.name} (${w.id})`)
  const rest = workflows.length - shown.length
  return shown.join(', ') + (rest > 0 ? `, and ${rest} more` : more ? ', and more' : '')
}

/** The workflow's id, and its details when they could be read. */
export interface IdentifiedWorkflow {
  id: string
  details?: Workflow
  /** How the user named it. */
  givenBy: 'id' | 'name'
}

/** Resolves a name to its workflow (failing with what exists), or reads an id's details on a best-effort basis. */
export async function identifyWorkflow(
  client: CodeCatalystClient,
  ref: ProjectRef,
  workflow: WorkflowRef,
  debug: (line: string) => void
): Promise<IdentifiedWorkflow> {
  if ('name' in workflow) {
    const details = await resolveWorkflowName(client, ref, workflow.name)
    return { id: details.id, details, givenBy: 'name' }
  }
  return {
    id: workflow.id,
    details: await readWorkflow(client, ref, workflow.id, debug),
    givenBy: 'id'
  }
}
