/** The HTTP transport: one request at a time over kept-alive connections, through HTTPS_PROXY, with timeouts and cancellation. */
import {
  Agent,
  type IncomingHttpHeaders,
  type RequestOptions as NodeRequestOptions
} from 'node:http'
import { HttpClient, getProxyUrl } from '@actions/http-client'
import { REQUEST_TIMEOUT_RANGE } from '../common/constants.js'
import { TransportError } from './errors.js'
import { cancelled, toTransportError } from './network-faults.js'
import type { TunnelingAgent } from './proxy-tunnel.js'
import { REQUEST_STATE, type RequestState } from './request-state.js'
import { SHOWN, untrusted } from './safe-text.js'

export interface HttpRequest {
  operation: string
  method: 'GET' | 'PUT' | 'POST' | 'PATCH'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  /** Aborts the request when the job is cancelled. */
  signal?: AbortSignal
  /**
   * Send it on a connection of its own, never on one kept alive (which may be closing), and never re-send it
   * for free: for a request that must not reach the server twice (CreateToken spends its refresh token).
   */
  fresh?: boolean
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Sends one request, once. Throws TransportError when no complete response arrives. */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>

/** The client's request-handler hook; its interface module is not exported. */
type RequestHandler = NonNullable<ConstructorParameters<typeof HttpClient>[1]>[number]

/** Larger responses are refused: no page of the operations used comes near this. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024

/** The header that ties a request to its state on the way through the client; it never leaves the process. */
const TICKET = 'x-request-state-ticket'

/**
 * Hooks into @actions/http-client just before node:http sends a request: gives it its own abort signal and
 * state (the tunnel reads both, whose CONNECT comes before any socket), the tunnel as its agent, unbrackets an
 * IPv6 literal ([::1] would otherwise reach DNS), and notes whether the request will go out on a kept-alive
 * connection that an earlier request used. The client calls the hook with the request's options alone, so
 * each request brings a ticket (a header, taken off here) naming its state.
 */
class ConnectionHandler implements RequestHandler {
  private readonly tickets = new Map<string, { state: RequestState; tunnel?: TunnelingAgent }>()
  private issued = 0

  /** The request's headers with a ticket to its state; `done` forgets the ticket if it was never used. */
  ticket(headers: Record<string, string>, state: RequestState, tunnel?: TunnelingAgent) {
    const id = String(++this.issued)
    this.tickets.set(id, { state, tunnel })
    return { headers: { ...headers, [TICKET]: id }, done: () => this.tickets.delete(id) }
  }

  prepareRequest(options: NodeRequestOptions): void {
    const headers = (options.headers ?? {}) as Record<string, unknown>
    const id = String(headers[TICKET])
    delete headers[TICKET]
    const ticket = this.tickets.get(id)
    this.tickets.delete(id)
    if (!ticket) throw new Error('a request reached the connection without its state')
    const { state, tunnel } = ticket
    options.signal = state.signal
    Object.assign(options, { [REQUEST_STATE]: state })
    if (tunnel) options.agent = tunnel
    const host = options.host ?? undefined
    if (host?.startsWith('[') && host.endsWith(']')) options.host = host.slice(1, -1)
    const agent = options.agent
    state.reused =
      agent instanceof Agent && (agent.freeSockets[agent.getName(options)]?.length ?? 0) > 0
  }
  canHandleAuthentication(): boolean {
    return false
  }
  handleAuthentication(): never {
    throw new Error('not used')
  }
}

/** Network errors that mean an idle kept-alive connection was closed under the request. */
const STALE_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE'])

/** The longest a request may take at all: request-timeout-seconds' maximum. */
const MAX_REQUEST_TIMEOUT_MS = REQUEST_TIMEOUT_RANGE.max * 1000

/**
 * A Transport on @actions/http-client, which routes through HTTPS_PROXY/NO_PROXY as runners set them.
 * One client per scheme keeps its connection alive, so a process makes one connection to each host;
 * through a CONNECT proxy (http:// or https://), one kept-alive tunnel (where the proxy keeps it open).
 * Requests go one at a time, so that one connection serves them all (each carries its own state, so nothing
 * else depends on that order). A request that meets an idle connection the server has closed is sent once
 * more on a new connection, within the same timeout: that is a normal event of keep-alive, not a failure,
 * and safe (reads are idempotent; a start repeats its clientToken); a `fresh` request never meets one.
 * Redirects are returned, not followed, so no credential travels to another origin; the client's own
 * retries are off (retries are the caller's).
 */
export function createHttpTransport(userAgent: string, maxBytes = MAX_RESPONSE_BYTES): Transport {
  const connections = new Connections(userAgent)
  let previous: Promise<unknown> = Promise.resolve()
  return request => {
    const send = async (): Promise<HttpResponse> => {
      const fresh = request.fresh === true
      const route: Route = {
        ...connections.clientFor(request.url, fresh),
        tunnel: await connections.tunnelFor(request.url, fresh)
      }
      // One timeout for the request, a re-send on a new connection included.
      const ends = Date.now() + request.timeoutMs
      try {
        return await sendOnce(route, request, ends, maxBytes)
      } catch (error) {
        if (!(error instanceof StaleConnection)) throw error
        return sendOnce(route, request, ends, maxBytes).catch((again: unknown) => {
          throw again instanceof StaleConnection ? again.error : again
        })
      }
    }
    const result = previous.then(send, send)
    previous = result.catch(() => undefined)
    return result
  }
}

/** How a request goes out: its client, the client's hook, and the CONNECT tunnel when a proxy is in the way. */
interface Route {
  client: HttpClient
  handler: ConnectionHandler
  tunnel?: TunnelingAgent
}

/** The clients (one per scheme, and one per scheme that never keeps a connection) and the proxy tunnels. */
class Connections {
  private readonly clients = new Map<string, { client: HttpClient; handler: ConnectionHandler }>()
  private readonly tunnels = new Map<string, TunnelingAgent>()

