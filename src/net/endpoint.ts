/** The endpoint rule the transport relies on: https, or plain http only to a loopback host it never proxies. */
import { hasControlCharacters } from './safe-text.js'

/** Why an endpoint URL is unacceptable, or undefined if it is fine. */
export function checkEndpoint(value: string): string | undefined {
  // The URL parser drops tabs and line breaks silently; the raw value must not differ from what is used.
  if (/\s/.test(value) || hasControlCharacters(value))
    return 'whitespace and control characters are not allowed.'
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return 'expected an absolute URL such as https://codecatalyst.global.api.aws.'
  }
  if (url.username || url.password) return 'credentials in the URL are not allowed.'
  if (url.search || url.hash) return 'a query or fragment is not allowed.'
  if (url.protocol === 'https:') return undefined
  if (url.protocol === 'http:') {
    return isLoopback(url.hostname)
      ? undefined
      : 'http is only allowed to a loopback address (127.0.0.0/8, [::1] or localhost), which the ' +
          'transport always reaches directly, never through a proxy; use https, so no credential ever ' +
          'crosses a network in clear text.'
  }
  return `the scheme ${url.protocol} is not supported; use https.`
}

/**
 * A host that is on this machine and that @actions/http-client always reaches directly, whatever
 * HTTP_PROXY and NO_PROXY say: `localhost`, an IPv4 address in 127.0.0.0/8, or [::1] (hostname as the
 * URL parser gives it). Names such as x.localhost are not: the client sends them to a configured proxy.
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return (
    host === 'localhost' ||
    host === '[::1]' ||
    /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(host)
  )
}
