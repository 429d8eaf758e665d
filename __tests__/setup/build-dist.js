/**
 * Jest globalSetup of the end-to-end project: bundles today's src/ into dist/ before any test runs
 * dist/index.js, so the suite can never pass on yesterday's bundle, unless dist/BUILT-FROM shows that dist/ is
 * already built from today's src/ and untouched. A build failure fails the run.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { STAMP, distIsFresh } from '../../scripts/build-stamp.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

export default function buildDist() {
  if (process.env.ACTION_UNDER_TEST) {
    process.stdout.write(`\nTesting ${process.env.ACTION_UNDER_TEST}, not a fresh build of src/\n`)
    return
  }
  // dist/ is already the build of today's src/ (its stamp says so, by hashes): building again would change nothing.
  if (distIsFresh(root)) {
    process.stdout.write(`\ndist/ is the build of today's src/ (${STAMP} matches): not rebuilt\n`)
    return
  }
  const started = Date.now()
  // Under npm (npm test), npm_execpath is npm's own CLI script: node runs it on every platform. Otherwise
  // npm is found on the PATH, through a shell on Windows, where it is npm.cmd.
  const npm = process.env.npm_execpath
  const [command, args, shell] = npm?.endsWith('.js')
    ? [process.execPath, [npm], false]
    : ['npm', [], process.platform === 'win32']
  const result = spawnSync(command, [...args, 'run', '--silent', 'package'], {
    cwd: root,
    encoding: 'utf8',
    shell,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  if (result.status !== 0) {
    throw new Error(
      `npm run package failed (exit ${result.status}), so the end-to-end tests cannot run:\n` +
        `${result.stdout}${result.stderr}`
    )
  }
  process.stdout.write(
    `\nBuilt dist/ from src/ in ${((Date.now() - started) / 1000).toFixed(1)} s\n`
  )
}
