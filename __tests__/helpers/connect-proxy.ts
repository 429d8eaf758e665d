import { createServer } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface ConnectProxy {
  url: string
  /** Every CONNECT target asked for, in order. */
  connects: string[]
  /** How many CONNECTs to a held target the client gave up on (it ended the connection). */
  abandoned(): number
  close(): Promise<void>
}

/**
 * A CONNECT proxy on loopback, as corporate networks run them. It resolves only the host names in `routes`
 * (host:port -> local port), so a request that reaches a routed host can only have come through it.
 * With `refuse`, it answers every CONNECT with 407 Proxy Authentication Required; with `credentials`
 * (user:password), every CONNECT without them. A CONNECT to a target in `hold` is never answered; `abandoned()`
 * counts those whose client has since ended its connection.
 */
export async function startConnectProxy(
  routes: Record<string, number>,
  options: { refuse?: boolean; credentials?: string; hold?: string[] } = {}
): Promise<ConnectProxy> {
  const connects: string[] = []
  let abandoned = 0
  const sockets = new Set<Socket>()
  const server = createServer((_, res) => {
    res.writeHead(405)
    res.end('only CONNECT')
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const target = req.url ?? ''
    connects.push(target)
    if (options.hold?.includes(target)) {
      client.once('end', () => abandoned++)
      return
    }
    const port = routes[target]
    const expected =
      options.credentials && `Basic ${Buffer.from(options.credentials).toString('base64')}`
    const refuse = options.refuse || (expected && req.headers['proxy-authorization'] !== expected)
    if (refuse || port === undefined) {
      client.end(
        refuse
          ? 'HTTP/1.1 407 Proxy Authentication Required\r\n\r\n'
          : 'HTTP/1.1 502 Bad Gateway\r\n\r\n'
      )
      return
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    sockets.add(upstream)
    upstream.on('close', () => sockets.delete(upstream))
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    abandoned: () => abandoned,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
