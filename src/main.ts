import * as core from '@actions/core'
import { deriveClientToken } from './client-token.js'
import { CodeCatalystClient } from './codecatalyst-client.js'
import {
  ACTION_NAME,
  ACTION_VERSION,
  Inputs,
  Outputs,
  REGISTRATION_WARNING_DAYS
} from './constants.js'
import { createCredentials, describeCredential } from './credentials.js'
import { ApiError, ServiceError } from './errors.js'
import { createHttpTransport } from './http-transport.js'
import { type Settings, type WaitSettings, getSettings, secretsIn } from './input-helper.js'
import { registerSecret } from './safe-text.js'
import { registrationWarning } from './sso-session.js'
import { type Report, runDurationSeconds, workflowsPageUrl, writeSummary } from './summary.js'
import { formatDuration } from './format.js'
import { type WaitResult, waitForRun } from './wait.js'
import {
  type IdentifiedWorkflow,
  checkRunnable,
  explainNotFound,
  identifyWorkflow
} from './workflow-resolver.js'

const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION} node/${process.version}`

export async function run(): Promise<void> {
  const read = (name: string) => core.getInput(name)
  // Mask every secret before anything else can print it.
  for (const secret of secretsIn(read, process.env)) maskSecret(secret)

  let settings: Settings
  try {
    settings = getSettings(read, process.env)
  } catch (error) {
    core.setFailed(errorText(error))
    return
  }

  const cancellation = new AbortController()
  const apiDeps = {
    transport: createHttpTransport(USER_AGENT),
    sleep: abortableSleep(cancellation.signal),
    random: Math.random,
    now: Date.now,
    log: (line: string) => core.info(line),
    signal: cancellation.signal
  }
  core.info(describeCredential(settings.credential))
  if (settings.credential.kind === 'sso-session') {
    const warning = registrationWarning(
      settings.credential.session,
      Date.now(),
      REGISTRATION_WARNING_DAYS
    )
    if (warning) core.warning(warning, { title: 'CodeCatalyst SSO session ends soon' })
  }
  const credentials = createCredentials(settings.credential, settings, {
    ...apiDeps,
    mask: maskSecret,
    info: line => core.info(line)
  })
  const client = new CodeCatalystClient(settings, { ...apiDeps, credentials })
  const project = { space: settings.space, project: settings.project }
  const report: Report = { ...project }
  const debug = (line: string) => core.debug(line)
  try {
    const { target } = settings
    let runId: string
    if (target.kind === 'start') {
      const workflow = await identifyWorkflow(client, project, target.workflow, debug)
      describeWorkflowIn(report, workflow)
      runId = await startRun(client, settings, workflow, 'id' in target.workflow, report)
    } else {
      if (target.workflow)
        describeWorkflowIn(report, await identifyWorkflow(client, project, target.workflow, debug))
      runId = target.runId
    }
    report.runId = runId
    core.setOutput(Outputs.RunId, runId)
    if (settings.wait) {
      report.failure = await waitForResult(
        client,
        settings,
        settings.wait,
        runId,
        report,
        cancellation
      )
    }
  } catch (error) {
    report.failure = errorText(error)
  }
  if (report.failure) core.setFailed(report.failure)
  await writeSummary(report).catch((error: unknown) =>
    core.warning(`Could not write the job summary: ${errorText(error)}`)
  )
}

function describeWorkflowIn(report: Report, workflow: IdentifiedWorkflow): void {
  report.workflowId = workflow.id
  report.workflowName = workflow.details?.name
  core.setOutput(Outputs.WorkflowId, workflow.id)
  if (report.workflowName) core.setOutput(Outputs.WorkflowName, report.workflowName)
}

/** Starts the run and sets the start outputs at once, so later steps have them even if a wait fails. */
async function startRun(
  client: CodeCatalystClient,
  settings: Settings,
  workflow: IdentifiedWorkflow,
  givenById: boolean,
  report: Report
): Promise<string> {
  if (workflow.details) checkRunnable(workflow.details)
  const clientToken = settings.clientToken ?? deriveToken(settings, workflow.id)
  report.clientToken = clientToken
  const project = { space: settings.space, project: settings.project }
  const name = workflow.details ? ` (${workflow.details.name})` : ''
  core.info(
    `Starting workflow ${workflow.id}${name} in ${settings.space}/${settings.project} ` +
      `(client token ${clientToken}) at ${settings.endpoint}`
  )
  let started
  try {
    started = await client.startWorkflowRun({ ...project, workflowId: workflow.id, clientToken })
  } catch (error) {
    // Say which of space, project and workflow is wrong, keeping the original error first.
    if (givenById && error instanceof ServiceError && error.type === 'ResourceNotFoundException') {
      throw new Error(`${error.describe()}\n${await explainNotFound(client, project)}`, {
        cause: error
      })
    }
    throw error
  }
  core.setOutput(Outputs.ClientToken, clientToken)
  core.notice(`Started CodeCatalyst workflow run ${started.id}`, {
    title: 'CodeCatalyst run started'
  })
  return started.id
}

/** Waits for the run; returns why the step fails, or undefined when the run succeeded. */
async function waitForResult(
  client: CodeCatalystClient,
  settings: Settings,
  wait: WaitSettings,
  runId: string,
  report: Report,
  cancellation: AbortController
): Promise<string | undefined> {
  const expectedWorkflow = report.workflowId?.toLowerCase()
  const onSignal = (signal: NodeJS.Signals) => {
    core.info(`Received ${signal}: the job is being cancelled; stopping the wait.`)
    cancellation.abort()
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal)
  core.info(
    `Waiting for run ${runId} to finish: a status check every ${wait.pollIntervalMs / 1000} s, ` +
      `for at most ${formatDuration(wait.timeoutMs)}; success is ${wait.succeedOn.join(' or ')}.`
  )
  let result: WaitResult
  try {
    result = await waitForRun(
      {
        getRun: async () => {
          const run = await client.getWorkflowRun({
            space: settings.space,
            project: settings.project,
            runId
          })
          if (expectedWorkflow && run.workflowId.toLowerCase() !== expectedWorkflow) {
            const given = report.workflowName
              ? `workflow '${report.workflowName}' (${report.workflowId})`
              : `workflow ${report.workflowId}`
            throw new Error(
              `Run ${runId} belongs to workflow ${run.workflowId}, not to ${given}. ` +
                `Check the ${Inputs.RunId} input, or leave ${Inputs.WorkflowName} and ${Inputs.WorkflowId} empty.`
            )
          }
          return run
        },
        now: Date.now,
        sleep: abortableSleep(cancellation.signal),
        signal: cancellation.signal,
        info: line => core.info(line),
        warning: line => core.warning(line)
      },
      wait
    )
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
  report.wait = result
  setWaitOutputs(result)
  if (!report.workflowId && result.run?.workflowId)
    core.setOutput(Outputs.WorkflowId, result.run.workflowId)

  const status = result.run?.status ?? 'unknown'
  const lastSeen = result.run
    ? `run ${runId} was last seen ${status}`
    : `the status of run ${runId} could not be read`
  const continues =
    'The CodeCatalyst run keeps running: the API has no way to stop it. ' +
    `Follow it at ${workflowsPageUrl(settings.space, settings.project)}, or wait for it later with ${Inputs.RunId}: ${runId}.`
  switch (result.outcome) {
    case 'succeeded':
      core.info(
        `Run ${runId} finished with status ${status} after ${formatDuration(result.elapsedMs)} of waiting.`
      )
      return undefined
    case 'failed':
      return (
        `CodeCatalyst workflow run ${runId} finished with status ${status}, which is not ${wait.succeedOn.join(' or ')}. ` +
        `See the run at ${workflowsPageUrl(settings.space, settings.project)}.`
      )
    case 'timed-out':
      return `Stopped waiting after ${formatDuration(wait.timeoutMs)}: ${lastSeen}. ${continues}`
    case 'cancelled':
      return `The job was cancelled while waiting: ${lastSeen}. ${continues}`
  }
}

function setWaitOutputs(result: WaitResult): void {
  const run = result.run
  if (!run) return
  core.setOutput(Outputs.Status, run.status)
  if (run.startTime) core.setOutput(Outputs.StartTime, run.startTime)
  if (run.endTime) core.setOutput(Outputs.EndTime, run.endTime)
  const duration = runDurationSeconds(result)
  if (duration !== undefined) core.setOutput(Outputs.DurationSeconds, String(duration))
}

function deriveToken(settings: Settings, workflowId: string): string {
  const { token, random } = deriveClientToken({
    runId: process.env.GITHUB_RUN_ID,
    runAttempt: process.env.GITHUB_RUN_ATTEMPT,
    job: process.env.GITHUB_JOB,
    action: process.env.GITHUB_ACTION,
    space: settings.space,
    project: settings.project,
    workflowId
  })
  if (random) {
    core.notice(
      `GITHUB_RUN_ID is not set, so this is not a GitHub Actions run: using the random client token ${token}. ` +
        'Retries of this process are idempotent; another process starts another run.'
    )
  }
  return token
}

/** Masks a secret in the runner's log and redacts it from any text that comes from the network. */
function maskSecret(secret: string): void {
  core.setSecret(secret)
  registerSecret(secret)
}

/** A sleep that ends early when the job is cancelled. */
function abortableSleep(signal: AbortSignal): (ms: number) => Promise<void> {
  return ms =>
    new Promise(resolve => {
      if (signal.aborted) return resolve()
      const done = () => {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      signal.addEventListener('abort', done, { once: true })
    })
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe()
  return error instanceof Error ? error.message : String(error)
}
