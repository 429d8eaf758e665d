/**
 * A CodeCatalyst stand-in: the operations this action uses, per the service model
 * (codecatalyst/2022-09-28, restJson1), on an ephemeral loopback port, with fault injection.
 * It also speaks SSO OIDC's CreateToken (sso-oidc/2019-06-10, refresh-token grant) at POST /token,
 * issuing access tokens with a set lifetime that its CodeCatalyst side accepts until they expire.
 */
import { randomUUID } from 'node:crypto'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Socket } from 'node:net'
import {
  NEXT_TOKEN_MAX_LENGTH,
  isFinished,
  isUuid,
  isValidClientToken,
  isValidName
} from '../src/model.js'

/** The CodeCatalyst operations served: the action's four, and the read-only ones a user would try. */
export type CodeCatalystOperation =
  | 'StartWorkflowRun'
  | 'GetWorkflowRun'
  | 'ListWorkflows'
  | 'GetWorkflow'
  | 'ListWorkflowRuns'
  | 'GetProject'
  | 'VerifySession'
export type Operation = CodeCatalystOperation | 'CreateToken'

/** Faults by name: what a network, a proxy or the service can do to one request. */
export const FAULTS = [
  '429',
  '429-retry-after',
  '500',
  '502',
  '503',
  '504',
  'reset',
  'hang',
  'html',
  'truncated',
  'slow-body',
  'commit-then-500'
] as const
export type FaultName = (typeof FAULTS)[number]

/** A fault by name, none (to let a request through before a fault), a reset after a delay, or an exact response. */
export type Fault = FaultName | 'none' | { resetAfterMs: number } | ExactResponse

/** A response to send instead of the operation's. */
export type ExactResponse = {
  status: number
  headers?: Record<string, string>
  /** The body, or a function of the request (e.g. to echo what it carried back). */
  body?: string | ((request: RecordedRequest) => string)
  commit?: boolean
}

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

export interface RecordedRequest {
  operation: Operation | undefined
  /** When it arrived (ms since the epoch), and on which connection (numbered from 1, in order accepted). */
  at: number
  connection: number
  method: string
  /** Path and query exactly as received (percent-encoded). */
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** The SSO side: one registered client, and the access tokens it issues. */
export interface StandInSso {
  clientId: string
  clientSecret: string
  /** The refresh token of the session that `ssoSession()` writes out. */
  refreshToken: string
  /** Seconds each access token that CreateToken issues lives (expiresIn). */
  accessTokenLifetimeSeconds: number
  /** Each CreateToken returns a new refresh token and invalidates the one it was given. */
  rotateRefreshTokens: boolean
  /** How CodeCatalyst answers an expired access token: 401, or 403 AccessDeniedException. */
  expiredTokenStatus: 401 | 403
  /** When the client registration ends (ISO 8601). */
  registrationExpiresAt: string
}

/** What `aws sso login` writes to ~/.aws/sso/cache/<sha1 of the sso-session name>.json. */
export interface SsoCacheFile {
  startUrl: string
  region: string
  accessToken: string
  expiresAt: string
  clientId: string
  clientSecret: string
  registrationExpiresAt: string
  refreshToken: string
}

export const DEFAULT_SSO: StandInSso = {
  clientId: 'stand-in-client-id',
  clientSecret: 'stand-in-client-secret',
  refreshToken: 'aor-stand-in-refresh-token-0',
  accessTokenLifetimeSeconds: 3600,
  rotateRefreshTokens: true,
  expiredTokenStatus: 401,
  registrationExpiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 19) + 'Z'
}

export interface StandInOptions {
  /** A bearer token the stand-in always accepts, besides the access tokens its SSO side issues. */
  token: string
  /** The SSO OIDC side; DEFAULT_SSO where not given. */
  sso?: Partial<StandInSso>
  workflows: StandInWorkflow[]
  /** Projects that exist besides those of the workflows: `space/project`. */
  projects?: string[]
  /** Default ListWorkflows page size when maxResults is not given. */
  pageSize?: number
  /** How long each run status lasts unless a workflow says otherwise (default 1000 ms). */
  statusMs?: number
  /** How long an idle kept-alive connection stays open (node:http's default is 5 s). */
  keepAliveTimeoutMs?: number
}

export const DEFAULT_RUN_STATUSES = ['VALIDATING', 'PROVISIONING', 'IN_PROGRESS', 'SUCCEEDED']

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string
  ) {
    super(message)
  }

  /** The restJson1 error body: CodeCatalyst's errors carry `message`. */
  body(): Record<string, string> {
    return { message: this.message }
  }
}

