/**
 * Constraints from the CodeCatalyst service model (codecatalyst/2022-09-28).
 * Shared by input validation, token derivation and the stand-in, so all three agree.
 */

/** spaceName, projectName and clientToken: alphanumeric runs joined by single '-', '_' or '.'. */
export const NAME_PATTERN = /^[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*$/
export const NAME_PATTERN_TEXT = "letters and digits, optionally joined by single '-', '_' or '.'"

export const UUID_PATTERN =
  /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

export const CLIENT_TOKEN_MAX_LENGTH = 64

/** ListWorkflows' nextToken is 1-2048 characters (ListWorkflowsRequestNextTokenString). */
export const NEXT_TOKEN_MAX_LENGTH = 2048

export function isValidName(value: string): boolean {
  return NAME_PATTERN.test(value)
}

export function isValidClientToken(value: string): boolean {
  return value.length >= 1 && value.length <= CLIENT_TOKEN_MAX_LENGTH && NAME_PATTERN.test(value)
}

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value)
}

/** Workflow run statuses, from the model. */
export const RUNNING_STATUSES = ['VALIDATING', 'PROVISIONING', 'IN_PROGRESS', 'STOPPING'] as const
export const FINISHED_STATUSES = [
  'SUCCEEDED',
  'FAILED',
  'STOPPED',
  'SUPERSEDED',
  'CANCELLED',
  'NOT_RUN',
  'ABANDONED'
] as const
export const RUN_STATUSES: readonly string[] = [...RUNNING_STATUSES, ...FINISHED_STATUSES]

export function isFinished(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status)
}
