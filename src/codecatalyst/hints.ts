/** What to do about each of the CodeCatalyst API's errors, said after the error in the log. */
import { Inputs } from '../common/constants.js'
import { type ErrorHints, HINT_401, HINT_5XX } from '../net/errors.js'

/** The CodeCatalyst API's errors. */
export const CODECATALYST_HINTS: ErrorHints = {
  ValidationException: `Check the ${Inputs.Space}, ${Inputs.Project} and ${Inputs.WorkflowId} inputs: CodeCatalyst rejected them as malformed.`,
  ServiceQuotaExceededException:
    "The space has reached a limit of its billing tier. Reduce usage or change the space's tier in the CodeCatalyst console.",
  AccessDeniedException:
    "Either the token's user lacks a role in the project that may run workflows (Contributor or Project " +
    'administrator), or the token has expired or may not call the CodeCatalyst API (scope codecatalyst:read_write), ' +
    "or its session's CodeCatalyst access has ended (AWS Builder ID ends it after some days): check the role, " +
    "then log in again. An 'sso-session' is renewed by the action; a plain token is not.",
  ResourceNotFoundException:
    `Check the ${Inputs.Space}, ${Inputs.Project} and ${Inputs.WorkflowId}: they are case-sensitive, the workflow must exist in that project, ` +
    "and the token's user must be a member of the space and project.",
  ConflictException:
    `The request conflicts with the current state in CodeCatalyst. If you set ${Inputs.ClientToken}, it may already have been ` +
    'used for a different workflow: use a new one.',
  ThrottlingException: `CodeCatalyst is throttling requests. Re-run the job later, or raise ${Inputs.MaxAttempts} to wait longer.`,
  [HINT_401]:
    'CodeCatalyst did not accept the token: it has expired, or is not a CodeCatalyst SSO access token.',
  [HINT_5XX]: 'CodeCatalyst or something in front of it failed. Re-run the job later.'
}
