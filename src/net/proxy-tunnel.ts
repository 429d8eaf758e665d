/**
 * HTTPS through a CONNECT proxy (http:// or https://) with the tunnel kept alive, so a process opens one
 * tunnel per host (where the proxy keeps it open). @actions/http-client's own tunnel agent opens one per
 * request, and hears nothing of a request's abort signal while it waits for the proxy.
 */
import type { ClientRequest, ClientRequestArgs, IncomingMessage } from 'node:http'
import { request as httpRequest } from 'node:http'
import { Agent, request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls'
import { stateOf } from './request-state.js'

export class TunnelingAgent extends Agent {
  constructor(
    private readonly proxy: URL,
    keepAlive = true
  ) {
    super({ keepAlive })
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void
  ): Duplex | null | undefined {
    // Node ignores the stream when there is an error, so a failure passes none.
    const fail = (error: Error) => (callback as ((err: Error) => void) | undefined)?.(error)
    const connect = this.connectRequest(connectTarget(options))
    // The request's own state: node:http passes its options through to here, its signal aside.
    const state = stateOf(options)
    const signal = state?.signal
    // Aborted before the proxy answered: end the CONNECT too, so nothing is left waiting on it.
    const onAbort = () => {
      if (state) state.unanswered = true
      connect.destroy(new Error('the proxy did not answer CONNECT'))
    }
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const settled = () => signal?.removeEventListener('abort', onAbort)
    connect.once('connect', (response: IncomingMessage, socket: Socket) => {
      settled()
      if (response.statusCode !== 200) {
        socket.destroy()
        const error = new Error(
          `CONNECT ${connect.path} answered statusCode=${response.statusCode}`
        )
        return fail(Object.assign(error, { code: 'EPROXYREFUSED' }))
      }
      callback?.(null, tlsConnect({ ...(options as ConnectionOptions), socket }))
    })
    connect.once('error', error => {
      settled()
      fail(error)
    })
    connect.end()
    return undefined
  }

  /** CONNECT host:port, to the proxy in clear or over TLS as its URL says, with its credentials if any. */
  private connectRequest(target: string): ClientRequest {
    const headers: Record<string, string> = { host: target }
    if (this.proxy.username || this.proxy.password) {
      const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`
    }
    const overTls = this.proxy.protocol === 'https:'
    return (overTls ? httpsRequest : httpRequest)({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: this.proxy.port || (overTls ? 443 : 80),
      method: 'CONNECT',
      path: target,
      headers,
      // The tunnel's own connection to the proxy is never pooled.
      agent: false
    })
  }
}

/** `host:port` as CONNECT takes it: an IPv6 literal in brackets. */
export function connectTarget(options: ClientRequestArgs): string {
  const host = options.host ?? 'localhost'
  return `${host.includes(':') ? `[${host}]` : host}:${String(options.port ?? 443)}`
}
