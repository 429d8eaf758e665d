/**
 * The CodeCatalyst operations this action uses, and the read-only ones a user would try, per the service model
 * (codecatalyst/2022-09-28, restJson1): a space's projects, workflows and runs, whose statuses advance by time;
 * and its users, who a token belongs to (codecatalyst-users.ts).
 */
import { randomUUID } from 'node:crypto'
import {
  NEXT_TOKEN_MAX_LENGTH,
  isFinished,
  isUuid,
  isValidClientToken,
  isValidName
} from '../src/codecatalyst/model.js'
import { CodeCatalystUsers, type StandInUser } from './codecatalyst-users.js'
import { ApiFailure, type Route, parseJsonBody } from './http.js'

export type CodeCatalystOperation =
  | 'StartWorkflowRun'
  | 'GetWorkflowRun'
  | 'ListWorkflows'
  | 'GetWorkflow'
  | 'ListWorkflowRuns'
  | 'GetProject'
  | 'VerifySession'
  | 'GetUserDetails'

export interface StandInWorkflow {
  id: string
  name: string
  space: string
  project: string
  status?: 'ACTIVE' | 'INVALID'
  sourceRepositoryName?: string
  sourceBranchName?: string
  definitionPath?: string
  /**
   * The statuses a run of this workflow goes through, by time since it started: each lasts `ms`
   * (default: the stand-in's statusMs); the last one stays.
   */
  runStatuses?: (string | { status: string; ms: number })[]
}

/** One status of a run's schedule, and when it began (ms since the epoch). */
interface ScheduledStatus {
  status: string
  from: number
}

export interface StandInRun {
  id: string
  workflowId: string
  space: string
  project: string
  clientToken: string
  /** When each status begins: the run's times are those of its schedule, fixed when it starts. */
  schedule: ScheduledStatus[]
  startTime: string
}

export const DEFAULT_RUN_STATUSES = ['VALIDATING', 'PROVISIONING', 'IN_PROGRESS', 'SUCCEEDED']

/** The space as it stands: its workflows and projects, as given, and the runs started. */
export interface CodeCatalystSpace {
  workflows: StandInWorkflow[]
  /** Projects that exist besides those of the workflows: `space/project`. */
  projects?: string[]
  /** Default ListWorkflows page size when maxResults is not given. */
  pageSize?: number
  /** How long each run status lasts unless a workflow says otherwise (default 1000 ms). */
  statusMs?: number
  /** The users of the space (default [DEFAULT_USER]); the first is the one today's tokens belong to. */
  users?: StandInUser[]
}

export class CodeCatalystService {
  readonly runs = new Map<string, StandInRun>()
  readonly users: CodeCatalystUsers
  private readonly byClientToken = new Map<string, StandInRun>()

  constructor(private readonly options: CodeCatalystSpace) {
    this.users = new CodeCatalystUsers(options.users)
  }

  /**
   * Runs one operation on the space's state for the user `caller` names (the default user when not given); its
   * errors are ApiFailures, as the model lists them.
   */
  execute(
    route: { operation: CodeCatalystOperation; labels: string[] },
    method: string,
    query: URLSearchParams,
    body: string,
    contentType?: string,
    caller?: string
  ): unknown {
    if (route.operation === 'VerifySession')
      return this.users.verifySession(this.users.caller(caller))
    if (route.operation === 'GetUserDetails')
      return this.users.getUserDetails(this.users.caller(caller), query)
    const [space = '', project = '', id = ''] = route.labels
    checkLabel(route.operation, 'spaceName', space)
    checkLabel(route.operation, route.operation === 'GetProject' ? 'name' : 'projectName', project)
    const input = method === 'GET' ? {} : parseJsonBody(body, contentType)
    if (!this.projectExists(space, project)) {
      throw new ApiFailure(404, 'ResourceNotFoundException', 'Project not found')
    }
    switch (route.operation) {
      case 'StartWorkflowRun':
        return this.startWorkflowRun(space, project, query, input)
      case 'GetWorkflowRun':
        return this.getWorkflowRun(space, project, id)
      case 'ListWorkflows':
        return this.listWorkflows(space, project, query)
      case 'GetWorkflow':
        return this.workflowView(this.findWorkflow(space, project, id), true)
      case 'ListWorkflowRuns':
        return this.listWorkflowRuns(space, project, query)
      case 'GetProject':
        return { spaceName: space, name: project, displayName: project, description: '' }
    }
  }

