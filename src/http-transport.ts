import {
  Agent,
  type IncomingHttpHeaders,
  type RequestOptions as NodeRequestOptions
} from 'node:http'
import { HttpClient, getProxyUrl } from '@actions/http-client'
import { REQUEST_TIMEOUT_RANGE } from './constants.js'
import { TransportError } from './errors.js'
import type { TunnelingAgent } from './proxy-tunnel.js'
import { SHOWN, untrusted } from './safe-text.js'

export interface HttpRequest {
  operation: string
  method: 'GET' | 'PUT' | 'POST'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  /** Aborts the request when the job is cancelled. */
  signal?: AbortSignal
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

/**
 * Hooks into @actions/http-client just before node:http sends a request: gives it its own abort signal,
 * unbrackets an IPv6 literal ([::1] would otherwise reach DNS), and notes whether the request will go out
 * on a kept-alive connection that an earlier request used.
 */
class ConnectionHandler implements RequestHandler {
  /** The abort signal for the request being prepared; requests go one at a time. */
  signal?: AbortSignal
  /** An agent to use instead of the client's: a kept-alive CONNECT tunnel. */
  agent?: TunnelingAgent
  /** Whether the request being prepared is about to reuse an idle connection. */
  reused = false

  prepareRequest(options: NodeRequestOptions): void {
    options.signal = this.signal
    if (this.agent) options.agent = this.agent
    const host = options.host ?? undefined
    if (host?.startsWith('[') && host.endsWith(']')) options.host = host.slice(1, -1)
    const agent = options.agent
    this.reused =
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

/**
 * A Transport on @actions/http-client, which routes through HTTPS_PROXY/NO_PROXY as runners set them.
 * One client per scheme keeps its connection alive, so a process makes one connection to each host;
 * through a CONNECT proxy, one kept-alive tunnel (where the proxy keeps it open). Requests go one at a
 * time. A request that meets an idle connection the server has closed is sent once more on a new
 * connection: that is a normal event of keep-alive, not a failure, and safe (reads are idempotent; a
 * start repeats its clientToken).
 * Redirects are returned, not followed, so no credential travels to another origin; the client's own
 * retries are off (retries are the caller's).
 */
export function createHttpTransport(userAgent: string, maxBytes = MAX_RESPONSE_BYTES): Transport {
  const clients = new Map<string, { client: HttpClient; handler: ConnectionHandler }>()
  const tunnels = new Map<string, TunnelingAgent>()
  /**
   * HTTPS through a plain-http CONNECT proxy goes through a tunnel that is kept alive; its module loads only
   * when a proxy is in the way.
   */
  const tunnelFor = async (url: string): Promise<TunnelingAgent | undefined> => {
    const proxy = url.startsWith('https:') ? getProxyUrl(url) : ''
    if (!proxy.startsWith('http:')) return undefined
    let agent = tunnels.get(proxy)
    if (!agent) {
      const { TunnelingAgent } = await import('./proxy-tunnel.js')
      tunnels.set(proxy, (agent = new TunnelingAgent(new URL(proxy))))
    }
    return agent
  }
  const clientFor = (url: string) => {
    const scheme = url.slice(0, url.indexOf(':'))
    let entry = clients.get(scheme)
    if (!entry) {
      const handler = new ConnectionHandler()
      const client = new HttpClient(userAgent, [handler], {
        allowRedirects: false,
        allowRetries: false,
        keepAlive: true,
        // Each request has its own deadline (below); this only backs it up.
        socketTimeout: MAX_REQUEST_TIMEOUT_MS
      })
      entry = { client, handler }
      clients.set(scheme, entry)
    }
    return entry
  }
  let previous: Promise<unknown> = Promise.resolve()
  return request => {
    const send = async (): Promise<HttpResponse> => {
      const { client, handler } = clientFor(request.url)
      handler.agent = await tunnelFor(request.url)
      try {
        return await sendOnce(client, handler, request, maxBytes)
      } catch (error) {
        if (!(error instanceof StaleConnection)) throw error
        return sendOnce(client, handler, request, maxBytes).catch((again: unknown) => {
          throw again instanceof StaleConnection ? again.error : again
        })
      }
    }
    const result = previous.then(send, send)
    previous = result.catch(() => undefined)
    return result
  }
}

/** A kept-alive connection turned out to be closed before any answer: send again on a new one. */
class StaleConnection extends Error {
  constructor(readonly error: TransportError) {
    super(error.message)
  }
}

/** The longest a request may take at all: request-timeout-seconds' maximum. */
const MAX_REQUEST_TIMEOUT_MS = REQUEST_TIMEOUT_RANGE.max * 1000

async function sendOnce(
  client: HttpClient,
  handler: ConnectionHandler,
  request: HttpRequest,
  maxBytes: number
): Promise<HttpResponse> {
  if (request.signal?.aborted) throw cancelled(request.operation, false)
  // Settings allow http only to hosts the client never proxies; this holds the line if that ever changes.
  if (request.url.startsWith('http:') && getProxyUrl(request.url)) {
    throw new TransportError(
      request.operation,
      'EPLAINPROXY',
      'refused to send a credential over plain http through a proxy; use an https endpoint'
    )
  }
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), request.timeoutMs)
  handler.signal = request.signal
    ? AbortSignal.any([controller.signal, request.signal])
    : controller.signal
  handler.reused = false
  let responded = false
  try {
    const response = await client.request(
      request.method,
      request.url,
      request.body ?? null,
      request.headers
    )
    responded = true
    const body = await readLimited(response.message, maxBytes, request.operation)
    return { status: response.message.statusCode ?? 0, headers: response.message.headers, body }
  } catch (error) {
    if (error instanceof TransportError) throw error
    if (request.signal?.aborted) throw cancelled(request.operation, true)
    if (controller.signal.aborted) {
      throw new TransportError(
        request.operation,
        'ETIMEDOUT',
        `no complete response within ${request.timeoutMs / 1000} s`
      )
    }
    const failure = toTransportError(request.operation, error)
    // No answer at all on a reused connection: the server closed it while it was idle.
    if (handler.reused && !responded && STALE_CONNECTION_CODES.has(failure.code))
      throw new StaleConnection(failure)
    throw failure
  } finally {
    clearTimeout(timer)
  }
}

/** The job was cancelled: ECANCELED once the request was sent, ENOTSENT before. */
function cancelled(operation: string, sent: boolean): TransportError {
  return sent
    ? new TransportError(operation, 'ECANCELED', 'cancelled while in flight')
    : new TransportError(operation, 'ENOTSENT', 'cancelled before it was sent')
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

const TRUST_HINT =
  "if it is your proxy's or gateway's certificate, trust its CA with NODE_EXTRA_CA_CERTS (a PEM file path)"

const NETWORK_HINTS: Record<string, string> = {
  ENOTFOUND: 'the endpoint host name could not be resolved; check the endpoint',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  EPROXYREFUSED:
    'the proxy refused to open a tunnel; check HTTPS_PROXY (and its credentials) and NO_PROXY',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: `the TLS certificate could not be verified; ${TRUST_HINT}`,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: `the TLS certificate's issuer is not trusted; ${TRUST_HINT}`,
  SELF_SIGNED_CERT_IN_CHAIN: `the TLS certificate chain is self-signed; ${TRUST_HINT}`,
  DEPTH_ZERO_SELF_SIGNED_CERT: `the server presented a self-signed TLS certificate; ${TRUST_HINT}`,
  CERT_HAS_EXPIRED: 'the server presented an expired TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID:
    "the TLS certificate does not match the endpoint's host name; check the endpoint"
}

function toTransportError(operation: string, error: unknown): TransportError {
  const err = error as NodeJS.ErrnoException
  // A body cut short ('aborted') is a network fault like a reset.
  const code = err?.code ?? (err?.message === 'aborted' ? 'ECONNRESET' : 'EUNKNOWN')
  const detail = untrusted(String(err?.message ?? error), SHOWN.detail)
  const hint = NETWORK_HINTS[code]
  return new TransportError(
    operation,
    code,
    hint ? `${hint} (${detail})` : `network error: ${detail}`
  )
}
