/**
 * `npm start`, run as a user runs it on a terminal: it shows what the runner would show, no more. The
 * action's `::add-mask::` lines, and every value they mask, never reach the terminal.
 */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { maskingPrinter } from '../scripts/runner.js'

const root = join(import.meta.dirname, '..')

describe('npm start', () => {
  it('runs a login, then two jobs that share the secret, and prints no secret and no ::add-mask:: line', () => {
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
    const run = spawnSync(process.execPath, [tsx, 'scripts/start.ts', '--start-only'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000
    })
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' })
    expect(run.stdout).toContain("=== Job 'login'")
    expect(run.stdout).toMatch(
      /^https:\/\/device\.sso\.us-east-1\.amazonaws\.com\/\?user_code=[A-Z]{4}-[A-Z]{4}$/m
    )
    expect(run.stdout).toMatch(
      /Saved the new SSO session to the secret CODECATALYST_SSO_SESSION of octo-org\/app\./
    )
    expect(run.stdout).toContain("=== Job 'deploy-again'")
    expect(run.stdout).toMatch(
      /one login, approved in the browser; then 2 renewals, each with the refresh token the secret held; 3 saves/
    )
    expect(run.stdout).not.toContain('::add-mask::')
    // What the stand-ins issue: refresh and access tokens, the client secret, the GitHub token.
    for (const secret of [
      'aor-stand-in-refresh-token',
      'aoa-stand-in-access',
      'stand-in-client-secret',
      'github_pat_stand_in_writer'
    ])
      expect(run.stdout.includes(secret) ? `shows ${secret}` : 'hidden').toBe('hidden')
  }, 90_000)
})

describe('maskingPrinter', () => {
  it('consumes ::add-mask:: lines and masks their values from then on, across chunk boundaries', () => {
    let shown = ''
    const printer = maskingPrinter(text => (shown += text))
    printer.data(Buffer.from('::add-mask::s3cr3t-value\nfirst line\nthe token is s3cr'))
    printer.data(
      Buffer.from(
        '3t-value, twice: s3cr3t-value\n::add-mask::longer-s3cr3t-value\nlonger-s3cr3t-value'
      )
    )
    printer.end()
    expect(shown).toBe('first line\nthe token is ***, twice: ***\n***\n')
  })
})
