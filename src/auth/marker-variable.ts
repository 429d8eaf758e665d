/**
 * The marker variable beside the session's secret (src/auth/marker.ts has the rule): read, created, written
 * (a PATCH, or a POST where there is none), and kept so that whichever session the secret holds is presented.
 */
import type { CallScope } from '../net/api-call.js'
import { ApiError, RenewalError, ServiceError } from '../net/errors.js'
import type { GitHubScope, Variable } from './github-api.js'
import { type Marker, formatMarker, parseMarker } from './marker.js'
import type { SecretWords } from './secret-messages.js'

export class MarkerVariable {
  constructor(
    private readonly name: string,
    private readonly github: GitHubScope,
    private readonly words: SecretWords,
    private readonly now: () => number
  ) {}

  /** The marker and when it was written; undefined when there is none. */
  async read(scope: CallScope) {
    const variable: Variable | undefined = await this.github.variable(this.name, scope)
    if (variable === undefined) return undefined
    const marker = parseMarker(variable.value)
    if (!marker) throw new RenewalError(this.words.foreignMarker(), 'check', false)
    return { marker, updatedAt: variable.updatedAt }
  }

  /** The marker written (a PATCH, a POST where there is none); the error if it could not be. */
  async tryWrite(value: string, scope: CallScope): Promise<ApiError | undefined> {
    try {
      await this.write(value, scope)
      return undefined
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      return error
    }
  }

  private async write(value: string, scope: CallScope): Promise<void> {
    try {
      await this.github.updateVariable(this.name, value, scope)
    } catch (error) {
      // Deleted meanwhile, or never created: create it; one created since is replaced as a PATCH replaces it.
      if (!(error instanceof ServiceError) || error.kind !== 'not-found') throw error
      if (!(await this.github.createVariable(this.name, value, scope)))
        await this.github.updateVariable(this.name, value, scope)
    }
  }

  /** Creates the marker, naming the copy this job holds; a marker created meanwhile is read instead. */
  async create(presented: string, scope: CallScope) {
    const marker: Marker = { current: presented, replaced: [] }
    if (await this.github.createVariable(this.name, formatMarker(marker), scope))
      return { marker, updatedAt: this.now() }
    return this.read(scope)
  }

  /**
   * After a save: if another writer's marker came between this job's marker and its secret (a login stored
   * meanwhile), the secret may hold either session; take this one off the replaced list, so neither is refused.
   */
  async keepPresentable(renewed: string, scope: CallScope): Promise<void> {
    try {
      const now = await this.read(scope)
      if (!now || now.marker.current === renewed || !now.marker.replaced.includes(renewed)) return
      const replaced = now.marker.replaced.filter(hash => hash !== renewed)
      await this.write(formatMarker({ ...now.marker, replaced }), scope)
    } catch {
      // Best effort: the marker as another writer left it refuses at most this job's own renewed copy.
    }
  }

  /** Whether the marker names another refresh token than `hash` now; false when it cannot be read. */
  async namesOther(hash: string, scope: CallScope): Promise<boolean> {
    const found = await this.read(scope).catch(() => undefined)
    return found !== undefined && found.marker.current !== hash
  }
}
