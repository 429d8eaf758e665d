/**
 * The CodeCatalyst stand-in that the tests, `npm start` and the bench start: CodeCatalyst (codecatalyst.ts) and
 * SSO OIDC (sso-oidc.ts: RegisterClient, StartDeviceAuthorization, CreateToken) on one loopback port, with faults
 * injected per operation (faults.ts). CodeCatalyst accepts the options' bearer token and the access tokens SSO
 * OIDC issued, until they expire, each as the user it belongs to; a test plays the person at the browser who
 * approves or declines a device code (approve, deny, pendingAuthorizations).
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  CODECATALYST_ROUTES,
  type CodeCatalystOperation,
  CodeCatalystService,
  type CodeCatalystSpace
} from './codecatalyst.js'
import { type Fault, FaultPlan, afterCommit, beforeCommit, waitIfSlow } from './faults.js'
import {
  ApiFailure,
  type Listen,
  type RecordedRequest,
  type Route,
  StandInServer,
  matchRoute,
  send,
  sendError
} from './http.js'
import { type GitHubSecretsOptions, GitHubSecretsStandIn } from './github-secrets.js'
import {
  type PendingAuthorization,
  SSO_OIDC_ROUTES,
  type SsoOidcOperation,
  SsoOidcStandIn,
  type StandInSso
} from './sso-oidc.js'
import type { StandInUser } from './codecatalyst-users.js'

export { DEFAULT_RUN_STATUSES, type StandInWorkflow } from './codecatalyst.js'
export { FAULTS, type Fault, type FaultName } from './faults.js'
export type { RecordedRequest } from './http.js'
export {
  DEFAULT_SSO,
  DEVICE_CODE_GRANT,
  type PendingAuthorization,
  type Registration,
  type SsoCacheFile,
  SsoOidcStandIn,
  type StandInSso
} from './sso-oidc.js'
export { DEFAULT_USER, type StandInUser } from './codecatalyst-users.js'

export type Operation = CodeCatalystOperation | SsoOidcOperation

export interface StandInOptions extends CodeCatalystSpace {
  /** A bearer token the stand-in always accepts, besides the access tokens its SSO side issues. */
  token: string
  /** The SSO OIDC side; DEFAULT_SSO where not given. */
  sso?: Partial<StandInSso>
  /** How long an idle kept-alive connection stays open (node:http's default is 5 s). */
  keepAliveTimeoutMs?: number
}

const ROUTES: Route<Operation>[] = [...CODECATALYST_ROUTES, ...SSO_OIDC_ROUTES]

const isSsoOidc = (operation: Operation): operation is SsoOidcOperation =>
  SSO_OIDC_ROUTES.some(route => route.operation === operation)

export class CodeCatalystStandIn extends StandInServer<Operation> {
  readonly codecatalyst: CodeCatalystService
  readonly oidc: SsoOidcStandIn
  /** CodeCatalyst requests refused because their access token had expired. */
  expiredTokenRejections = 0
  private readonly faults = new FaultPlan<Operation>()

  constructor(readonly options: StandInOptions) {
    super()
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs
    this.codecatalyst = new CodeCatalystService(options)
    this.oidc = new SsoOidcStandIn(options.sso, this.codecatalyst.users.defaultUser.userName)
    const auto = options.sso?.autoApprove?.userName
    if (auto !== undefined) this.userNamed(auto)
  }

  /** The runs started, by id. */
  get runs() {
    return this.codecatalyst.runs
  }

  get sso(): StandInSso {
    return this.oidc.sso
  }

  /** Access tokens issued, with when each expires (ms since the epoch). */
  get accessTokens(): Map<string, number> {
    return this.oidc.accessTokens
  }

  /** The cache file `aws sso login` would write now (see SsoOidcStandIn.ssoSession). */
  ssoSession(options?: Parameters<SsoOidcStandIn['ssoSession']>[0]) {
    return this.oidc.ssoSession(options)
  }

  /** The users of the space; the first is the default user, whom today's tokens belong to. */
  get users(): readonly StandInUser[] {
    return this.codecatalyst.users.all
  }

  /**
   * A person approves the device code `userCode` in their browser, signed in as the user `userName` (the
   * default user when not given): the next poll of its device code gets the tokens, which are that user's.
   */
  approve(userCode: string, userName?: string): void {
    this.oidc.approve(
      userCode,
      userName === undefined ? undefined : this.userNamed(userName).userName
    )
  }

  /** A person declines the device code `userCode` in their browser: its polls get AccessDeniedException. */
  deny(userCode: string): void {
    this.oidc.deny(userCode)
  }

