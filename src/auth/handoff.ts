/**
 * The session a step saved, handed on to the later steps of the same job. Every step of a job is given the
 * secret as it was when the job started, so a second step would hold a copy the first one replaced. The step
 * that saves also writes the session to a file in RUNNER_TEMP (which the runner empties at the end of every
 * job), sealed with AES-256-GCM under a key derived from the copy the job was given: a later step given the
 * same secret can open it, and nothing else in the job can.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SessionSecretSettings } from '../common/settings.js'

export interface Handoff {
  /** The file, one per secret. */
  path: string
  /** The sso-session input as the step was given it: the key comes from it. */
  given: string
}

/** Where a job hands the session of `secret` on; undefined outside a runner (no RUNNER_TEMP). */
export function handoffFor(
  secret: SessionSecretSettings,
  given: string,
  env: NodeJS.ProcessEnv
): Handoff | undefined {
  const dir = env.RUNNER_TEMP?.trim()
  if (!dir || !given) return undefined
  const { apiUrl, owner, repo, environment = '', name } = secret
  const id = sha256(['secret', apiUrl, owner, repo, environment, name.toUpperCase()].join('\n'))
  return { path: join(dir, 'codecatalyst-run-workflow', `${id.slice(0, 32)}.json`), given }
}

/** Writes `cacheFile` for the later steps of this job; quietly nothing when it cannot (it is an optimisation). */
export function handOn(handoff: Handoff, cacheFile: string): void {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key(handoff), iv)
  const data = Buffer.concat([cipher.update(cacheFile, 'utf8'), cipher.final()])
  const sealed = { v: 1, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64') }
  try {
    mkdirSync(join(handoff.path, '..'), { recursive: true, mode: 0o700 })
    writeFileSync(handoff.path, JSON.stringify({ ...sealed, data: data.toString('base64') }), {
      mode: 0o600
    })
  } catch {
    // A later step then renews from the copy it was given, as it would without a handoff.
  }
}

/** The session an earlier step of this job saved, if it handed one on under the same key; else undefined. */
export function takeOver(handoff: Handoff): string | undefined {
  try {
    const sealed = JSON.parse(readFileSync(handoff.path, 'utf8')) as Record<string, string>
    const decipher = createDecipheriv(
      'aes-256-gcm',
      key(handoff),
      Buffer.from(sealed.iv ?? '', 'base64')
    )
    decipher.setAuthTag(Buffer.from(sealed.tag ?? '', 'base64'))
    const data = Buffer.from(sealed.data ?? '', 'base64')
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')
  } catch {
    // None, or sealed under another key (a step given another copy): the step uses what it was given.
    return undefined
  }
}

function key(handoff: Handoff): Buffer {
  return createHash('sha256')
    .update('codecatalyst-run-workflow handoff v1\n')
    .update(handoff.given)
    .digest()
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
