/**
 * Bundles each entry point with ncc into dist/, minified, from an empty dist/ (so no chunk of an earlier build
 * stays behind): the main action to dist/index.js, the login action to dist/login/index.js, both at once. Each
 * entry's on-demand chunks sit beside it. Then dist/BUILT-FROM records what it was built from (scripts/build-stamp.js).
 *   npm run package
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { sourcesHash, writeStamp } from './build-stamp.js'

const root = join(import.meta.dirname, '..')
const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js')
const ENTRIES = [
  { entry: 'src/index.ts', out: 'dist' },
  { entry: 'src/login.ts', out: 'dist/login' }
]

/** One ncc build; rejects, with what ncc printed, when it fails. */
function build(entry: string, out: string): Promise<void> {
  const args = [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--minify', '--quiet']
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let printed = ''
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()))
  return new Promise((resolve, reject) =>
    child.on('close', code =>
      code === 0
        ? resolve()
        : reject(new Error(`ncc build ${entry} failed (exit ${code}):\n${printed}`))
    )
  )
}

// What the build is made from, before it starts: a file saved while ncc runs is not vouched for.
const sources = sourcesHash(root)
rmSync(join(root, 'dist'), { recursive: true, force: true })
await Promise.all(ENTRIES.map(({ entry, out }) => build(entry, out)))
writeStamp(root, sources)