/** An SSO OIDC error: members `error` (the OAuth code) and `error_description`. */
class OidcFailure extends ApiFailure {
  constructor(
    status: number,
    type: string,
    readonly error: string,
    description: string
  ) {
    super(status, type, description)
  }

  override body(): Record<string, string> {
    return { error: this.error, error_description: this.message }
  }
}

export class CodeCatalystStandIn {
  readonly runs = new Map<string, StandInRun>()
  readonly requests: RecordedRequest[] = []
  private readonly byClientToken = new Map<string, StandInRun>()
  /** Access tokens issued, with when each expires (ms since the epoch). */
  readonly accessTokens = new Map<string, number>()
  /** Refresh tokens that CreateToken accepts. */
  private readonly refreshTokens = new Set<string>()
  private issued = 0
  /** Connections accepted (TCP, or TLS sessions with `tls`). */
  connections = 0
  /** CodeCatalyst requests refused because their access token had expired. */
  expiredTokenRejections = 0
  readonly sso: StandInSso
  private readonly faults = new Map<Operation, Fault[]>()
  private readonly sockets = new Set<Socket>()
  private readonly socketIds = new WeakMap<Socket, number>()
  private server?: Server
  private scheme = 'http'
  private host = '127.0.0.1'
  /** The port it listens on, once started. */
  port = 0

  constructor(readonly options: StandInOptions) {
    this.sso = { ...DEFAULT_SSO, ...options.sso }
    this.refreshTokens.add(this.sso.refreshToken)
  }

  /**
   * The cache file `aws sso login` would write now: an access token issued for the session that is
   * valid for `accessTokenValidForSeconds` more seconds (negative: expired that long ago).
   */
  ssoSession(
    options: { accessTokenValidForSeconds?: number; registrationExpiresAt?: string } = {}
  ): SsoCacheFile {
    const validFor = options.accessTokenValidForSeconds ?? this.sso.accessTokenLifetimeSeconds
    const accessToken = this.issueAccessToken(validFor)
    const expiresAt = Date.now() + validFor * 1000
    return {
      startUrl: 'https://view.awsapps.com/start',
      region: 'us-east-1',
      accessToken,
      expiresAt: new Date(expiresAt).toISOString().slice(0, 19) + 'Z',
      clientId: this.sso.clientId,
      clientSecret: this.sso.clientSecret,
      registrationExpiresAt: options.registrationExpiresAt ?? this.sso.registrationExpiresAt,
      refreshToken: this.sso.refreshToken
    }
  }

  private issueAccessToken(validForSeconds: number): string {
    const token = `aoa-stand-in-access-${++this.issued}-${randomUUID()}`
    this.accessTokens.set(token, Date.now() + validForSeconds * 1000)
    return token
  }