  constructor(private readonly userAgent: string) {}

  clientFor(url: string, fresh: boolean) {
    const key = `${url.slice(0, url.indexOf(':'))}${fresh ? ' fresh' : ''}`
    let entry = this.clients.get(key)
    if (!entry) {
      const handler = new ConnectionHandler()
      const client = new HttpClient(this.userAgent, [handler], {
        allowRedirects: false,
        allowRetries: false,
        keepAlive: !fresh,
        // Each request has its own deadline (sendOnce); this only backs it up.
        socketTimeout: MAX_REQUEST_TIMEOUT_MS
      })
      entry = { client, handler }
      this.clients.set(key, entry)
    }
    return entry
  }

  /** HTTPS through a CONNECT proxy goes through a tunnel; its module loads only when a proxy is in the way. */
  async tunnelFor(url: string, fresh: boolean): Promise<TunnelingAgent | undefined> {
    const proxy = url.startsWith('https:') ? getProxyUrl(url) : ''
    if (!/^https?:/.test(proxy)) return undefined
    const key = `${proxy}${fresh ? ' fresh' : ''}`
    let agent = this.tunnels.get(key)
    if (!agent) {
      const { TunnelingAgent } = await import('./proxy-tunnel.js')
      this.tunnels.set(key, (agent = new TunnelingAgent(new URL(proxy), !fresh)))
    }
    return agent
  }
}

/** A kept-alive connection turned out to be closed before any answer: send again on a new one. */
class StaleConnection extends Error {
  constructor(readonly error: TransportError) {
    super(error.message)
  }
}

/**
 * Sends the request once, by `ends` (ms since the epoch). It settles when its signal aborts (timeout or
 * cancel), whatever node:http does: a request still waiting for its socket (a proxy that never answers
 * CONNECT) emits no error of its own.
 */
async function sendOnce(
  route: Route,
  request: HttpRequest,
  ends: number,
  maxBytes: number
): Promise<HttpResponse> {
  if (request.signal?.aborted) throw cancelled(request.operation, false)
  // Settings allow http only to hosts the client never proxies; this holds the line if that ever changes.
  if (request.url.startsWith('http:') && getProxyUrl(request.url))
    throw new TransportError(
      request.operation,
      'EPLAINPROXY',
      'refused to send a credential over plain http through a proxy; use an https endpoint'
    )
  // AbortSignal.timeout takes whole milliseconds.
  const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(ends - Date.now())))
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout
  const state: RequestState = { signal, reused: false, unanswered: false }
  const progress = { responded: false }
  try {
    return await untilAborted(signal, exchange(route, request, state, maxBytes, progress))
  } catch (error) {
    if (error instanceof TransportError) throw error
    if (request.signal?.aborted) throw cancelled(request.operation, true)
    if (timeout.aborted) throw timedOut(request, state.unanswered)
    const failure = toTransportError(request.operation, error)
    // No answer at all on a reused connection: the server closed it while it was idle.
    if (state.reused && !progress.responded && STALE_CONNECTION_CODES.has(failure.code))
      throw new StaleConnection(failure)
    throw failure
  }
}

/** The request and its whole response body; `progress.responded` once the status line has arrived. */
async function exchange(
  { client, handler, tunnel }: Route,
  request: HttpRequest,
  state: RequestState,
  maxBytes: number,
  progress: { responded: boolean }
): Promise<HttpResponse> {
  const { method, url, body, operation } = request
  const { headers, done } = handler.ticket(request.headers, state, tunnel)
  try {
    const response = await client.request(method, url, body ?? null, headers)
    progress.responded = true
    const text = await readLimited(response.message, maxBytes, operation)
    return {
      status: response.message.statusCode ?? 0,
      headers: response.message.headers,
      body: text
    }
  } finally {
    done()
  }
}

/** `work`, or a rejection as soon as `signal` aborts (its own error, if it settles later, is dropped). */
function untilAborted<T>(signal: AbortSignal, work: Promise<T>): Promise<T> {
  work.catch(() => undefined)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** The request's timeout passed: said of the proxy when it had not answered CONNECT. */
function timedOut(request: HttpRequest, waitingForProxy: boolean): TransportError {
  // Whole seconds as given, or tenths of one when a deadline cut the timeout short.
  const seconds = Number((request.timeoutMs / 1000).toFixed(1))
  const proxy = untrusted(getProxyUrl(request.url), SHOWN.name)
  return new TransportError(
    request.operation,
    'ETIMEDOUT',
    waitingForProxy
      ? `the proxy ${proxy} did not answer within ${seconds} s; check HTTPS_PROXY and NO_PROXY`
      : `no complete response within ${seconds} s`
  )
}

async function readLimited(
  stream: AsyncIterable<Buffer> & { destroy(): void },
  maxBytes: number,
  operation: string
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream) {
    size += chunk.length
    if (size > maxBytes) {
      stream.destroy()
      throw new TransportError(
        operation,
        'ERESPONSETOOLARGE',
        `the response body exceeded ${maxBytes} bytes and was discarded`
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}
