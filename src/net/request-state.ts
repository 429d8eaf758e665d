/**
 * What one request carries down to the connection it goes out on: its own abort signal, and what became of it.
 * Each request has its own; nothing about a request is kept on the client, the hook or the agent it shares.
 */

export interface RequestState {
  /** Aborts this request alone: its timeout, and the job's cancel. */
  readonly signal: AbortSignal
  /** It is about to go out on a kept-alive connection that an earlier request used. */
  reused: boolean
  /** Its tunnel was abandoned before the proxy answered CONNECT. */
  unanswered: boolean
}

/** The key under which node:http's request options carry the state down to the agent's createConnection. */
export const REQUEST_STATE = Symbol('request state')

/** The state a request's options carry, if any. */
export function stateOf(options: object): RequestState | undefined {
  return (options as { [REQUEST_STATE]?: RequestState })[REQUEST_STATE]
}
