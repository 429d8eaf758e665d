/** The CodeCatalyst REST API (restJson1, bearer auth): the operations the action uses, with bounded retries and one renewal. */
import { type ApiDeps, callJsonApi, missingFromResponse } from '../net/api-call.js'
import { type Credentials, isAccessDenied, refusedAfterRenewal } from '../auth/credentials.js'
import { ResponseError, ServiceError, isRecord } from '../net/errors.js'
import { CODECATALYST_HINTS } from './hints.js'
import { NEXT_TOKEN_MAX_LENGTH, isUuid } from './model.js'
import { SHOWN, untrusted } from '../net/safe-text.js'

export interface ClientConfig {
  /** API base URL without a trailing slash. */
  endpoint: string
  maxAttempts: number
  requestTimeoutMs: number
}

export interface ClientDeps extends ApiDeps {
  /** The bearer token for each request, renewed when CodeCatalyst says it expired. */
  credentials: Credentials
}

export interface ProjectRef {
  space: string
  project: string
}

export interface StartedRun {
  id: string
}

export interface WorkflowRun {
  id: string
  workflowId: string
  status: string
  /** ISO 8601. */
  startTime?: string
  endTime?: string
}

export interface Workflow {
  id: string
  name: string
  sourceRepositoryName?: string
  sourceBranchName?: string
  definitionPath?: string
  /** ACTIVE or INVALID. */
  status: string
}

export interface WorkflowPage {
  items: Workflow[]
  nextToken?: string
}

/** Who a token belongs to in CodeCatalyst (GetUserDetails). */
export interface UserDetails {
  userId: string
  userName: string
  displayName?: string
}

/** Per call: fewer attempts than configured, or a deadline that retries included must meet. */
export interface CallOptions {
  maxAttempts?: number
  /** ms since the epoch. */
  deadline?: number
}

/** ListWorkflows' largest page. */
export const MAX_WORKFLOWS_PAGE = 100

