/** Formatting shared by the log, the outputs and the job summary. */
import { CONSOLE_URL } from './constants.js'

/** 75_000 -> '1m 15s'. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  return h ? `${h}h ${m}m ${s}s` : m ? `${m}m ${s}s` : `${s}s`
}

/** 2026-11-25T10:00:00Z -> '2026-11-25'. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** 1764430000123 -> '2025-11-29T15:26:40Z': UTC to the second, as the AWS CLI writes its cache file. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`
}

/** Whole seconds from a run's start to its end, when both are known. */
export function runDurationSeconds(run: { startTime?: string; endTime?: string } | undefined) {
  if (!run?.startTime || !run.endTime) return undefined
  return Math.max(0, Math.round((Date.parse(run.endTime) - Date.parse(run.startTime)) / 1000))
}

/** The project's workflows page; CodeCatalyst documents no URL for a single run. */
export function workflowsPageUrl(space: string, project: string): string {
  return `${CONSOLE_URL}/spaces/${encodeURIComponent(space)}/projects/${encodeURIComponent(project)}/workflows`
}

/** Text as a sentence: with one full stop at its end, whether it had one or not. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}
