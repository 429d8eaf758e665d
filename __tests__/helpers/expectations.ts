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
