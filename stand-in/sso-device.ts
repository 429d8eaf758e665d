/**
 * SSO OIDC's device authorization grant (sso-oidc/2019-06-10 StartDeviceAuthorization, and CreateToken with
 * grantType urn:ietf:params:oauth:grant-type:device_code), polled as RFC 8628 §3.4-3.5 has it; and the person
 * at the browser, as test hooks: the codes waiting for them, and their approval or refusal.
 */
import { randomBytes, randomInt } from 'node:crypto'
import { oidcFailure } from './sso-clients.js'

/** How the device grant behaves; every member has a default. */
export interface DeviceGrantOptions {
  /** Seconds a device code lives (StartDeviceAuthorization's expiresIn); default 600. */
  deviceCodeLifetimeSeconds?: number
  /** Seconds a client must wait between polls of one device code (interval); default 5. */
  pollIntervalSeconds?: number
  /**
   * StartDeviceAuthorization answers without `interval` (RFC 8628: the client then waits 5 s); the stand-in
   * still holds polls to pollIntervalSeconds.
   */
  omitInterval?: boolean
  /** The page where a person enters the code; default https://device.sso.us-east-1.amazonaws.com/. */
  verificationUri?: string
  /**
   * Approves each device code by itself once it has been polled this many times while pending (0: the first
   * poll gets the token), as `userName` (the default user when not given).
   */
  autoApprove?: { afterPendingPolls: number; userName?: string }
}

export const DEVICE_GRANT_DEFAULTS = {
  deviceCodeLifetimeSeconds: 600,
  pollIntervalSeconds: 5,
  verificationUri: 'https://device.sso.us-east-1.amazonaws.com/'
} as const

/** RFC 8628 §3.5: a client told to slow down adds 5 s to its interval, and so does the server. */
const SLOW_DOWN_SECONDS = 5
/** A poll counts as too soon when it comes this much earlier than its interval (clock and timer slack). */
const SLACK_MS = 50
/** RFC 8628 §6.1: 20 consonants, so that a code spells no word and survives a case change. */
const USER_CODE_LETTERS = 'BCDFGHJKLMNPQRSTVWXZ'

/** One device code, from StartDeviceAuthorization to its exchange. */
interface DeviceAuthorization {
  deviceCode: string
  userCode: string
  clientId: string
  startUrl: string
  verificationUriComplete: string
  /** When the code expires (ms since the epoch). */
  expiresAt: number
  /** Seconds the client must now wait between polls (grows by 5 with each slow_down). */
  interval: number
  lastPollAt?: number
  /** Polls answered authorization_pending. */
  pendingPolls: number
  state: 'pending' | 'approved' | 'denied' | 'exchanged'
  /** Who approved it. */
  userName?: string
}

/** A code waiting for a person, as a test (or `npm start`) finds it. */
export interface PendingAuthorization {
  userCode: string
  verificationUriComplete: string
  clientId: string
  startUrl: string
  /** When the code expires (ms since the epoch). */
  expiresAt: number
  /** The interval it holds polls to now (seconds). */
  interval: number
  pendingPolls: number
}

export class DeviceGrant {
  private readonly byDeviceCode = new Map<string, DeviceAuthorization>()

  constructor(
    private readonly options: () => DeviceGrantOptions,
    private readonly defaultUser: string
  ) {}

  /** StartDeviceAuthorization for a client already checked. */
  start(clientId: string, startUrl: string): Record<string, unknown> {
    const options = { ...DEVICE_GRANT_DEFAULTS, ...this.options() }
    if (!URL.canParse(startUrl) || !/^https?:$/.test(new URL(startUrl).protocol))
      throw oidcFailure('InvalidRequestException', 'startUrl must be an http(s) URL')
    const userCode = this.newUserCode()
    const join = options.verificationUri.includes('?') ? '&' : '?'
    const authorization: DeviceAuthorization = {
      deviceCode: randomBytes(48).toString('base64url'),
      userCode,
      clientId,
      startUrl,
      verificationUriComplete: `${options.verificationUri}${join}user_code=${userCode}`,
      expiresAt: Date.now() + options.deviceCodeLifetimeSeconds * 1000,
      interval: options.pollIntervalSeconds,
      pendingPolls: 0,
      state: 'pending'
    }
    this.byDeviceCode.set(authorization.deviceCode, authorization)
    return {
      deviceCode: authorization.deviceCode,
      userCode,
      verificationUri: options.verificationUri,
      verificationUriComplete: authorization.verificationUriComplete,
      expiresIn: options.deviceCodeLifetimeSeconds,
      ...(options.omitInterval ? {} : { interval: options.pollIntervalSeconds })
    }
  }

