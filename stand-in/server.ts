/**
 * The CodeCatalyst stand-in that the tests, `npm start` and the bench start: CodeCatalyst (codecatalyst.ts) and
 * SSO OIDC's CreateToken (sso-oidc.ts) on one loopback port, with faults injected per operation (faults.ts).
 * CodeCatalyst accepts the options' bearer token and the access tokens SSO OIDC issued, until they expire.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import {
  CODECATALYST_ROUTES,
  type CodeCatalystOperation,
  CodeCatalystService,
  type CodeCatalystSpace
} from './codecatalyst.js'
import { type Fault, FaultPlan, afterCommit, beforeCommit } from './faults.js'
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
import { SsoOidcStandIn, type StandInSso } from './sso-oidc.js'

export { DEFAULT_RUN_STATUSES, type StandInWorkflow } from './codecatalyst.js'
export { FAULTS, type Fault, type FaultName } from './faults.js'
export type { RecordedRequest } from './http.js'
export { DEFAULT_SSO, type SsoCacheFile, type StandInSso } from './sso-oidc.js'

export type Operation = CodeCatalystOperation | 'CreateToken'

export interface StandInOptions extends CodeCatalystSpace {
  /** A bearer token the stand-in always accepts, besides the access tokens its SSO side issues. */
  token: string
  /** The SSO OIDC side; DEFAULT_SSO where not given. */
  sso?: Partial<StandInSso>
  /** How long an idle kept-alive connection stays open (node:http's default is 5 s). */
  keepAliveTimeoutMs?: number
}

const ROUTES: Route<Operation>[] = [
  ...CODECATALYST_ROUTES,
  { operation: 'CreateToken', method: 'POST', pattern: /^\/token$/ }
]

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
    this.oidc = new SsoOidcStandIn(options.sso)
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

  /** The next requests of `operation` meet these faults, one each, in order. */
  failNext(operation: Operation, ...faults: Fault[]): this {
    this.faults.add(operation, faults)
    return this
  }

  protected operationOf(method: string, path: string): Operation | undefined {
    return matchRoute(ROUTES, method, path)?.operation
  }

  protected serve(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): void {
    const url = new URL(req.url ?? '/', 'http://stand-in')
    const route = matchRoute(ROUTES, req.method ?? '', url.pathname)
    const fault = this.faults.next(route?.operation)
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
      if (route.operation === 'CreateToken')
        result = this.oidc.createToken(recorded.body, contentType)
      else {
        this.authorize(req)
        const operation = { operation: route.operation, labels: route.labels }
        result = this.codecatalyst.execute(
          operation,
          recorded.method,
          url.searchParams,
          recorded.body,
          contentType
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

  /** The options' token, or an access token SSO OIDC issued that has not expired. */
  private authorize(req: IncomingMessage): void {
    const header = req.headers.authorization
    if (!header) throw new ApiFailure(401, 'UnauthorizedException', 'Missing bearer token')
    const state = this.oidc.accessTokenState(header.replace(/^Bearer /, ''))
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
  }
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
