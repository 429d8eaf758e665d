import * as core from '@actions/core'
import { CONSOLE_URL } from './constants.js'
import { formatDuration } from './format.js'
import type { WaitResult } from './wait.js'

/** What the step did, for the job summary. */
export interface Report {
  space: string
  project: string
  workflowId?: string
  workflowName?: string
  runId?: string
  clientToken?: string
  wait?: WaitResult
  /** Why the step failed, if it did. */
  failure?: string
}

/** Escapes text for the HTML that the job summary is rendered from. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"'|]/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '|': '&#124;' })[c]!
  )
}

/** The project's workflows page; CodeCatalyst documents no URL for a single run. */
export function workflowsPageUrl(space: string, project: string): string {
  return `${CONSOLE_URL}/spaces/${encodeURIComponent(space)}/projects/${encodeURIComponent(project)}/workflows`
}

/** Seconds from the run's start to its end, when both are known. */
export function runDurationSeconds(wait: WaitResult | undefined): number | undefined {
  const { startTime, endTime } = wait?.run ?? {}
  if (!startTime || !endTime) return undefined
  return Math.max(0, Math.round((Date.parse(endTime) - Date.parse(startTime)) / 1000))
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
  if (report.failure)
    return report.runId
      ? 'CodeCatalyst workflow run: failed'
      : 'CodeCatalyst workflow run not started'
  return 'CodeCatalyst workflow run started'
}

export async function writeSummary(report: Report): Promise<void> {
  const duration = runDurationSeconds(report.wait)
  const run = report.wait?.run
  const rows: [string, string | undefined][] = [
    ['Space', report.space],
    ['Project', report.project],
    ['Workflow', report.workflowName],
    ['Workflow id', report.workflowId ?? run?.workflowId],
    ['Run id', report.runId ?? '(not started)'],
    ['Client token', report.clientToken],
    ['Status', run?.status],
    ['Started', run?.startTime],
    ['Finished', run?.endTime],
    ['Duration', duration === undefined ? undefined : formatDuration(duration * 1000)]
  ]
  const summary = core.summary.addHeading(escapeHtml(heading(report)), 2).addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...rows.filter(([, v]) => v).map(([k, v]) => [k, `<code>${escapeHtml(v!)}</code>`])
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