  /**
   * One poll of CreateToken's device grant by a client already checked: the user who approved the code, once
   * (the code is then spent); otherwise the OAuth error RFC 8628 §3.5 names.
   */
  exchange(clientId: string, deviceCode: string): string {
    const found = this.byDeviceCode.get(deviceCode)
    if (!found || found.clientId !== clientId)
      throw oidcFailure('InvalidGrantException', 'Invalid device code provided')
    if (found.state === 'exchanged')
      throw oidcFailure('InvalidGrantException', 'The device code has already been used')
    const now = Date.now()
    if (found.expiresAt <= now)
      throw oidcFailure('ExpiredTokenException', 'The device code has expired')
    if (found.state === 'denied')
      throw oidcFailure('AccessDeniedException', 'The user declined the authorization')
    if (found.state === 'pending') this.stillPending(found, now)
    found.state = 'exchanged'
    return found.userName ?? this.defaultUser
  }

  /** A person approves the code in their browser (as `userName`, else the default user). */
  approve(userCode: string, userName: string = this.defaultUser): void {
    const found = this.awaitingDecision(userCode)
    found.state = 'approved'
    found.userName = userName
  }

  /** A person declines the code in their browser. */
  deny(userCode: string): void {
    this.awaitingDecision(userCode).state = 'denied'
  }

  /** The codes still waiting for a person, oldest first. */
  pending(): PendingAuthorization[] {
    const now = Date.now()
    return [...this.byDeviceCode.values()]
      .filter(a => a.state === 'pending' && a.expiresAt > now)
      .map(a => ({
        userCode: a.userCode,
        verificationUriComplete: a.verificationUriComplete,
        clientId: a.clientId,
        startUrl: a.startUrl,
        expiresAt: a.expiresAt,
        interval: a.interval,
        pendingPolls: a.pendingPolls
      }))
  }

  /** A pending poll: slow_down if it came too soon, the automatic approval if due, else pending. */
  private stillPending(found: DeviceAuthorization, now: number): void {
    const previous = found.lastPollAt
    found.lastPollAt = now
    if (previous !== undefined && now - previous < found.interval * 1000 - SLACK_MS) {
      found.interval += SLOW_DOWN_SECONDS
      throw oidcFailure(
        'SlowDownException',
        `Polling too often: wait ${found.interval} seconds between attempts`
      )
    }
    const auto = this.options().autoApprove
    if (auto && found.pendingPolls >= auto.afterPendingPolls) {
      found.state = 'approved'
      found.userName = auto.userName ?? this.defaultUser
      return
    }
    found.pendingPolls++
    throw oidcFailure('AuthorizationPendingException', 'The user has not yet approved the code')
  }

  /** The code a person typed (case and dashes aside), if it still awaits their decision; else an Error. */
  private awaitingDecision(userCode: string): DeviceAuthorization {
    const typed = normalize(userCode)
    const found = [...this.byDeviceCode.values()].find(a => normalize(a.userCode) === typed)
    if (!found) throw new Error(`No device authorization has the user code ${userCode}`)
    if (found.expiresAt <= Date.now()) throw new Error(`The user code ${userCode} has expired`)
    if (found.state !== 'pending')
      throw new Error(`The user code ${userCode} was already ${found.state}`)
    return found
  }

  private newUserCode(): string {
    for (;;) {
      const letters = Array.from({ length: 8 }, () => USER_CODE_LETTERS[randomInt(20)]).join('')
      const code = `${letters.slice(0, 4)}-${letters.slice(4)}`
      if (![...this.byDeviceCode.values()].some(a => a.userCode === code)) return code
    }
  }
}

const normalize = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '')
