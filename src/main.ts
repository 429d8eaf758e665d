/** The main action: inputs, then the workflow, the start (or an existing run), the wait, the outputs and the summary. */
import * as core from '@actions/core'
import { type Sleep, listenForCancel } from './net/cancellation.js'
import { connect, maskSecret } from './clients.js'
import { followRun } from './codecatalyst/follow-run.js'
import { getSettings } from './inputs/action-inputs.js'
import { secretsIn } from './inputs/credential-inputs.js'
import type { SessionReport } from './auth/credentials.js'
import type { Settings } from './common/settings.js'
import { errorText, failureFrom, successLine, waitFailure } from './outcome.js'
import {
  setClientTokenOutput,
  setRunOutputs,
  setSessionOutputs,
  setWaitOutputs,
  setWorkflowOutputs
} from './outputs.js'
import { clientTokenFor, startRun } from './codecatalyst/start-run.js'
import { type Report, writeSummary } from './summary.js'
import { identifyWorkflow } from './codecatalyst/workflows.js'

/** What a test that runs the step in-process may change; a runner passes nothing. */
export interface StepOptions {
  /** Adjusts the settings once they are read: sub-second intervals and timeouts, which inputs cannot give. */
  tune?: (settings: Settings) => void
  /** Every wait of the step (backoffs and polls) goes through it; a real sleep by default. */
  sleep?: Sleep
}

/** inputs → settings → workflow → start (or an existing run) → wait → outputs and summary. */
export async function run(options: StepOptions = {}): Promise<void> {
  const settings = readSettings(options)
  if (!settings) return
  const cancel = listenForCancel(line => core.info(line))
  const { client, credentials } = connect(settings, cancel, options.sleep)
  const { target, wait } = settings
  const report: Report = { space: settings.space, project: settings.project }
  try {
    if (target.workflow) {
      report.workflow = await identifyWorkflow(client, settings, target.workflow, core.debug)
      setWorkflowOutputs(report.workflow)
    }
    if (target.kind === 'start' && report.workflow) {
      report.clientToken = clientTokenFor(settings, report.workflow.id)
      report.runId = await startRun(client, settings, report.workflow, report.clientToken)
    } else if (target.kind === 'existing') report.runId = target.runId
    if (report.runId) setRunOutputs(report.runId, report.clientToken)
    if (wait && report.runId) {
      report.wait = await followRun(
        client,
        settings,
        wait,
        report.runId,
        report.workflow,
        cancel.signal,
        options.sleep
      )
      setWaitOutputs(report.wait, report.workflow !== undefined)
      report.failure = waitFailure(report.wait, settings, wait, report.runId)
    }
  } catch (error) {
    const failure = failureFrom(error, cancel.signal, report.clientToken)
    report.failure = failure.message
    report.startUnknown = failure.startUnknown
    if (failure.startUnknown && report.clientToken) setClientTokenOutput(report.clientToken)
  } finally {
    cancel.stop()
  }
  await finish(report, credentials.report())
}

/** The settings, with every secret among the inputs masked first; undefined (and the step failed) if invalid. */
function readSettings(options: StepOptions): Settings | undefined {
  const read = (name: string) => core.getInput(name)
  for (const secret of secretsIn(read, process.env)) maskSecret(secret)
  let settings: Settings
  try {
    settings = getSettings(read, process.env)
  } catch (error) {
    core.setFailed(errorText(error))
    return undefined
  }
  options.tune?.(settings)
  for (const notice of settings.notices) core.notice(notice)
  for (const warning of settings.warnings) core.warning(warning)
  return settings
}

/** The step's result, its last line and the job summary. A renewed session that was not saved fails it too. */
async function finish(report: Report, session: SessionReport | undefined): Promise<void> {
  setSessionOutputs(session)
  report.session = session
  report.failure = [report.failure, session?.failure].filter(Boolean).join('\n') || undefined
  if (report.failure) core.setFailed(report.failure)
  else if (report.wait && report.runId) core.info(successLine(report.runId, report.wait))
  await writeSummary(report).catch((error: unknown) =>
    core.warning(`Could not write the job summary: ${errorText(error)}`)
  )
}
