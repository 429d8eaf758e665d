/**
 * What a network, a proxy or the service can do to one request: the faults a stand-in injects, planned per
 * operation, and how each is played out on the response.
 */
import { randomUUID } from 'node:crypto'
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

/**
 * Faults, beyond FAULTS, that let a write commit and then fail to answer it: an error, a reset, or no answer
 * at all. Kept out of FAULTS so that the fault matrix that iterates over it does not grow.
 */
export const COMMIT_FAULTS = ['commit-then-503', 'commit-then-reset', 'commit-then-hang'] as const
export type CommitFaultName = (typeof COMMIT_FAULTS)[number]

/** A response to send instead of the operation's. */
export interface ExactResponse {
  status: number
  headers?: Record<string, string>
  /** The body, or a function of the request (e.g. to echo what it carried back). */
  body?: string | ((request: RecordedRequest) => string)
  /** Let the operation commit first. */
  commit?: boolean
}

/**
 * The operation's own answer, late by `delayMs`. With `commit`, the operation commits at once and only its
 * answer waits (a client with a shorter timeout gives up, and its retry finds the write landed); without,
 * the request waits before it is served at all (a slow service), and is served even if the client has gone.
 */
export interface DelayedAnswer {
  delayMs: number
  commit?: boolean
}

/**
 * A fault by name, none (to let a request through before a fault), a reset after a delay, a late answer, or an
 * exact response.
 */
export type Fault =
  FaultName | CommitFaultName | 'none' | { resetAfterMs: number } | DelayedAnswer | ExactResponse

/** Faults that let the operation commit before they show. */
type AfterCommit =
  | 'truncated'
  | 'slow-body'
  | 'commit-then-500'
  | CommitFaultName
  | (DelayedAnswer & { commit: true })
  | ExactResponse

/** The answer the operation gives when no fault intervenes. */
export interface Answer {
  status: number
  body: string
  headers: Record<string, string>
}

/**
 * Sends the error a fault answers with. The faults word it as AWS does (an ApiFailure); a stand-in for a service
 * with other words (GitHub) passes its own, keeping the status and the headers given (e.g. Retry-After).
 */
export type ErrorAnswer = (
  res: ServerResponse,
  failure: ApiFailure,
  headers?: Record<string, string>
) => void

/** AWS's error as the rest-json protocol sends it (x-amzn-errortype, a request id, `{"message"}`). */
export const awsError: ErrorAnswer = (res, failure, headers) => sendError(res, failure, headers)

/** The faults planned for the next requests of each operation, one each, in order. */
export class FaultPlan<Operation extends string, F = Fault> {
  private readonly planned = new Map<Operation, (F | 'none')[]>()

  add(operation: Operation, faults: (F | 'none')[]): void {
    this.planned.set(operation, [...(this.planned.get(operation) ?? []), ...faults])
  }

  /** The fault for this request of `operation`, if one is planned. */
  next(operation: Operation | undefined): Exclude<F, 'none'> | undefined {
    const fault = operation === undefined ? undefined : this.planned.get(operation)?.shift()
    return fault === 'none' ? undefined : (fault as Exclude<F, 'none'> | undefined)
  }
}

const isDelay = (fault: unknown): fault is DelayedAnswer =>
  typeof fault === 'object' && fault !== null && 'delayMs' in fault

/**
 * Waits out a slow service (a DelayedAnswer without `commit`) and returns no fault, so the request is then
 * served as usual; any other fault is returned at once. A stand-in awaits this before `beforeCommit`.
 */
export async function waitIfSlow<F>(fault: F): Promise<F | undefined> {
  if (!isDelay(fault) || fault.commit === true) return fault
  await new Promise(resolve => setTimeout(resolve, fault.delayMs).unref())
  return undefined
}

/**
 * Plays out a fault that shows before the operation runs; returns whether it did (the request is then
 * answered, or dropped, or left hanging). A fault that lets the operation commit is left for `afterCommit`.
 */
