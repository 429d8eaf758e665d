/**
 * Keeps action.yml and login/action.yml, the code's input and output names, its defaults, the README's
 * generated tables (npm run docs) and the version in step: adding an input without documenting it fails CI.
 */
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import {
  ACTION_VERSION,
  DEFAULT_POLL_INTERVAL_SECONDS,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  DEFAULT_SUCCEED_ON,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  BUILDER_ID_REGION,
  BUILDER_ID_START_URL,
  Inputs,
  LOGIN_INPUTS,
  LoginOutputs,
  Outputs
} from '../src/common/constants.js'

const root = join(import.meta.dirname, '..')
const read = (file: string) => readFileSync(join(root, file), 'utf8')

/** The inputs only the login action has. */
const LOGIN_ONLY: readonly string[] = [
  Inputs.StartUrl,
  Inputs.SsoRegion,
  Inputs.LoginTimeoutSeconds,
  Inputs.IfNeeded,
  Inputs.ExpectedUser
]

interface Entry {
  description?: string
  required?: boolean
  default?: string
}
interface ActionYml {
  name: string
  description: string
  author: string
  branding: { icon: string; color: string }
  inputs: Record<string, Entry>
  outputs: Record<string, Entry>
  runs: { using: string; main: string }
}
const action = parse(read('action.yml')) as ActionYml
const loginAction = parse(read('login/action.yml')) as ActionYml

const README = read('README.md')

/**
 * The rows of the README's table that `npm run docs` generates from `file` between `<!-- kind: file -->` and
 * `<!-- end -->`: the name (without backticks) -> the cells, split on the pipes that are not escaped.
 */
function generatedTable(kind: 'inputs' | 'outputs', file: string): Map<string, string[]> {
  const section = README.split(`<!-- ${kind}: ${file} -->`)[1]?.split('<!-- end -->')[0]
  if (section === undefined) throw new Error(`README.md has no <!-- ${kind}: ${file} --> section`)
  const rows = new Map<string, string[]>()
  for (const line of section.split('\n')) {
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map(c => c.trim())
    const name = /^`([a-z-]+)`$/.exec(cells[0] ?? '')?.[1]
    if (name) rows.set(name, cells)
  }
  return rows
}

/** A cell as a reader sees it: `\|` and `\<` unescaped. */
const unescaped = (cell: string | undefined) => cell?.replace(/\\([|<])/g, '$1')
/** A description from action.yml on one line, as the README shows it. */
const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim()

const sorted = (values: Iterable<string>) => [...values].sort()

describe('action.yml', () => {
  it('runs the committed bundle on node24 and says what it is', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(existsSync(join(root, action.runs.main))).toBe(true)
    expect(action.name).toBeTruthy()
    expect(action.description).toBeTruthy()
    expect(action.author).toBeTruthy()
    expect(action.branding.icon && action.branding.color).toBeTruthy()
  })

  it('declares exactly the inputs and outputs the code reads and writes', () => {
    const inputs = Object.values(Inputs).filter(name => !LOGIN_ONLY.includes(name))
    expect(sorted(Object.keys(action.inputs))).toEqual(sorted(inputs))
    expect(sorted(Object.keys(action.outputs))).toEqual(sorted(Object.values(Outputs)))
  })

  it('describes every input and output', () => {
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect(entry.description?.trim()).toBeTruthy()
    }
  })

  it('gives the inputs the defaults the code falls back to, and the boolean one a default', () => {
    expect(action.inputs[Inputs.Wait]!.default).toBe('false')
    expect(action.inputs[Inputs.RequestTimeoutSeconds]!.default).toBe(
      String(DEFAULT_REQUEST_TIMEOUT_SECONDS)
    )
    expect(action.inputs[Inputs.WaitTimeoutSeconds]!.default).toBe(
      String(DEFAULT_WAIT_TIMEOUT_SECONDS)
    )
    expect(action.inputs[Inputs.PollIntervalSeconds]!.default).toBe(
      String(DEFAULT_POLL_INTERVAL_SECONDS)
    )
    expect(action.inputs[Inputs.SucceedOn]!.default).toBe(DEFAULT_SUCCEED_ON)
  })

  it('requires exactly space and project (the credential is one of token, sso-session or the environment)', () => {
    const required = Object.entries(action.inputs)
      .filter(([, e]) => e.required)
      .map(([name]) => name)
    expect(sorted(required)).toEqual(sorted([Inputs.Space, Inputs.Project]))
  })
})

