/** The main action: inputs, then the workflow, the start (or an existing run), the wait, the outputs and the summary. */
import * as core from '@actions/core'
import { listenForCancel } from './net/cancellation.js'
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

/** inputs → settings → workflow → start (or an existing run) → wait → outputs and summary. */
export async function run(): Promise<void> {
  const read = (name: string) => core.getInput(name)
  for (const secret of secretsIn(read, process.env)) maskSecret(secret)
  let settings: Settings
  try {
    settings = getSettings(read, process.env)
  } catch (error) {
    core.setFailed(errorText(error))
    return
  }

  for (const notice of settings.notices) core.notice(notice)
  for (const warning of settings.warnings) core.warning(warning)
  const cancel = listenForCancel(line => core.info(line))
  const { client, credentials } = connect(settings, cancel)
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
        cancel.signal
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