  /** Listens on 127.0.0.1 (or `host`, e.g. ::1); with `tls`, serves HTTPS with that key and certificate. */
  async start(
    listen: { port?: number; host?: string; tls?: { key: string; cert: string } } = {}
  ): Promise<this> {
    const server = listen.tls
      ? createTlsServer(listen.tls, this.handler)
      : createServer(this.handler)
    if (this.options.keepAliveTimeoutMs !== undefined)
      server.keepAliveTimeout = this.options.keepAliveTimeoutMs
    server.on(listen.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.connections++
      this.socketIds.set(socket, this.connections)
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    this.host = listen.host ?? '127.0.0.1'
    await new Promise<void>(resolve => server.listen(listen.port ?? 0, this.host, resolve))
    const address = server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    this.scheme = listen.tls ? 'https' : 'http'
    this.server = server
    return this
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host
    return `${this.scheme}://${host}:${this.port}`
  }

  /** Serves the same API on another server, e.g. an HTTPS one. */
  get handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) =>
      void this.handle(req, res).catch((error: unknown) => {
        // A bug in the stand-in or in a test's fault: make it visible, never a hang.
        if (!res.headersSent) send(res, 599, `stand-in error: ${String(error)}`)
        else res.destroy()
      })
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  /** The next requests of `operation` meet these faults, one each, in order. */
  failNext(operation: Operation, ...faults: Fault[]): this {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...faults])
    return this
  }

  requestsFor(operation: Operation): RecordedRequest[] {
    return this.requests.filter(r => r.operation === operation)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const route = matchRoute(req.method ?? '', url.pathname)
    const recorded: RecordedRequest = {
      operation: route?.operation,
      at: Date.now(),
      connection: this.socketIds.get(req.socket) ?? 0,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body
    }
    this.requests.push(recorded)
    const requestId = randomUUID()
    const planned = route ? this.faults.get(route.operation)?.shift() : undefined
    const fault = planned === 'none' ? undefined : planned

    if (fault === 'reset') return void req.socket.destroy()
    if (typeof fault === 'object' && 'resetAfterMs' in fault)
      return void setTimeout(() => req.socket.destroy(), fault.resetAfterMs)
    if (fault === 'hang') return
    if (fault === 'html') {
      return send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
        'content-type': 'text/html'
      })
    }
    if (fault === '429' || fault === '429-retry-after') {
      const headers: Record<string, string> = fault === '429' ? {} : { 'retry-after': '1' }
      return sendError(
        res,
        requestId,
        new ApiFailure(429, 'ThrottlingException', 'Rate exceeded'),
        headers
      )
    }
    if (fault === '500' || fault === '502' || fault === '503' || fault === '504') {
      const type = fault === '500' ? 'InternalServerException' : 'ServiceUnavailableException'
      return sendError(res, requestId, new ApiFailure(Number(fault), type, 'Service unavailable'))
    }
    if (typeof fault === 'object' && !fault.commit) {
      return sendFault(res, fault, recorded)
    }

    let result: unknown
    try {
      if (!route)
        throw new ApiFailure(
          404,
          'UnknownOperationException',
          `No route for ${req.method} ${url.pathname}`
        )
      if (route.operation === 'CreateToken') {
        result = this.createToken(body, req.headers['content-type'])
      } else {
        this.authorize(req)
        result = this.execute(route, url.searchParams, body, req.headers['content-type'])
      }
    } catch (error) {
      if (error instanceof ApiFailure) return sendError(res, requestId, error)
      throw error
    }
    // Only faults that let the operation commit get this far.
    if (fault === 'commit-then-500') {
      return sendError(
        res,
        requestId,
        new ApiFailure(500, 'InternalServerException', 'Internal failure')
      )
    }
    if (typeof fault === 'object') return sendFault(res, fault, recorded)
    const json = JSON.stringify(result)
    if (fault === 'slow-body') {
      // Headers at once, then a byte at a time, never finishing: only a deadline on the whole request ends it.
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(json)
      })
      const timer = setInterval(() => res.write(' '), 100)
      res.on('close', () => clearInterval(timer))
      return
    }
    if (fault === 'truncated') {
      // Promise the whole body, send half, and drop the connection.
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(json)
      })
      res.write(json.slice(0, Math.floor(json.length / 2)))
      setTimeout(() => req.socket.destroy(), 20)
      return
    }
    send(res, 200, json, { 'content-type': 'application/json', 'x-amzn-requestid': requestId })
  }

  private authorize(req: IncomingMessage): void {
    const header = req.headers.authorization
    if (!header) throw new ApiFailure(401, 'UnauthorizedException', 'Missing bearer token')
    const expiresAt = this.accessTokens.get(header.replace(/^Bearer /, ''))
    if (expiresAt !== undefined && expiresAt <= Date.now()) {
      this.expiredTokenRejections++
      throw this.sso.expiredTokenStatus === 401
        ? new ApiFailure(401, 'UnauthorizedException', 'The access token has expired')
        : new ApiFailure(403, 'AccessDeniedException', 'The access token has expired')
    }
    if (expiresAt === undefined && header !== `Bearer ${this.options.token}`) {
      throw new ApiFailure(
        403,
        'AccessDeniedException',
        'The bearer token is not valid for this space'
      )
    }
  }

  private execute(
    route: Route,
    query: URLSearchParams,
    body: string,
    contentType?: string
  ): unknown {
    if (route.operation === 'VerifySession') return { identity: 'stand-in-user' }
    const [space = '', project = '', id = ''] = route.labels
    checkLabel(route.operation, 'spaceName', space)
    checkLabel(route.operation, route.operation === 'GetProject' ? 'name' : 'projectName', project)
    const input = route.method === 'GET' ? {} : parseJsonBody(body, contentType)
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
      case 'CreateToken':
        throw new ApiFailure(
          500,
          'InternalServerException',
          'CreateToken is not a CodeCatalyst call'
        )
    }
  }

  /** SSO OIDC CreateToken, refresh-token grant only; errors as the model lists them. */
  private createToken(body: string, contentType?: string): unknown {
    const invalid = (description: string) =>
      new OidcFailure(400, 'InvalidRequestException', 'invalid_request', description)
    let input: Record<string, unknown>
    try {
      input = parseJsonBody(body, contentType)
    } catch (error) {
      throw invalid(error instanceof Error ? error.message : 'Invalid request')
    }
    for (const member of ['clientId', 'clientSecret', 'grantType']) {
      if (typeof input[member] !== 'string' || input[member] === '')
        throw invalid(`${member} is required`)
    }
    if (input.grantType !== 'refresh_token') {
      throw new OidcFailure(
        400,
        'UnsupportedGrantTypeException',
        'unsupported_grant_type',
        'The stand-in supports only the refresh_token grant'
      )
    }
    if (input.clientId !== this.sso.clientId || input.clientSecret !== this.sso.clientSecret) {
      throw new OidcFailure(401, 'InvalidClientException', 'invalid_client', 'Invalid client')
    }
    if (Date.parse(this.sso.registrationExpiresAt) <= Date.now()) {
      throw new OidcFailure(
        401,
        'InvalidClientException',
        'invalid_client',
        'Client registration expired'
      )
    }
    if (typeof input.refreshToken !== 'string' || input.refreshToken === '')
      throw invalid('refreshToken is required for the refresh_token grant')
    if (!this.refreshTokens.has(input.refreshToken)) {
      throw new OidcFailure(
        400,
        'InvalidGrantException',
        'invalid_grant',
        'Invalid refresh token provided'
      )
    }
    let refreshToken = input.refreshToken
    if (this.sso.rotateRefreshTokens) {
      this.refreshTokens.delete(refreshToken)
      refreshToken = `aor-stand-in-refresh-token-${this.issued + 1}-${randomUUID()}`
      this.refreshTokens.add(refreshToken)
    }
    const expiresIn = this.sso.accessTokenLifetimeSeconds
    return {
      accessToken: this.issueAccessToken(expiresIn),
      tokenType: 'Bearer',
      expiresIn,
      refreshToken
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

interface Route {
  operation: Operation
  method: string
  labels: string[]
}

const ROUTES: { operation: Operation; method: string; pattern: RegExp }[] = [
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
  { operation: 'CreateToken', method: 'POST', pattern: /^\/token$/ }
]

/** The model's length rules for the name labels, which differ per operation: [min, max]. */
const NAME_LENGTHS: Partial<Record<Operation, Record<string, [number, number]>>> = {
  StartWorkflowRun: { spaceName: [1, Infinity], projectName: [1, Infinity] },
  ListWorkflows: { spaceName: [1, Infinity], projectName: [3, 63] },
  GetWorkflow: { spaceName: [3, 63], projectName: [1, Infinity] },
  GetWorkflowRun: { spaceName: [3, 63], projectName: [1, Infinity] },
  ListWorkflowRuns: { spaceName: [3, 63], projectName: [1, Infinity] },
  GetProject: { spaceName: [3, 63], name: [3, 63] }
}

function checkLabel(operation: Operation, field: string, value: string): void {
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

function matchRoute(method: string, path: string): Route | undefined {
  for (const route of ROUTES) {
    const match = route.pattern.exec(path)
    if (match && route.method === method) {
      return { operation: route.operation, method, labels: match.slice(1).map(decodeURIComponent) }
    }
  }
  return undefined
}

function runView(run: StandInRun): Record<string, string> {
  return { spaceName: run.space, projectName: run.project, id: run.id, workflowId: run.workflowId }
}

function parseJsonBody(body: string, contentType?: string): Record<string, unknown> {
  if (body === '') return {}
  if (!contentType?.startsWith('application/json')) {
    throw new ApiFailure(400, 'ValidationException', 'Content-Type must be application/json')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw new ApiFailure(400, 'ValidationException', 'The request body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ApiFailure(400, 'ValidationException', 'The request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

function sendFault(res: ServerResponse, fault: ExactResponse, request: RecordedRequest) {
  const body = typeof fault.body === 'function' ? fault.body(request) : (fault.body ?? '')
  send(res, fault.status, body, fault.headers)
}

function sendError(
  res: ServerResponse,
  requestId: string,
  error: ApiFailure,
  headers: Record<string, string> = {}
): void {
  send(res, error.status, JSON.stringify(error.body()), {
    'content-type': 'application/json',
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': requestId,
    ...headers
  })
}
