/**
 * The house rules, measured from the code with the TypeScript compiler, so that CI holds them:
 *   - every import among the files of src/ (read folder by folder, recursively) runs one way: no circle
 *     between files, and none between folders (type imports and import() included); the same for stand-in/;
 *   - every file in src/ opens with a comment that says what it is for;
 *   - no function in src/ is over 50 lines, no class over 150, no file over 300;
 *   - no file in stand-in/ is over 400 lines, and no class there over 250.
 *
 *   npm run structure        prints the import order (each file after everything it imports) and every breach;
 *                            exits 1 if there is one
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = join(import.meta.dirname, '..')
const RULES = {
  functionLines: 50,
  classLines: 150,
  fileLines: 300,
  standInFileLines: 400,
  standInClassLines: 250
}

/** Every .ts file under `dir`, in its folders too. */
function filesOf(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter(name => name.endsWith('.ts'))
    .map(name => join(root, dir, name))
    .sort()
}

/** The graph of folders: a folder imports another when one of its files imports one of the other's. */
function folderGraph(graph: Map<string, string[]>): Map<string, string[]> {
  const folders = new Map<string, Set<string>>()
  for (const [file, imports] of graph) {
    const from = dirname(file)
    const to = folders.get(from) ?? new Set<string>()
    for (const target of imports) if (dirname(target) !== from) to.add(dirname(target))
    folders.set(from, to)
  }
  return new Map([...folders].map(([folder, to]) => [folder, [...to]]))
}

/** Whether the file opens with a comment (before its first import or declaration). */
function opensWithComment(source: ts.SourceFile): boolean {
  return /^\s*(\/\*\*|\/\/)/.test(source.text)
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
}

/** Files of `files` that `source` imports: static, type-only and dynamic imports, and re-exports. */
function importsOf(source: ts.SourceFile, files: Set<string>): string[] {
  const found: string[] = []
  const add = (specifier: string) => {
    if (!specifier.startsWith('.')) return
    const target = resolve(dirname(source.fileName), specifier.replace(/\.js$/, '.ts'))
    if (files.has(target)) found.push(target)
  }
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      add(node.moduleSpecifier.text)
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      add(node.arguments[0].text)
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal
      if (ts.isStringLiteral(literal)) add(literal.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return [...new Set(found)]
}

/** The files in an order where each comes after what it imports; the files left over are in circles. */
function layered(graph: Map<string, string[]>): { order: string[]; circular: string[] } {
  const order: string[] = []
  const placed = new Set<string>()
  let progress = true
  while (progress) {
    progress = false
    for (const [file, imports] of graph) {
      if (placed.has(file) || !imports.every(i => placed.has(i) || i === file)) continue
      order.push(file)
      placed.add(file)
      progress = true
    }
  }
  // Of the files left, those in a circle are imported by another file left: prune the rest.
  let left = [...graph.keys()].filter(f => !placed.has(f))
  for (let pruned = true; pruned;) {
    const imported = new Set(left.flatMap(f => graph.get(f) ?? []))
    const kept = left.filter(f => imported.has(f))
    pruned = kept.length < left.length
    left = kept
  }
  return { order, circular: left }
}

function lines(node: ts.Node, source: ts.SourceFile): number {
  const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
  return source.getLineAndCharacterOfPosition(node.end).line - start + 1
}

/** Functions (or classes) of `source` longer than `limit` lines, named with file and line. */
function longer(source: ts.SourceFile, limit: number, kind: 'function' | 'class'): string[] {
  const found: string[] = []
  const visit = (node: ts.Node) => {
    const matches =
      kind === 'class'
        ? ts.isClassLike(node)
        : ts.isFunctionLike(node) && 'body' in node && node.body
    if (matches && lines(node, source) > limit) {
      const at = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1
      const name = (node as { name?: ts.Node }).name?.getText(source) ?? '(anonymous)'
      found.push(
        `${relative(root, source.fileName)}:${at} ${kind} ${name}: ${lines(node, source)} lines`
      )
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const breaches: string[] = []
for (const dir of ['src', 'stand-in']) {
  const files = filesOf(dir)
  const sources = files.map(parse)
  const graph = new Map(sources.map(s => [s.fileName, importsOf(s, new Set(files))]))
  const { order, circular } = layered(graph)
  console.log(
    `${dir}/: ${files.length} files, imported in this order (each after what it imports):`
  )
  console.log(`  ${order.map(f => relative(join(root, dir), f)).join(' < ')}`)
  if (circular.length)
    breaches.push(
      `${dir}/: an import circle runs through ${circular.map(f => relative(root, f)).join(', ')}`
    )
  const folders = layered(folderGraph(graph))
  if (folders.order.length > 1)
    console.log(`  folders: ${folders.order.map(f => relative(root, f) || dir).join(' < ')}`)
  if (folders.circular.length)
    breaches.push(
      `${dir}/: the folders ${folders.circular.map(f => relative(root, f)).join(', ')} import each other`
    )
  for (const source of sources) {
    const count = source.getLineAndCharacterOfPosition(source.end).line
    const name = relative(root, source.fileName)
    if (dir === 'src') {
      breaches.push(...longer(source, RULES.functionLines, 'function'))
      breaches.push(...longer(source, RULES.classLines, 'class'))
      if (count > RULES.fileLines)
        breaches.push(`${name}: ${count} lines (at most ${RULES.fileLines})`)
      if (!opensWithComment(source))
        breaches.push(`${name}: opens with no comment saying what it is for`)
      continue
    }
    if (count > RULES.standInFileLines)
      breaches.push(`${name}: ${count} lines (at most ${RULES.standInFileLines})`)
    breaches.push(...longer(source, RULES.standInClassLines, 'class'))
  }
}
console.log(
  breaches.length
    ? `\n${breaches.length} breach(es):\n${breaches.map(b => `  ${b}`).join('\n')}`
    : `\nNo import circle between files or folders; in src/ no function over ${RULES.functionLines} lines, ` +
        `no class over ${RULES.classLines}, no file over ${RULES.fileLines}, none without its opening comment; ` +
        `no stand-in file over ${RULES.standInFileLines} lines or class over ${RULES.standInClassLines}.`
)
process.exitCode = breaches.length ? 1 : 0
