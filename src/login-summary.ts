/** What the login action says at its end, in the job summary: who the session belongs to, first, and what next. */
import * as core from '@actions/core'
import { REGISTRATION_WARNING_DAYS } from './common/constants.js'
import { isoDate, isoSeconds } from './common/format.js'
import type { UserDetails } from './codecatalyst/client.js'
import { escapeHtml } from './summary.js'

/** Who CodeCatalyst says a session belongs to; only its id when GetUserDetails refused to say more. */
export type Identity = UserDetails & { detailsRefused?: boolean }

/** What the login did: kept the stored session, logged in afresh, found a newer one, or failed. */
export interface LoginReport {
  how: 'kept' | 'logged-in' | 'newer' | 'failed'
  /** The secret, as a log line names it. */
  place: string
  user?: Identity
  /** When the session was saved (ms since the epoch). */
  savedAt?: number
  /** When the client registration ends (ms since the epoch). */
  registrationExpiresAt?: number
  /** What to say of a session another job renewed since this job started. */
  notice?: string
  failure?: string
}

/** 'Display Name (user-name)', or the id alone when that is all that is known. */
export function userText(user: Identity): string {
  if (!user.userName) return `the CodeCatalyst user with the id ${user.userId}`
  return user.displayName ? `${user.displayName} (${user.userName})` : user.userName
}

function heading(report: LoginReport): string {
  switch (report.how) {
    case 'logged-in':
      return `Logged in to CodeCatalyst as ${report.user ? userText(report.user) : 'a CodeCatalyst user'}`
    case 'kept':
      return `The CodeCatalyst SSO session${report.user ? ` of ${userText(report.user)}` : ''} is alive: no login was needed`
    case 'newer':
      return 'The CodeCatalyst SSO session was renewed by another job: no login was needed'
    case 'failed':
      return 'CodeCatalyst login: nothing was saved'
  }
}

/** What to do next, in one sentence. */
function next(report: LoginReport, now: number): string {
  const ends = report.registrationExpiresAt
  if (report.how === 'failed')
    return 'Read the failure above, fix what it names, and run this workflow again.'
  if (report.how === 'newer') return 'Nothing: the deploying jobs use the secret as it is.'
  const soon = ends !== undefined && ends - now < REGISTRATION_WARNING_DAYS * 86_400_000
  return soon
    ? `The client registration ends on ${isoDate(ends)}: run this workflow with if-needed: false before then, and approve the login.`
    : 'Nothing: the deploying jobs take the session from the secret from their next start, and renew it themselves.'
}

export async function writeLoginSummary(report: LoginReport, now = Date.now()): Promise<void> {
  const rows: [string, string | undefined][] = [
    ['Belongs to', report.user && userText(report.user)],
    ['CodeCatalyst user id', report.user?.userId],
    [
      'Saved to',
      report.savedAt === undefined
        ? undefined
        : `the secret ${report.place}, at ${isoSeconds(report.savedAt)}`
    ],
    [
      'Client registration ends',
      report.registrationExpiresAt === undefined
        ? undefined
        : isoSeconds(report.registrationExpiresAt)
    ],
    ['Next', next(report, now)]
  ]
  const summary = core.summary.addHeading(escapeHtml(heading(report)), 2).addTable([
    [
      { data: 'Field', header: true },
      { data: 'Value', header: true }
    ],
    ...rows.flatMap(([k, v]) => (v ? [[k, escapeHtml(v)]] : []))
  ])
  if (report.notice) summary.addRaw(`<p>${escapeHtml(report.notice)}</p>`, true)
  if (report.failure)
    summary.addRaw(`<p><strong>Failure:</strong> ${escapeHtml(report.failure)}</p>`, true)
  await summary.write()
}
