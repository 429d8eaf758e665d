/** Formatting shared by the log, the outputs and the job summary. */

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
