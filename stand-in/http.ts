/**
 * What every stand-in shares: a loopback server (plain or TLS) that counts and numbers its connections and
 * records every request; routing by method and path; reading and parsing bodies; sending answers and errors.
 */
import { randomUUID } from 'node:crypto'
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { Socket } from 'node:net'

export interface RecordedRequest<Operation extends string = string> {
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

export interface Listen {
  port?: number
  /** 127.0.0.1 unless given (e.g. ::1). */
  host?: string
  /** Serves HTTPS with this key and certificate. */
  tls?: { key: string; cert: string }
  /** The name the URL gives (with `tls`, a name only a test's proxy resolves). */
  name?: string
}

/** A stand-in's server: start it, stop it, and read what reached it. */
export abstract class StandInServer<Operation extends string> {
  readonly requests: RecordedRequest<Operation>[] = []
  /** Connections accepted (TCP, or TLS sessions with `tls`). */
  connections = 0
  /** The port it listens on, once started. */
  port = 0
  private readonly sockets = new Set<Socket>()
  private readonly socketIds = new WeakMap<Socket, number>()
  private server?: Server
  private origin = ''
  /** Idle kept-alive connections close after this (node:http's default is 5 s). */
  protected keepAliveTimeoutMs?: number

  async start(listen: Listen = {}): Promise<this> {
    const server = listen.tls
      ? createTlsServer(listen.tls, this.handler)
      : createServer(this.handler)
    if (this.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = this.keepAliveTimeoutMs
    server.on(listen.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.socketIds.set(socket, ++this.connections)
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    const host = listen.host ?? '127.0.0.1'
    await new Promise<void>(resolve => server.listen(listen.port ?? 0, host, resolve))
    const address = server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    const name = listen.name ?? (host.includes(':') ? `[${host}]` : host)
    this.origin = `${listen.tls ? 'https' : 'http'}://${name}:${this.port}`
    this.server = server
    return this
  }

  /** Where it listens, e.g. http://127.0.0.1:39631. */
  get url(): string {
    return this.origin
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  requestsFor(operation: Operation): RecordedRequest<Operation>[] {
    return this.requests.filter(r => r.operation === operation)
  }

  /** Serves the same API on another server, e.g. one a test makes itself. */
  get handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) =>
      void this.receive(req, res).catch((error: unknown) => {
        // A bug in the stand-in or in a test's fault: make it visible, never a hang.
        if (!res.headersSent) send(res, 599, `stand-in error: ${String(error)}`)
        else res.destroy()
      })
  }

  /** Records the request, with the operation its method and path name, then serves it. */
  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded: RecordedRequest<Operation> = {
      operation: this.operationOf(req.method ?? '', new URL(req.url ?? '/', 'http://x').pathname),
      at: Date.now(),
      connection: this.socketIds.get(req.socket) ?? 0,
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: await readBody(req)
    }
    this.requests.push(recorded)
    await this.serve(req, res, recorded)
  }

  protected abstract operationOf(method: string, path: string): Operation | undefined
  protected abstract serve(
    req: IncomingMessage,
    res: ServerResponse,
    recorded: RecordedRequest<Operation>
  ): Promise<void> | void
}

/** One route: an operation, its method, and its path with labels in groups. */
export interface Route<Operation extends string> {
  operation: Operation
  method: string
  pattern: RegExp
}

/** The route that `method` and `path` match, with its labels decoded. */
export function matchRoute<Operation extends string>(
  routes: readonly Route<Operation>[],
  method: string,
  path: string
): { operation: Operation; labels: string[] } | undefined {
  for (const route of routes) {
    const match = route.pattern.exec(path)
    if (match && route.method === method)
      return { operation: route.operation, labels: match.slice(1).map(decodeURIComponent) }
  }
  return undefined
}

/** An AWS error: the status, the type (x-amzn-errortype) and the message of the body. */
export class ApiFailure extends Error {
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

/** A JSON request body as an object, or a ValidationException. */
export function parseJsonBody(body: string, contentType?: string): Record<string, unknown> {
  if (body === '') return {}
  if (!contentType?.startsWith('application/json'))
    throw new ApiFailure(400, 'ValidationException', 'Content-Type must be application/json')
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw new ApiFailure(400, 'ValidationException', 'The request body is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ApiFailure(400, 'ValidationException', 'The request body must be a JSON object')
  return parsed as Record<string, unknown>
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

/** An AWS error as the rest-json protocol sends it, with a request id. */
export function sendError(
  res: ServerResponse,
  error: ApiFailure,
  headers: Record<string, string> = {}
): void {
  send(res, error.status, JSON.stringify(error.body()), {
    'content-type': 'application/json',
    'x-amzn-errortype': error.type,
    'x-amzn-requestid': randomUUID(),
    ...headers
  })
}
