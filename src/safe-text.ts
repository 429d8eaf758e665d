/**
 * Makes text that came from the network safe to print in a workflow log.
 *
 * The runner treats any stdout line starting with `::` as a workflow command (`::add-mask::`,
 * `::stop-commands::`, `::warning::`). Text from the service is flattened to one line, so it can never
 * start a line of its own, and shortened so a hostile or broken server cannot flood the log.
 */
export function untrusted(text: string, maxLength = 500): string {
  // C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim()
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 3)}...` : flat
}