  private startWorkflowRun(
    space: string,
    project: string,
    query: URLSearchParams,
    input: Record<string, unknown>
  ): unknown {
    const workflowId = query.get('workflowId')
    if (workflowId === null || !isUuid(workflowId)) {
      throw new ApiFailure(400, 'ValidationException', 'workflowId must be a UUID')
    }
    const clientToken = input.clientToken
    if (
      clientToken !== undefined &&
      (typeof clientToken !== 'string' || !isValidClientToken(clientToken))
    ) {
      throw new ApiFailure(400, 'ValidationException', 'Invalid clientToken')
    }
    const workflow = this.findWorkflow(space, project, workflowId)
    if (workflow.status === 'INVALID') {
      throw new ApiFailure(400, 'ValidationException', 'The workflow definition is not valid')
    }
    const token = clientToken ?? randomUUID()
    const previous = this.byClientToken.get(token)
    if (previous) {
      if (
        previous.workflowId !== workflow.id ||
        previous.space !== space ||
        previous.project !== project
      ) {
        throw new ApiFailure(
          409,
          'ConflictException',
          'The clientToken was used for a different request'
        )
      }
      return runView(previous)
    }
    const run: StandInRun = {
      id: randomUUID(),
      workflowId: workflow.id,
      space,
      project,
      clientToken: token,
      schedule: this.schedule(workflow),
      startTime: new Date().toISOString()
    }
    this.runs.set(run.id, run)
    this.byClientToken.set(token, run)
    return runView(run)
  }

  /** When each status of a new run begins. */
  private schedule(workflow: StandInWorkflow): ScheduledStatus[] {
    let from = Date.now()
    return (workflow.runStatuses ?? DEFAULT_RUN_STATUSES).map(step => {
      const { status, ms } =
        typeof step === 'string' ? { status: step, ms: this.options.statusMs ?? 1000 } : step
      const scheduled = { status, from }
      from += ms
      return scheduled
    })
  }

  private getWorkflowRun(space: string, project: string, id: string): unknown {
    if (!isUuid(id)) throw new ApiFailure(400, 'ValidationException', 'id must be a UUID')
    const run = this.runs.get(id.toLowerCase())
    if (!run || run.space !== space || run.project !== project) {
      throw new ApiFailure(404, 'ResourceNotFoundException', 'Workflow run not found')
    }
    return { ...runView(run), ...this.runState(run), statusReasons: [] }
  }

  /** The run's status now, with the times it happened: the same on every read, by any client. */
  private runState(run: StandInRun) {
    const now = Date.now()
    const current = run.schedule.filter(s => s.from <= now).at(-1) ?? run.schedule[0]
    const status = current?.status ?? 'VALIDATING'
    const changed = new Date(current?.from ?? now).toISOString()
    return {
      status,
      startTime: run.startTime,
      ...(isFinished(status) ? { endTime: changed } : {}),
      lastUpdatedTime: changed
    }
  }

  /** ListWorkflowRuns: the newest runs first, one page (maxResults 1-50). */
  private listWorkflowRuns(space: string, project: string, query: URLSearchParams): unknown {
    const max = pageSize(query, 50, 50)
    if (query.get('nextToken') !== null)
      throw new ApiFailure(400, 'ValidationException', 'Invalid nextToken')
    const workflowId = query.get('workflowId')
    if (workflowId !== null && !isUuid(workflowId))
      throw new ApiFailure(400, 'ValidationException', 'workflowId must be a UUID')
    const runs = [...this.runs.values()]
      .filter(r => r.space === space && r.project === project)
      .filter(r => workflowId === null || r.workflowId.toLowerCase() === workflowId.toLowerCase())
      .reverse()
    const items = runs.slice(0, max).map(run => {
      const workflow = this.options.workflows.find(w => w.id === run.workflowId)
      return {
        id: run.id,
        workflowId: run.workflowId,
        workflowName: workflow?.name ?? 'unknown',
        statusReasons: [],
        ...this.runState(run)
      }
    })
    return { items }
  }

  private listWorkflows(space: string, project: string, query: URLSearchParams): unknown {
    const max = pageSize(query, 100, this.options.pageSize ?? 25)
    const nextToken = query.get('nextToken')
    if (nextToken !== null && (nextToken.length < 1 || nextToken.length > NEXT_TOKEN_MAX_LENGTH))
      throw new ApiFailure(400, 'ValidationException', 'nextToken must be 1-2048 characters')
    const offset = nextToken === null ? 0 : Number(Buffer.from(nextToken, 'base64url').toString())
    if (!Number.isInteger(offset) || offset < 0) {
      throw new ApiFailure(400, 'ValidationException', 'Invalid nextToken')
    }
    const all = this.options.workflows.filter(w => w.space === space && w.project === project)
    const page = all.slice(offset, offset + max)
    const more = offset + max < all.length
    return {
      items: page.map(w => this.workflowView(w, false)),
      ...(more ? { nextToken: Buffer.from(String(offset + max)).toString('base64url') } : {})
    }
  }

