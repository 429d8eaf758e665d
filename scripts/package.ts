/**
 * Bundles each entry point with ncc into dist/, minified, from an empty dist/ (so no chunk of an earlier build
 * stays behind): the main action to dist/index.js, the login action to dist/login/index.js. Each entry's
 * on-demand chunks sit beside it.
 *   npm run package
 */
import { execFileSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js')
const ENTRIES = [
  { entry: 'src/index.ts', out: 'dist' },
  { entry: 'src/login.ts', out: 'dist/login' }
]

rmSync(join(root, 'dist'), { recursive: true, force: true })
for (const { entry, out } of ENTRIES)
  execFileSync(
    process.execPath,
    [ncc, 'build', entry, '-o', out, '--license', 'licenses.txt', '--minify', '--quiet'],
    { cwd: root, stdio: 'inherit' }
  )
