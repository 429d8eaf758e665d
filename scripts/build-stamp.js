/**
 * What dist/ was built from: dist/BUILT-FROM holds a hash of every input of the build (src/, the lockfile,
 * package.json, tsconfig.json, the build script) and a hash of what the build wrote. `npm run package` writes
 * it; the end-to-end tests' setup builds dist/ again only when either hash no longer matches, so they always
 * run today's src/ and never pay for a build that would change nothing. Plain JavaScript: jest's globalSetup
 * loads it without a compiler.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const STAMP = 'dist/BUILT-FROM'
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/package.ts']
/** The kinds of file in src/ that the build reads: a stray editor file or .DS_Store changes nothing. */
const SOURCE_FILE = /\.(ts|js|mjs|cjs|json)$/

/** Every file under `path` (a file or a folder, '/'-separated), as '/'-separated paths from `root`, sorted. */
function filesUnder(root, path) {
  const full = join(root, ...path.split('/'))
  if (!existsSync(full)) return []
  if (!statSync(full).isDirectory()) return [path]
  return readdirSync(full)
    .flatMap(name => filesUnder(root, `${path}/${name}`))
    .sort()
}

/** One hash of the files' names and contents (line endings as checked out: a CRLF checkout just rebuilds). */
function hashOf(root, paths) {
  const hash = createHash('sha256')
  for (const path of paths) {
    hash.update(`${path}\0`)
    hash.update(readFileSync(join(root, ...path.split('/'))))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/**
 * The hash of the build's inputs as they are now: take it before the build starts, so that a file saved while
 * ncc runs makes the next check build again. What is installed in node_modules is pinned by the lockfile
 * only: after editing a dependency in place or `npm link`, run `npm run package`.
 */
export function sourcesHash(root) {
  const files = INPUTS.flatMap(path => filesUnder(root, path)).filter(
    path => !path.startsWith('src/') || SOURCE_FILE.test(path)
  )
  return hashOf(root, files)
}

/** The stamp's text for `sources` (a sourcesHash) and dist/ as it is now. */
function stampOf(root, sources) {
  const bundle = hashOf(
    root,
    filesUnder(root, 'dist').filter(path => path !== STAMP)
  )
  return `sources ${sources}\nbundle ${bundle}\n`
}

/** Writes the stamp for dist/ as just built from `sources`, the sourcesHash taken before the build began. */
export function writeStamp(root, sources) {
  writeFileSync(join(root, STAMP), stampOf(root, sources))
}

/** Whether dist/ is the build of the sources as they are now, untouched since. */
export function distIsFresh(root) {
  const stamp = join(root, STAMP)
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === stampOf(root, sourcesHash(root))
}
