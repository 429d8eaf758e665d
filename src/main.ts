import * as core from '@actions/core'
import { deriveClientToken } from './client-token.js'
import { CodeCatalystClient } from './codecatalyst-client.js'
import { ACTION_NAME, ACTION_VERSION, Inputs, Outputs } from './constants.js'
import { ApiError } from './errors.js'
import { createHttpTransport } from './http-transport.js'
import { type Settings, getSettings } from './input-helper.js'
import { writeSummary } from './summary.js'

const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION} node/${process.version}`

export async function run(): Promise<void> {
  // Mask the token before anything else can print it.
  const rawToken = core.getInput(Inputs.Token).trim()
  if (rawToken) core.setSecret(rawToken)

  let settings: Settings
  try {
    settings = getSettings(name => core.getInput(name), process.env)
  } catch (error) {
    core.setFailed(errorText(error))
    return
  }

  const clientToken = settings.clientToken ?? deriveToken(settings)
  const client = new CodeCatalystClient(settings, {
    transport: createHttpTransport(USER_AGENT),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    random: Math.random,
    now: Date.now,
    log: line => core.info(line)
  })
  const target = {
    space: settings.space,
    project: settings.project,
    workflowId: settings.workflowId
  }

  core.info(
    `Starting workflow ${target.workflowId} in ${target.space}/${target.project} ` +
      `(client token ${clientToken}) at ${settings.endpoint}`
  )
  try {
    const started = await client.startWorkflowRun({ ...target, clientToken })
    core.setOutput(Outputs.RunId, started.id)
    core.setOutput(Outputs.WorkflowId, started.workflowId)
    core.setOutput(Outputs.ClientToken, clientToken)
    core.notice(`Started CodeCatalyst workflow run ${started.id}`, {
      title: 'CodeCatalyst run started'
    })
    await writeSummary({ ...target, clientToken, runId: started.id })
  } catch (error) {
    const text = errorText(error)
    core.setFailed(text)
    await writeSummary({ ...target, clientToken, error: text }).catch(() => undefined)
  }
}

function deriveToken(settings: Settings): string {
  const { token, random } = deriveClientToken({
    runId: process.env.GITHUB_RUN_ID,
    runAttempt: process.env.GITHUB_RUN_ATTEMPT,
    job: process.env.GITHUB_JOB,
    action: process.env.GITHUB_ACTION,
    ...settings
  })
  if (random) {
    core.notice(
      `GITHUB_RUN_ID is not set, so this is not a GitHub Actions run: using the random client token ${token}. ` +
        'Retries of this process are idempotent; another process starts another run.'
    )
  }
  return token
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.describe()
  return error instanceof Error ? error.message : String(error)
}
