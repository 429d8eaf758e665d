/**
 * What a network, a proxy or the service can do to one request: the faults a stand-in injects, planned per
 * operation, and how each is played out on the response.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiFailure, type RecordedRequest, send, sendError } from './http.js'

/** Faults by name. */
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

/** A response to send instead of the operation's. */
export interface ExactResponse {
  status: number
  headers?: Record<string, string>
  /** The body, or a function of the request (e.g. to echo what it carried back). */
  body?: string | ((request: RecordedRequest) => string)
  /** Let the operation commit first. */
  commit?: boolean
}

/** A fault by name, none (to let a request through before a fault), a reset after a delay, or an exact response. */
export type Fault = FaultName | 'none' | { resetAfterMs: number } | ExactResponse

/** Faults that let the operation commit before they show. */
type AfterCommit = 'truncated' | 'slow-body' | 'commit-then-500' | ExactResponse

/** The faults planned for the next requests of each operation, one each, in order. */
export class FaultPlan<Operation extends string> {
  private readonly planned = new Map<Operation, Fault[]>()

  add(operation: Operation, faults: Fault[]): void {
    this.planned.set(operation, [...(this.planned.get(operation) ?? []), ...faults])
  }

  /** The fault for this request of `operation`, if one is planned. */
  next(operation: Operation | undefined): Fault | undefined {
    const fault = operation === undefined ? undefined : this.planned.get(operation)?.shift()
    return fault === 'none' ? undefined : fault
  }
}

/**
 * Plays out a fault that shows before the operation runs; returns whether it did (the request is then
 * answered, or dropped, or left hanging). A fault that lets the operation commit is left for `afterCommit`.
 */
export function beforeCommit(
  fault: Fault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest
): fault is Exclude<Fault, AfterCommit> {
  if (fault === undefined || isAfterCommit(fault)) return false
  if (fault === 'reset') req.socket.destroy()
  else if (fault === 'hang' || fault === 'none') return true
  else if (typeof fault === 'object' && 'resetAfterMs' in fault)
    setTimeout(() => req.socket.destroy(), fault.resetAfterMs)
  else if (fault === 'html')
    send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
      'content-type': 'text/html'
    })
  else if (fault === '429' || fault === '429-retry-after')
    sendError(res, new ApiFailure(429, 'ThrottlingException', 'Rate exceeded'), {
      ...(fault === '429' ? {} : { 'retry-after': '1' })
    })
  else if (typeof fault === 'object') sendExact(res, fault, recorded)
  else {
    const type = fault === '500' ? 'InternalServerException' : 'ServiceUnavailableException'
    sendError(res, new ApiFailure(Number(fault), type, 'Service unavailable'))
  }
  return true
}

function isAfterCommit(fault: Fault): fault is AfterCommit {
  return (
    fault === 'truncated' ||
    fault === 'slow-body' ||
    fault === 'commit-then-500' ||
    (typeof fault === 'object' && 'status' in fault && fault.commit === true)
  )
}

/** Plays out a fault after the operation committed, with `json` its answer; returns whether it did. */
export function afterCommit(
  fault: Fault | undefined,
  json: string,
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest
): boolean {
  if (fault === undefined || !isAfterCommit(fault)) return false
  if (fault === 'commit-then-500')
    sendError(res, new ApiFailure(500, 'InternalServerException', 'Internal failure'))
  else if (typeof fault === 'object') sendExact(res, fault, recorded)
  else {
    const length = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }
    res.writeHead(200, length)
    if (fault === 'slow-body') {
      // Headers at once, then a byte at a time, never finishing: only a deadline on the whole request ends it.
      const timer = setInterval(() => res.write(' '), 100)
      res.on('close', () => clearInterval(timer))
    } else {
      // Promise the whole body, send half, and drop the connection.
      res.write(json.slice(0, Math.floor(json.length / 2)))
      setTimeout(() => req.socket.destroy(), 20)
    }
  }
  return true
}

function sendExact(res: ServerResponse, fault: ExactResponse, request: RecordedRequest): void {
  const body = typeof fault.body === 'function' ? fault.body(request) : (fault.body ?? '')
  send(res, fault.status, body, fault.headers)
}
