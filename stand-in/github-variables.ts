/**
 * GitHub's Actions variables (api version 2022-11-28), for the GitHub stand-in: the routes of repository and
 * environment variables, and what each does to one scope's variables. Unlike a secret, a variable's value
 * can be read back. Names follow the secret-name rules and are kept upper-cased; values are up to 48 KB.
 */
import { GitHubFailure, githubTime } from './github-http.js'
import type { Route } from './http.js'

export type VariableOperation =
  | 'GetRepoVariable'
  | 'CreateRepoVariable'
  | 'UpdateRepoVariable'
  | 'DeleteRepoVariable'
  | 'GetEnvironmentVariable'
  | 'CreateEnvironmentVariable'
  | 'UpdateEnvironmentVariable'
  | 'DeleteEnvironmentVariable'

/** A secret's or a variable's value, with GitHub's timestamps. */
export interface Stored {
  value: string
  createdAt: string
  updatedAt: string
}

const REPO_VARIABLE = /\/actions\/variables\/([^/]+)$/
const ENVIRONMENT_VARIABLE = /\/environments\/([^/]+)\/variables\/([^/]+)$/

/** The routes, below /repos/{owner}/{repo}. */
export const VARIABLE_ROUTES: Route<VariableOperation>[] = [
  { operation: 'GetRepoVariable', method: 'GET', pattern: REPO_VARIABLE },
  { operation: 'CreateRepoVariable', method: 'POST', pattern: /\/actions\/variables$/ },
  { operation: 'UpdateRepoVariable', method: 'PATCH', pattern: REPO_VARIABLE },
  { operation: 'DeleteRepoVariable', method: 'DELETE', pattern: REPO_VARIABLE },
  { operation: 'GetEnvironmentVariable', method: 'GET', pattern: ENVIRONMENT_VARIABLE },
  {
    operation: 'CreateEnvironmentVariable',
    method: 'POST',
    pattern: /\/environments\/([^/]+)\/variables$/
  },
  { operation: 'UpdateEnvironmentVariable', method: 'PATCH', pattern: ENVIRONMENT_VARIABLE },
  { operation: 'DeleteEnvironmentVariable', method: 'DELETE', pattern: ENVIRONMENT_VARIABLE }
]

/** The longest value GitHub keeps: 48 KB. */
export const MAX_VARIABLE_LENGTH = 48 * 1024

/** Stores a value under its upper-cased name, keeping when it was created. */
export function store(
  values: Map<string, Stored>,
  name: string,
  value: string,
  updatedAt = Date.now()
): void {
  const previous = values.get(name.toUpperCase())
  values.set(name.toUpperCase(), {
    value,
    createdAt: previous?.createdAt ?? githubTime(updatedAt),
    updatedAt: githubTime(updatedAt)
  })
}

/**
 * Runs `operation` on one scope's variables, with `name` the path's (none for a create) and `body` the
 * request's; GitHub's status and answer (undefined for none), or a GitHubFailure.
 */
export function executeVariable(
  operation: VariableOperation,
  variables: Map<string, Stored>,
  pathName: string | undefined,
  body: string
): [number, unknown] {
  const name = pathName?.toUpperCase() ?? ''
  const existing = variables.get(name)
  if (operation.startsWith('Get')) {
    if (!existing) throw new GitHubFailure(404, 'Not Found')
    const { value, createdAt, updatedAt } = existing
    return [200, { name, value, created_at: createdAt, updated_at: updatedAt }]
  }
  if (operation.startsWith('Delete')) {
    if (!variables.delete(name)) throw new GitHubFailure(404, 'Not Found')
    return [204, undefined]
  }
  const input = parseInput(body)
  if (operation.startsWith('Create')) {
    const created = checkName(input.name)
    const value = checkValue(input.value)
    if (variables.has(created))
      throw new GitHubFailure(409, 'Already exists - Variable already exists')
    store(variables, created, value)
    return [201, {}]
  }
  if (!existing) throw new GitHubFailure(404, 'Not Found')
  const renamed = input.name === undefined ? name : checkName(input.name)
  const value = input.value === undefined ? existing.value : checkValue(input.value)
  if (renamed !== name && variables.has(renamed))
    throw new GitHubFailure(409, 'Already exists - Variable already exists')
  variables.delete(name)
  variables.set(renamed, { ...existing, value, updatedAt: githubTime(Date.now()) })
  return [204, undefined]
}

function parseInput(body: string): { name?: unknown; value?: unknown } {
  let input: unknown
  try {
    input = JSON.parse(body)
  } catch {
    throw new GitHubFailure(400, 'Problems parsing JSON')
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new GitHubFailure(400, 'Problems parsing JSON')
  return input
}

/** A name as GitHub allows it (letters, digits and _, not a leading digit nor GITHUB_), upper-cased; else 422. */
export function checkName(name: unknown): string {
  if (name === undefined)
    throw new GitHubFailure(422, 'Invalid request.\n\n"name" wasn\'t supplied.')
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name))
    throw new GitHubFailure(
      422,
      'Invalid request.\n\nName must only contain alphanumeric characters or underscores, must not start with a number, and must not start with GITHUB_.'
    )
  return name.toUpperCase()
}

function checkValue(value: unknown): string {
  if (value === undefined)
    throw new GitHubFailure(422, 'Invalid request.\n\n"value" wasn\'t supplied.')
  if (typeof value !== 'string')
    throw new GitHubFailure(422, "Invalid request.\n\nFor 'properties/value', it is not a string.")
  if (value.length > MAX_VARIABLE_LENGTH)
    throw new GitHubFailure(
      422,
      `Invalid request.\n\nvalue is too long (maximum is ${MAX_VARIABLE_LENGTH} characters).`
    )
  return value
}
