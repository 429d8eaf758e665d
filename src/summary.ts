/** The main action's job summary: what the step did, as a table, with the run's status timeline. */
import * as core from '@actions/core'
import type { SessionReport } from './auth/credentials.js'
import { formatDuration, runDurationSeconds, workflowsPageUrl } from './common/format.js'
import type { WaitResult } from './codecatalyst/wait.js'
import type { IdentifiedWorkflow } from './codecatalyst/workflows.js'

/** What the step did, for the job summary: collected by main, read only here. */
export interface Report {
  space: string
  project: string
  workflow?: IdentifiedWorkflow
  runId?: string
  clientToken?: string
  wait?: WaitResult
  /** Why the step failed, if it did. */
  failure?: string
  /** The job was cancelled while the start was in flight: whether a run exists is unknown. */
  startUnknown?: boolean
  /** What became of the SSO session, when the step used one. */
  session?: SessionReport
}

/** One line on the SSO session: renewed or not, and whether the secret holds what the next job needs. */
function sessionLine(session: SessionReport | undefined): string | undefined {
  if (!session) return undefined
  const renewed = session.renewed ? 'renewed' : 'not renewed'
  if (session.saved === undefined) return renewed
  return `${renewed}; ${session.saved ? 'the secret holds a session the next job can renew' : 'the secret holds no session the next job can renew: log in again'}`
}

/** Escapes text for the HTML that the job summary is rendered from. */
export function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
    '|': '&#124;'
  }
  return text.replace(/[&<>"'|]/g, c => entities[c] ?? c)
}

function heading(report: Report): string {
  const status = report.wait?.run?.status
  switch (report.wait?.outcome) {
    case 'succeeded':
    case 'failed':
      return `CodeCatalyst workflow run ${status}`
    case 'timed-out':
      return `CodeCatalyst workflow run still ${status ?? 'unknown'}: stopped waiting`
    case 'cancelled':
      return `CodeCatalyst workflow run ${status ?? 'unknown'}: job cancelled while waiting`
  }
  if (report.startUnknown) return 'CodeCatalyst workflow run: start cancelled in flight'
  if (report.failure)
    return report.runId
      ? 'CodeCatalyst workflow run: failed'
      : 'CodeCatalyst workflow run not started'
  return 'CodeCatalyst workflow run started'
}

export async function writeSummary(report: Report): Promise<void> {
  const run = report.wait?.run
  const duration = runDurationSeconds(run)
  const rows: [string, string | undefined][] = [
    ['Space', report.space],
    ['Project', report.project],
    ['Workflow', report.workflow?.details?.name],
    ['Workflow id', report.workflow?.id ?? run?.workflowId],
    ['Run id', report.runId ?? (report.startUnknown ? '(unknown)' : '(not started)')],
    ['Client token', report.clientToken],
    ['Status', run?.status],
    ['Started', run?.startTime],
    ['Finished', run?.endTime],
    ['Duration', duration === undefined ? undefined : formatDuration(duration * 1000)],
    ['SSO session', sessionLine(report.session)]
  ]
  const summary = core.summary.addHeading(escapeHtml(heading(report)), 2).addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...rows.flatMap(([k, v]) => (v ? [[k, `<code>${escapeHtml(v)}</code>`]] : []))
  ])
  if (report.failure)
    summary.addRaw(`<p><strong>Failure:</strong> ${escapeHtml(report.failure)}</p>`, true)
  if (report.wait && report.wait.timeline.length > 0) {
    summary.addHeading('Status timeline', 3).addTable([
      [
        { data: 'Status', header: true },
        { data: 'Seen after', header: true }
      ],
      ...report.wait.timeline.map(c => [escapeHtml(c.status), formatDuration(c.elapsedMs)])
    ])
  }
  summary.addLink(
    'Open the workflows of this project in CodeCatalyst',
    workflowsPageUrl(report.space, report.project)
  )
  await summary.write()
}
