/**
 * What dist/ was built from: dist/BUILT-FROM holds a hash of every input of the build (src/, the lockfile,
 * package.json, tsconfig.json, the build script) and a hash of what the build wrote. `npm run package` writes
 * it; the end-to-end tests' setup builds dist/ again only when either hash no longer matches, so they always
 * run today's src/ and never pay for a build that would change nothing. Plain JavaScript: jest's globalSetup
 * loads it without a compiler.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

export const STAMP = 'dist/BUILT-FROM'
const INPUTS = ['src', 'package.json', 'package-lock.json', 'tsconfig.json', 'scripts/package.ts']

/** Every file under `path` (a file or a folder), as paths relative to `root`, sorted. */
function filesUnder(root, path) {
  const full = join(root, path)
  if (!existsSync(full)) return []
  if (!statSync(full).isDirectory()) return [path]
  return readdirSync(full)
    .flatMap(name => filesUnder(root, join(path, name)))
    .sort()
}

/** One hash of the files' names and contents (line endings as checked out: a CRLF checkout just rebuilds). */
function hashOf(root, paths) {
  const hash = createHash('sha256')
  for (const path of paths) {
    hash.update(`${relative(root, join(root, path)).split('\\').join('/')}\0`)
    hash.update(readFileSync(join(root, path)))
    hash.update('\0')
  }
  return hash.digest('hex')
}

/** The stamp's text for the tree as it is now. */
export function currentStamp(root) {
  const sources = hashOf(
    root,
    INPUTS.flatMap(path => filesUnder(root, path))
  )
  const bundle = hashOf(
    root,
    filesUnder(root, 'dist').filter(path => path.split('\\').join('/') !== STAMP)
  )
  return `sources ${sources}\nbundle ${bundle}\n`
}

/** Writes the stamp for dist/ as just built. */
export function writeStamp(root) {
  writeFileSync(join(root, STAMP), currentStamp(root))
}

/** Whether dist/ is the build of the sources as they are now, untouched since. */
export function distIsFresh(root) {
  const stamp = join(root, STAMP)
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === currentStamp(root)
}