/** Percent-encodes a URI label or query value the way the AWS SDKs do (RFC 3986 unreserved kept). */
export function encodeLabel(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/** The CodeCatalyst REST API (restJson1, bearer auth), with bounded retries. */
export class CodeCatalystClient {
  constructor(
    private readonly config: ClientConfig,
    private readonly deps: ClientDeps
  ) {}

  /** PUT /v1/spaces/{spaceName}/projects/{projectName}/workflowRuns?workflowId=… */
  async startWorkflowRun(
    ref: ProjectRef & { workflowId: string; clientToken: string }
  ): Promise<StartedRun> {
    const operation = 'StartWorkflowRun'
    const body = await this.call(
      operation,
      'PUT',
      `${projectPath(ref)}/workflowRuns?workflowId=${encodeLabel(ref.workflowId)}`,
      JSON.stringify({ clientToken: ref.clientToken })
    )
    if (!isRecord(body) || typeof body.id !== 'string' || !isUuid(body.id)) {
      throw missingFromResponse(operation, 'valid run id', body)
    }
    return { id: body.id }
  }

  /** GET /v1/spaces/{spaceName}/projects/{projectName}/workflowRuns/{id} */
  async getWorkflowRun(
    ref: ProjectRef & { runId: string },
    options: CallOptions = {}
  ): Promise<WorkflowRun> {
    const operation = 'GetWorkflowRun'
    const body = await this.call(
      operation,
      'GET',
      `${projectPath(ref)}/workflowRuns/${encodeLabel(ref.runId)}`,
      undefined,
      options
    )
    if (!isRecord(body) || typeof body.status !== 'string' || body.status === '') {
      throw missingFromResponse(operation, 'status', body)
    }
    return {
      // The id asked for, not the one echoed: it is printed in every status line.
      id: ref.runId,
      workflowId: typeof body.workflowId === 'string' ? untrusted(body.workflowId, SHOWN.id) : '',
      status: untrusted(body.status, SHOWN.id),
      startTime: timestamp(body.startTime),
      endTime: timestamp(body.endTime)
    }
  }

  /** POST /v1/spaces/{spaceName}/projects/{projectName}/workflows?maxResults=…&nextToken=… */
  async listWorkflows(ref: ProjectRef, nextToken?: string): Promise<WorkflowPage> {
    const operation = 'ListWorkflows'
    const query = `maxResults=${MAX_WORKFLOWS_PAGE}${nextToken ? `&nextToken=${encodeLabel(nextToken)}` : ''}`
    const body = await this.call(operation, 'POST', `${projectPath(ref)}/workflows?${query}`, '{}')
    if (!isRecord(body) || !Array.isArray(body.items)) {
      throw missingFromResponse(operation, 'items', body)
    }
    // What the service controls is bounded before it is kept or sent back.
    if (body.items.length > MAX_WORKFLOWS_PAGE) {
      throw new ResponseError(
        operation,
        `the service returned ${body.items.length} workflows on one page, more than the ${MAX_WORKFLOWS_PAGE} asked for; stopped paging`
      )
    }
    const next = typeof body.nextToken === 'string' && body.nextToken ? body.nextToken : undefined
    if (next !== undefined && next.length > NEXT_TOKEN_MAX_LENGTH) {
      throw new ResponseError(
        operation,
        `the service returned a nextToken of ${next.length} characters; the API takes at most ` +
          `${NEXT_TOKEN_MAX_LENGTH}, so paging stopped`
      )
    }
    return { items: body.items.map(item => toWorkflow(operation, item)), nextToken: next }
  }

  /** GET /v1/spaces/{spaceName}/projects/{projectName}/workflows/{id} */
  async getWorkflow(
    ref: ProjectRef & { workflowId: string },
    options: CallOptions = {}
  ): Promise<Workflow> {
    const operation = 'GetWorkflow'
    const path = `${projectPath(ref)}/workflows/${encodeLabel(ref.workflowId)}`
    return toWorkflow(operation, await this.call(operation, 'GET', path, undefined, options))
  }

  /** GET /session: the CodeCatalyst id of the token's user; AccessDeniedException when the token has no access. */
  async verifySession(): Promise<string> {
    const operation = 'VerifySession'
    const body = await this.call(operation, 'GET', '/session')
    if (!isRecord(body) || typeof body.identity !== 'string' || body.identity === '')
      throw missingFromResponse(operation, 'identity', body)
    return untrusted(body.identity, SHOWN.id)
  }

  /** GET /userDetails?id=…: the user's name and display name. */
  async getUserDetails(id: string): Promise<UserDetails> {
    const operation = 'GetUserDetails'
    const body = await this.call(operation, 'GET', `/userDetails?id=${encodeLabel(id)}`)
    if (!isRecord(body) || typeof body.userId !== 'string' || typeof body.userName !== 'string')
      throw missingFromResponse(operation, 'userId and userName', body)
    return {
      userId: untrusted(body.userId, SHOWN.id),
      userName: untrusted(body.userName, SHOWN.name),
      displayName:
        typeof body.displayName === 'string' ? untrusted(body.displayName, SHOWN.name) : undefined
    }
  }

  /**
   * Sends one operation with the current access token. When CodeCatalyst rejects the token in a way a
   * renewal may cure (expired; with an SSO session, any AccessDeniedException), renews it once and sends the
   * same request once more (a repeated start carries the same clientToken, so it can never start a second run).
   */
  private async call(
    operation: string,
    method: 'GET' | 'PUT' | 'POST',
    pathAndQuery: string,
    body?: string,
    { maxAttempts = this.config.maxAttempts, deadline }: CallOptions = {}
  ): Promise<unknown> {
    const send = (token: string) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` }
      if (body !== undefined) headers['content-type'] = 'application/json'
      return callJsonApi(
        {
          operation,
          method,
          url: `${this.config.endpoint}${pathAndQuery}`,
          headers,
          body,
          timeoutMs: this.config.requestTimeoutMs,
          maxAttempts: Math.min(maxAttempts, this.config.maxAttempts),
          hints: CODECATALYST_HINTS,
          deadline
        },
        this.deps
      )
    }
    return withRenewal(this.deps.credentials, deadline, send)
  }
}

/**
 * `send` with the current access token; when CodeCatalyst rejects the token in a way a renewal may cure, once
 * more with a renewed one; a renewed token refused too is said as both causes it can have.
 */
async function withRenewal(
  credentials: Credentials,
  deadline: number | undefined,
  send: (token: string) => Promise<unknown>
): Promise<unknown> {
  // Outside the try: a failure to get a token (CreateToken's own 401, say) is never taken for CodeCatalyst's.
  const token = await credentials.token(deadline)
  try {
    return await send(token)
  } catch (error) {
    if (!(error instanceof ServiceError) || !credentials.renewsAfter(error)) throw error
    const renewed = await credentials.renew(error, deadline)
    try {
      return await send(renewed)
    } catch (again) {
      throw again instanceof ServiceError && isAccessDenied(again)
        ? refusedAfterRenewal(again)
        : again
    }
  }
}

function toWorkflow(operation: string, item: unknown): Workflow {
  if (!isRecord(item) || typeof item.id !== 'string' || typeof item.name !== 'string') {
    throw missingFromResponse(operation, 'workflow id or name in an item', item)
  }
  const text = (value: unknown) =>
    typeof value === 'string' ? untrusted(value, SHOWN.name) : undefined
  return {
    id: untrusted(item.id, SHOWN.id),
    name: untrusted(item.name, SHOWN.name),
    sourceRepositoryName: text(item.sourceRepositoryName),
    sourceBranchName: text(item.sourceBranchName),
    definitionPath: isRecord(item.definition) ? text(item.definition.path) : undefined,
    status: text(item.status) ?? 'ACTIVE'
  }
}

/** A model timestamp (RFC 3339, or epoch seconds from some encoders) as ISO 8601; undefined if absent. */
function timestamp(value: unknown): string | undefined {
  const ms =
    typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN
  // Outside ±8.64e15 ms a Date is invalid, and toISOString would throw: unknown, not a crash.
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined
}

function projectPath(ref: ProjectRef): string {
  return `/v1/spaces/${encodeLabel(ref.space)}/projects/${encodeLabel(ref.project)}`
}