describe('login/action.yml', () => {
  it('runs its own committed bundle on node24', () => {
    expect(loginAction.runs).toEqual({ using: 'node24', main: '../dist/login/index.js' })
    expect(existsSync(join(root, 'login', loginAction.runs.main))).toBe(true)
    expect(loginAction.name && loginAction.description && loginAction.branding.icon).toBeTruthy()
  })

  it('declares exactly the inputs and outputs the login reads and writes, each described', () => {
    expect(sorted(Object.keys(loginAction.inputs))).toEqual(sorted(LOGIN_INPUTS))
    expect(sorted(Object.keys(loginAction.outputs))).toEqual(sorted(Object.values(LoginOutputs)))
    for (const entry of [
      ...Object.values(loginAction.inputs),
      ...Object.values(loginAction.outputs)
    ])
      expect(entry.description?.trim()).toBeTruthy()
  })

  it('gives the defaults the code falls back to, and the boolean one a default', () => {
    expect(loginAction.inputs[Inputs.StartUrl]!.default).toBe(BUILDER_ID_START_URL)
    expect(loginAction.inputs[Inputs.SsoRegion]!.default).toBe(BUILDER_ID_REGION)
    expect(loginAction.inputs[Inputs.IfNeeded]!.default).toBe('true')
    expect(loginAction.inputs[Inputs.RequestTimeoutSeconds]!.default).toBe(
      String(DEFAULT_REQUEST_TIMEOUT_SECONDS)
    )
    const required = Object.entries(loginAction.inputs).filter(([, e]) => e.required)
    expect(sorted(required.map(([name]) => name))).toEqual(
      sorted([Inputs.SsoSessionSecret, Inputs.GitHubToken])
    )
  })
})

describe('README', () => {
  const actions = [
    ['action.yml', action],
    ['login/action.yml', loginAction]
  ] as const

  it.each(actions)(
    'documents every input of %s, with its required flag, default and description',
    (file, metadata) => {
      const table = generatedTable('inputs', file)
      expect(sorted(table.keys())).toEqual(sorted(Object.keys(metadata.inputs)))
      for (const [name, entry] of Object.entries(metadata.inputs)) {
        const [, required, defaults, description] = table.get(name) ?? []
        expect([name, required, unescaped(defaults), unescaped(description)]).toEqual([
          name,
          entry.required ? 'yes' : 'no',
          entry.default === undefined ? '' : `\`${entry.default}\``,
          oneLine(entry.description)
        ])
      }
    }
  )

  it.each(actions)('documents every output of %s, with its description', (file, metadata) => {
    const table = generatedTable('outputs', file)
    expect(sorted(table.keys())).toEqual(sorted(Object.keys(metadata.outputs)))
    for (const [name, entry] of Object.entries(metadata.outputs))
      expect(unescaped(table.get(name)?.[1])).toBe(oneLine(entry.description))
  })

  it('keeps the generated tables under its Inputs and Outputs headings', () => {
    const inputs = README.indexOf('\n## Inputs\n')
    const outputs = README.indexOf('\n## Outputs\n')
    expect(inputs).toBeGreaterThan(0)
    expect(outputs).toBeGreaterThan(inputs)
    for (const [file] of actions) {
      const at = (kind: string) => README.indexOf(`<!-- ${kind}: ${file} -->`)
      expect(at('inputs')).toBeGreaterThan(inputs)
      expect(at('inputs')).toBeLessThan(outputs)
      expect(at('outputs')).toBeGreaterThan(outputs)
    }
  })
})

describe('the version', () => {
  it('has a CHANGELOG section', () => {
    expect(read('CHANGELOG.md')).toContain(`## [${ACTION_VERSION}]`)
  })
})