  /** The device codes still waiting for a person (e.g. to find the user code a login printed). */
  pendingAuthorizations(): PendingAuthorization[] {
    return this.oidc.pendingAuthorizations()
  }

  /** The next requests of `operation` meet these faults, one each, in order. */
  failNext(operation: Operation, ...faults: Fault[]): this {
    this.faults.add(operation, faults)
    return this
  }

  protected operationOf(method: string, path: string): Operation | undefined {
    return matchRoute(ROUTES, method, path)?.operation
  }

  protected async serve(
    req: IncomingMessage,
    res: ServerResponse,
    recorded: RecordedRequest
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const route = matchRoute(ROUTES, req.method ?? '', url.pathname)
    const fault = await waitIfSlow(this.faults.next(route?.operation))
    if (beforeCommit(fault, req, res, recorded)) return
    const contentType = req.headers['content-type']
    let result: unknown
    try {
      if (!route)
        throw new ApiFailure(
          404,
          'UnknownOperationException',
          `No route for ${req.method} ${url.pathname}`
        )
      if (isSsoOidc(route.operation))
        result = this.oidc.execute(route.operation, recorded.body, contentType, originOf(req))
      else {
        const caller = this.authorize(req)
        const operation = { operation: route.operation, labels: route.labels }
        result = this.codecatalyst.execute(
          operation,
          recorded.method,
          url.searchParams,
          recorded.body,
          contentType,
          caller
        )
      }
    } catch (error) {
      if (error instanceof ApiFailure) return sendError(res, error)
      throw error
    }
    const json = JSON.stringify(result)
    if (afterCommit(fault, json, req, res, recorded)) return
    send(res, 200, json, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() })
  }

  /**
   * The options' token, or an access token SSO OIDC issued that has not expired; returns the userName of the
   * user it belongs to (undefined: the default user's).
   */
  private authorize(req: IncomingMessage): string | undefined {
    const header = req.headers.authorization
    if (!header) throw new ApiFailure(401, 'UnauthorizedException', 'Missing bearer token')
    const token = header.replace(/^Bearer /, '')
    const state = this.oidc.accessTokenState(token)
    if (state === 'expired') {
      this.expiredTokenRejections++
      throw this.sso.expiredTokenStatus === 401
        ? new ApiFailure(401, 'UnauthorizedException', 'The access token has expired')
        : new ApiFailure(403, 'AccessDeniedException', 'The access token has expired')
    }
    if (state === 'unknown' && header !== `Bearer ${this.options.token}`)
      throw new ApiFailure(
        403,
        'AccessDeniedException',
        'The bearer token is not valid for this space'
      )
    return this.oidc.accessTokenUser(token)
  }

  /** The user of the space named `userName`, or an Error (a test naming a user the options do not have). */
  private userNamed(userName: string): StandInUser {
    const user = this.codecatalyst.users.byUserName(userName)
    if (!user) throw new Error(`The stand-in has no user named ${userName}`)
    return user
  }
}

/** Where a request reached the stand-in, e.g. http://127.0.0.1:39631 (RegisterClient's endpoints name it). */
function originOf(req: IncomingMessage): string {
  const scheme = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http'
  return `${scheme}://${req.headers.host ?? '127.0.0.1'}`
}

/** Every service the action talks to, each on its own loopback port, and the environment that points at them. */
export interface StandIns {
  codecatalyst: CodeCatalystStandIn
  github: GitHubSecretsStandIn
  /** AWS_ENDPOINT_URL_SSO_OIDC, GITHUB_API_URL and GITHUB_REPOSITORY for the action. */
  env: Record<string, string>
  close(): Promise<void>
}

/** Starts CodeCatalyst with SSO OIDC, and GitHub's secrets API: the one way the tests and `npm start` start them all. */
export async function startStandIns(
  codecatalystOptions: StandInOptions,
  githubOptions: GitHubSecretsOptions,
  listen: { codecatalyst?: Listen; github?: Listen } = {}
): Promise<StandIns> {
  const codecatalyst = await new CodeCatalystStandIn(codecatalystOptions).start(listen.codecatalyst)
  const github = await (await GitHubSecretsStandIn.create(githubOptions)).start(listen.github)
  return {
    codecatalyst,
    github,
    env: {
      AWS_ENDPOINT_URL_SSO_OIDC: codecatalyst.url,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: githubOptions.repository
    },
    close: async () => {
      await Promise.all([codecatalyst.close(), github.close()])
    }
  }
}
