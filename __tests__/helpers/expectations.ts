import { expect } from '@jest/globals'
import type { ActionResult } from '../../scripts/runner.js'

/**
 * The token appears once, in the `::add-mask::` command on the first line (which the runner consumes),
 * and nowhere else: not in the log, stderr, the summary or the outputs.
 */
export function expectNoTokenLeak(result: ActionResult, token: string): void {
  const lines = result.stdout.split('\n')
  expect(lines[0]).toBe(`::add-mask::${token}`)
  expect(lines.slice(1).join('\n')).not.toContain(token)
  expect(result.stderr).not.toContain(token)
  expect(result.summary).not.toContain(token)
  expect(JSON.stringify(result.outputs)).not.toContain(token)
}

/**
 * Each secret appears only in `::add-mask::` commands (which the runner consumes), and nowhere else: not in
 * the log, stderr, the summary or the outputs, neither as is nor JSON-escaped.
 */
export function expectNoSecretLeak(result: ActionResult, secrets: Iterable<string>): void {
  const log = result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const everywhere = [log, result.stderr, result.summary, JSON.stringify(result.outputs)].join('\n')
  for (const secret of secrets) {
    for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) {
      expect(everywhere.includes(form) ? `leaked: ${form}` : 'not leaked').toBe('not leaked')
    }
  }
}

/**
 * The step succeeded, and wrote nothing to stderr: a Node deprecation warning, or a library that logs with
 * console.warn, shows here the day it appears.
 */
export function expectSuccess(result: ActionResult): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
}

/**
 * What a user reads in a message, in order: the key words, the named input, operation or status, not the
 * sentences around them, so that a rewording breaks no test. Strings match as they are; a RegExp as a pattern.
 */
export function inOrder(...parts: (string | RegExp)[]): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  return new RegExp(
    parts.map(part => (typeof part === 'string' ? escape(part) : part.source)).join('[\\s\\S]*')
  )
}
