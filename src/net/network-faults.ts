/** What a network fault is called in the log: node's error codes as TransportErrors, with what to do about each. */
import { TransportError } from './errors.js'
import { SHOWN, untrusted } from './safe-text.js'

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

/** A network error from node:http, node:tls or node:dns, named and explained. */
export function toTransportError(operation: string, error: unknown): TransportError {
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

/** The job was cancelled: ECANCELED once the request was sent, ENOTSENT before. */
export function cancelled(operation: string, sent: boolean): TransportError {
  return sent
    ? new TransportError(operation, 'ECANCELED', 'cancelled while in flight')
    : new TransportError(operation, 'ENOTSENT', 'cancelled before it was sent')
}
