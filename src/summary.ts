import * as core from '@actions/core'
import { CONSOLE_URL } from './constants.js'

export interface StartSummary {
  space: string
  project: string
  workflowId: string
  clientToken: string
  runId?: string
  error?: string
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

export async function writeSummary(s: StartSummary): Promise<void> {
  const rows: [string, string][] = [
    ['Space', s.space],
    ['Project', s.project],
    ['Workflow id', s.workflowId],
    ['Run id', s.runId ?? '(not started)'],
    ['Client token', s.clientToken]
  ]
  const summary = core.summary
    .addHeading(
      s.runId ? 'CodeCatalyst workflow run started' : 'CodeCatalyst workflow run not started',
      2
    )
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows.map(([k, v]) => [k, `<code>${escapeHtml(v)}</code>`])
    ])
  if (s.error) summary.addRaw(`<p><strong>Error:</strong> ${escapeHtml(s.error)}</p>`, true)
  summary.addLink(
    'Open the workflows of this project in CodeCatalyst',
    workflowsPageUrl(s.space, s.project)
  )
  await summary.write()
}
