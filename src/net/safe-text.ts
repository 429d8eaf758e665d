/** Every form of every registered secret, longest first, so no longer form is left half-redacted. */
let secretForms: string[] = []

/**
 * Registers a secret that text from the network must never show, even when a server echoes it back,
 * in each encoding the action itself produces: as is (headers), JSON-escaped (bodies, and responses quoted
 * in errors) and percent-encoded (URLs). The runner masks it too (core.setSecret); this also holds where no
 * runner is watching.
 */
export function registerSecret(secret: string): void {
  if (!secret) return
  const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]
  secretForms = [...new Set([...secretForms, ...forms])].sort((a, b) => b.length - a.length)
}

/** Replaces every registered secret, in every form, with ***. Run it before any parsing or slicing. */
export function redact(text: string): string {
  let redacted = text
  for (const form of secretForms) redacted = redacted.split(form).join('***')
  return redacted
}

/** How much of a piece of text from the network a message shows, by what it is. */
export const SHOWN = {
  /** A value quoted back to the user, e.g. an input. */
  value: 80,
  /** An id, a status, a request id, an error type. */
  id: 100,
  /** A name, a repository, a branch, a path. */
  name: 200,
  /** An excerpt of a response body. */
  excerpt: 200,
  /** A network error's own detail. */
  detail: 300,
  /** A service's error message. */
  message: 500
} as const

/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g

export function hasControlCharacters(text: string): boolean {
  return text.search(CONTROL_CHARACTERS) !== -1
}

/** A value that can be sent as `Authorization: Bearer <value>`: printable ASCII, no whitespace. */
export function isBearerToken(value: string): boolean {
  return /^[\x21-\x7e]+$/.test(value)
}

/**
 * Makes text that came from the network safe to print in a workflow log.
 *
 * The runner treats any stdout line starting with `::` as a workflow command (`::add-mask::`,
 * `::stop-commands::`, `::warning::`). Text from the service is flattened to one line, so it can never
 * start a line of its own, and shortened so a hostile or broken server cannot flood the log.
 */
export function untrusted(text: string, maxLength: number = SHOWN.message): string {
  // Redact before flattening (a secret may hold what flattening changes) and after it (flattening may
  // join what was apart), and before shortening, so no prefix of a secret survives a cut.
  const flat = redact(redact(text).replace(CONTROL_CHARACTERS, ' ').trim())
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 3)}...` : flat
}

/** Shows a value in a message: quoted, on one line, and shortened if long. */
export function quote(value: string): string {
  return `'${untrusted(value, SHOWN.value)}'`
}
