/**
 * The house rules, measured from the code with the TypeScript compiler, so that CI holds them:
 *   - every import among the files of src/ runs one way (no circle, type imports and import() included);
 *     the same for stand-in/;
 *   - no function in src/ is over 50 lines;
 *   - no file in stand-in/ is over 400 lines, and no class there over 250.
 *
 *   npm run structure        prints the import order (each file after everything it imports) and every breach;
 *                            exits 1 if there is one
 */
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'

const root = join(import.meta.dirname, '..')
const RULES = { functionLines: 50, standInFileLines: 400, standInClassLines: 250 }

function filesOf(dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter(name => name.endsWith('.ts'))
    .map(name => join(root, dir, name))
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
  for (const source of sources) {
    if (dir === 'src') breaches.push(...longer(source, RULES.functionLines, 'function'))
    if (dir !== 'stand-in') continue
    const count = source.getLineAndCharacterOfPosition(source.end).line
    if (count > RULES.standInFileLines)
      breaches.push(
        `${relative(root, source.fileName)}: ${count} lines (at most ${RULES.standInFileLines})`
      )
    breaches.push(...longer(source, RULES.standInClassLines, 'class'))
  }
}
console.log(
  breaches.length
    ? `\n${breaches.length} breach(es):\n${breaches.map(b => `  ${b}`).join('\n')}`
    : `\nNo import circle; no function in src/ over ${RULES.functionLines} lines; no stand-in file over ` +
        `${RULES.standInFileLines} lines or class over ${RULES.standInClassLines}.`
)
process.exitCode = breaches.length ? 1 : 0