  private findWorkflow(space: string, project: string, id: string): StandInWorkflow {
    if (!isUuid(id)) throw new ApiFailure(400, 'ValidationException', 'workflowId must be a UUID')
    const workflow = this.options.workflows.find(
      w => w.space === space && w.project === project && w.id.toLowerCase() === id.toLowerCase()
    )
    if (!workflow) throw new ApiFailure(404, 'ResourceNotFoundException', 'Workflow not found')
    return workflow
  }

  private workflowView(w: StandInWorkflow, withNames: boolean): unknown {
    const time = '2026-01-01T00:00:00.000Z'
    return {
      ...(withNames ? { spaceName: w.space, projectName: w.project } : {}),
      id: w.id,
      name: w.name,
      sourceRepositoryName: w.sourceRepositoryName ?? 'app',
      sourceBranchName: w.sourceBranchName ?? 'main',
      definition: { path: w.definitionPath ?? `.codecatalyst/workflows/${w.name}.yaml` },
      createdTime: time,
      lastUpdatedTime: time,
      runMode: 'QUEUED',
      status: w.status ?? 'ACTIVE'
    }
  }

  private projectExists(space: string, project: string): boolean {
    const key = `${space}/${project}`
    return (
      (this.options.projects ?? []).includes(key) ||
      this.options.workflows.some(w => `${w.space}/${w.project}` === key)
    )
  }
}

export const CODECATALYST_ROUTES: Route<CodeCatalystOperation>[] = [
  {
    operation: 'StartWorkflowRun',
    method: 'PUT',
    pattern: /^\/v1\/spaces\/([^/]+)\/projects\/([^/]+)\/workflowRuns$/
  },
  {
    operation: 'GetWorkflowRun',
    method: 'GET',
    pattern: /^\/v1\/spaces\/([^/]+)\/projects\/([^/]+)\/workflowRuns\/([^/]+)$/
  },
  {
    operation: 'ListWorkflows',
    method: 'POST',
    pattern: /^\/v1\/spaces\/([^/]+)\/projects\/([^/]+)\/workflows$/
  },
  {
    operation: 'GetWorkflow',
    method: 'GET',
    pattern: /^\/v1\/spaces\/([^/]+)\/projects\/([^/]+)\/workflows\/([^/]+)$/
  },
  {
    operation: 'ListWorkflowRuns',
    method: 'POST',
    pattern: /^\/v1\/spaces\/([^/]+)\/projects\/([^/]+)\/workflowRuns$/
  },
  { operation: 'GetProject', method: 'GET', pattern: /^\/v1\/spaces\/([^/]+)\/projects\/([^/]+)$/ },
  { operation: 'VerifySession', method: 'GET', pattern: /^\/session$/ },
  { operation: 'GetUserDetails', method: 'GET', pattern: /^\/userDetails$/ }
]

/** The model's length rules for the name labels, which differ per operation: [min, max]. */
const NAME_LENGTHS: Partial<Record<CodeCatalystOperation, Record<string, [number, number]>>> = {
  StartWorkflowRun: { spaceName: [1, Infinity], projectName: [1, Infinity] },
  ListWorkflows: { spaceName: [1, Infinity], projectName: [3, 63] },
  GetWorkflow: { spaceName: [3, 63], projectName: [1, Infinity] },
  GetWorkflowRun: { spaceName: [3, 63], projectName: [1, Infinity] },
  ListWorkflowRuns: { spaceName: [3, 63], projectName: [1, Infinity] },
  GetProject: { spaceName: [3, 63], name: [3, 63] }
}

function checkLabel(operation: CodeCatalystOperation, field: string, value: string): void {
  const [min, max] = NAME_LENGTHS[operation]?.[field] ?? [1, Infinity]
  if (!isValidName(value) || value.length < min || value.length > max)
    throw new ApiFailure(400, 'ValidationException', `Invalid ${field}`)
}

/** maxResults, from 1 to `limit`, or `fallback` when absent. */
function pageSize(query: URLSearchParams, limit: number, fallback: number): number {
  const text = query.get('maxResults')
  const max = text === null ? fallback : Number(text)
  if (!Number.isInteger(max) || max < 1 || max > limit)
    throw new ApiFailure(400, 'ValidationException', `maxResults must be between 1 and ${limit}`)
  return max
}

function runView(run: StandInRun): Record<string, string> {
  return { spaceName: run.space, projectName: run.project, id: run.id, workflowId: run.workflowId }
}
