/**
 * HTTPS through an HTTP CONNECT proxy with the tunnel kept alive, so a process opens one tunnel per host
 * (where the proxy keeps it open). @actions/http-client's own tunnel agent opens one per request.
 */
import type { ClientRequestArgs, IncomingMessage } from 'node:http'
import { request } from 'node:http'
import { Agent } from 'node:https'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls'

export class TunnelingAgent extends Agent {
  constructor(private readonly proxy: URL) {
    super({ keepAlive: true })
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void
  ): Duplex | null | undefined {
    // Node ignores the stream when there is an error, so a failure passes none.
    const fail = (error: Error) => (callback as ((err: Error) => void) | undefined)?.(error)
    const target = `${options.host ?? 'localhost'}:${String(options.port ?? 443)}`
    const headers: Record<string, string> = { host: target }
    if (this.proxy.username || this.proxy.password) {
      const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`
      headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`
    }
    const connect = request({
      host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
      port: this.proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers,
      signal: options.signal
    })
    connect.once('connect', (response: IncomingMessage, socket: Socket) => {
      if (response.statusCode !== 200) {
        socket.destroy()
        const error = new Error(`CONNECT ${target} answered statusCode=${response.statusCode}`)
        return fail(Object.assign(error, { code: 'EPROXYREFUSED' }))
      }
      callback?.(null, tlsConnect({ ...(options as ConnectionOptions), socket }))
    })
    connect.once('error', fail)
    connect.end()
    return undefined
  }
}
