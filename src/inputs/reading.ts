/** How inputs are read: pure readers that return a Reading, the error that reports them all, and the shared readers. */
import {
  DEFAULT_ENDPOINT,
  DEFAULT_MAX_ATTEMPTS,
  ENV_ENDPOINT,
  ENV_MAX_ATTEMPTS,
  Inputs,
  MAX_ATTEMPTS_RANGE
} from '../common/constants.js'
import type { Reading } from '../common/settings.js'
import { checkEndpoint } from '../net/endpoint.js'
import { quote } from '../net/safe-text.js'

export type { Reading } from '../common/settings.js'

/** Reads one input the way `core.getInput` does: '' when unset. */
export type InputReader = (name: string) => string

/** One input as given, trimmed: '' when unset. */
export type Given = (name: Inputs) => string

/** The inputs of `read`, each trimmed. */
export function trimmed(read: InputReader): Given {
  return name => read(name).trim()
}

/** What was adjusted rather than refused (notices), and what was ignored (warnings), to say once. */
export interface Said {
  notices: string[]
  warnings: string[]
}

/** Thrown with every input problem found, one per line. */
export class InputError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? problems[0]
        : `${problems.length} inputs are invalid:\n${problems.map(p => `- ${p}`).join('\n')}`
    )
    this.name = 'InputError'
  }
}

/** `value` with `problem` when there is one, else with none. */
export function reading<T>(value: T, problem?: string | false): Reading<T> {
  return { value, problems: problem ? [problem] : [] }
}

/** A whole number from `range`; NaN or out of range is a problem naming `source`. */
export function readWholeNumber(
  source: string,
  value: string,
  range: { min: number; max: number }
): Reading<number> {
  const n = /^\d+$/.test(value) ? Number(value) : NaN
  return reading(
    n,
    !(n >= range.min && n <= range.max) &&
      `${source} is ${quote(value)}. Expected a whole number from ${range.min} to ${range.max}.`
  )
}

/** A whole number of seconds input (`fallback` when unset), in milliseconds. */
export function readSeconds(
  name: Inputs,
  value: string,
  fallback: number,
  range: { min: number; max: number }
): Reading<number> {
  const seconds = readWholeNumber(`Input '${name}'`, value || String(fallback), range)
  return { value: 1000 * seconds.value, problems: seconds.problems }
}

/** Accepts what core.getBooleanInput accepts (YAML 1.2 core schema), and '' as false. */
export function readBoolean(name: Inputs, value: string): Reading<boolean> {
  if (['true', 'True', 'TRUE'].includes(value)) return reading(true)
  if (['', 'false', 'False', 'FALSE'].includes(value)) return reading(false)
  return reading(false, `Input '${name}' is ${quote(value)}. Expected true or false.`)
}

/** The first endpoint given among `candidates` (source, value), else `fallback`; checked and without a trailing slash. */
export function readEndpoint(
  candidates: [source: string, value: string | undefined][],
  fallback: string
): Reading<string> {
  const [source, value] = candidates.find(([, v]) => v) ?? ['', fallback]
  const problem = value === undefined ? undefined : checkEndpoint(value)
  return reading(
    (value ?? fallback).replace(/\/+$/, ''),
    problem && `${source} is ${quote(value ?? '')}: ${problem}`
  )
}

/** CodeCatalyst's API: `endpoint`, else AWS_ENDPOINT_URL_CODECATALYST, else the global endpoint. */
export function readCodeCatalystEndpoint(value: string, env: NodeJS.ProcessEnv): Reading<string> {
  return readEndpoint(
    [
      [`Input '${Inputs.Endpoint}'`, value],
      [`Environment variable ${ENV_ENDPOINT}`, env[ENV_ENDPOINT]?.trim()]
    ],
    DEFAULT_ENDPOINT
  )
}

/**
 * `max-attempts`, else AWS_MAX_ATTEMPTS (the SDKs' variable), else the default. The variable is set for other
 * tools, not as this step's input: a value over the action's range is capped, with a notice, and one that is
 * no whole number from the range at all is ignored, with a warning.
 */
export function readMaxAttempts(value: string, env: NodeJS.ProcessEnv): Reading<number> & Said {
  const fromEnv = env[ENV_MAX_ATTEMPTS]?.trim()
  if (value || !fromEnv) {
    const source = `Input '${Inputs.MaxAttempts}'`
    const attempts = readWholeNumber(
      source,
      value || String(DEFAULT_MAX_ATTEMPTS),
      MAX_ATTEMPTS_RANGE
    )
    return { ...attempts, notices: [], warnings: [] }
  }
  const source = `Environment variable ${ENV_MAX_ATTEMPTS}`
  const { min, max } = MAX_ATTEMPTS_RANGE
  const n = /^\d+$/.test(fromEnv) ? Number(fromEnv) : NaN
  if (n >= min && n <= max) return { value: n, problems: [], notices: [], warnings: [] }
  const choose = `Set the '${Inputs.MaxAttempts}' input to choose another number for this step.`
  if (n > max) {
    const notice = `${source} is ${fromEnv}; this action makes at most ${max} attempts per call, so it uses ${max}. ${choose}`
    return { value: max, problems: [], notices: [notice], warnings: [] }
  }
  const warning =
    `${source} is ${quote(fromEnv)}, which is not a number of attempts from ${min} to ${max}: it is ignored, ` +
    `and this step makes ${DEFAULT_MAX_ATTEMPTS} attempts per call. ${choose}`
  return { value: DEFAULT_MAX_ATTEMPTS, problems: [], notices: [], warnings: [warning] }
}