export function beforeCommit(
  fault: Fault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest,
  error: ErrorAnswer = awsError
): fault is Exclude<Fault, AfterCommit> {
  if (fault === undefined || isAfterCommit(fault)) return false
  if (fault === 'reset') req.socket.destroy()
  else if (fault === 'hang' || fault === 'none') return true
  else if (isDelay(fault))
    // A bug in the stand-in, made visible (599): a slow request needs the wait before it is served.
    throw new Error(
      'a { delayMs } fault without commit needs the stand-in to await waitIfSlow first'
    )
  else if (typeof fault === 'object' && 'resetAfterMs' in fault)
    setTimeout(() => req.socket.destroy(), fault.resetAfterMs)
  else if (fault === 'html')
    send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
      'content-type': 'text/html'
    })
  else if (fault === '429' || fault === '429-retry-after')
    error(res, new ApiFailure(429, 'ThrottlingException', 'Rate exceeded'), {
      ...(fault === '429' ? {} : { 'retry-after': '1' })
    })
  else if (typeof fault === 'object') sendExact(res, fault, recorded)
  else {
    const type = fault === '500' ? 'InternalServerException' : 'ServiceUnavailableException'
    error(res, new ApiFailure(Number(fault), type, 'Service unavailable'))
  }
  return true
}

function isAfterCommit(fault: Fault): fault is AfterCommit {
  if (typeof fault === 'object') return 'commit' in fault && fault.commit === true
  return (
    fault === 'truncated' ||
    fault === 'slow-body' ||
    fault === 'commit-then-500' ||
    (COMMIT_FAULTS as readonly string[]).includes(fault)
  )
}

/**
 * Plays out a fault after the operation committed, with `answer` its own answer (JSON of status 200, as
 * CodeCatalyst's, when a string); returns whether it did.
 */
export function afterCommit(
  fault: Fault | undefined,
  answer: string | Answer,
  req: IncomingMessage,
  res: ServerResponse,
  recorded: RecordedRequest,
  error: ErrorAnswer = awsError
): boolean {
  if (fault === undefined || !isAfterCommit(fault)) return false
  const own = typeof answer === 'string' ? awsAnswer(answer) : answer
  if (fault === 'commit-then-500')
    error(res, new ApiFailure(500, 'InternalServerException', 'Internal failure'))
  else if (fault === 'commit-then-503')
    error(res, new ApiFailure(503, 'ServiceUnavailableException', 'Service unavailable'))
  else if (fault === 'commit-then-reset') req.socket.destroy()
  else if (fault === 'commit-then-hang') return true
  else if (isDelay(fault)) sendLate(res, own, fault.delayMs)
  else if (typeof fault === 'object') sendExact(res, fault, recorded)
  else {
    res.writeHead(own.status, { ...own.headers, 'content-length': Buffer.byteLength(own.body) })
    if (fault === 'slow-body') {
      // Headers at once, then a byte at a time, never finishing: only a deadline on the whole request ends it.
      const timer = setInterval(() => res.write(' '), 100)
      res.on('close', () => clearInterval(timer))
    } else {
      // Promise the whole body, send half, and drop the connection.
      res.write(own.body.slice(0, Math.floor(own.body.length / 2)))
      setTimeout(() => req.socket.destroy(), 20)
    }
  }
  return true
}

const awsAnswer = (json: string): Answer => ({
  status: 200,
  body: json,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() }
})

/** The answer after `delayMs`, unless the client has gone by then (nothing to send it to). */
function sendLate(res: ServerResponse, answer: Answer, delayMs: number): void {
  const timer = setTimeout(() => {
    if (!res.destroyed && !res.writableEnded) send(res, answer.status, answer.body, answer.headers)
  }, delayMs)
  res.on('close', () => clearTimeout(timer))
}

function sendExact(res: ServerResponse, fault: ExactResponse, request: RecordedRequest): void {
  const body = typeof fault.body === 'function' ? fault.body(request) : (fault.body ?? '')
  send(res, fault.status, body, fault.headers)
}
