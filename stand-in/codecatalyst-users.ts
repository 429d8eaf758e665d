/**
 * CodeCatalyst's users (codecatalyst/2022-09-28): who a bearer token belongs to (VerifySession, GET /session)
 * and what CodeCatalyst tells about a user (GetUserDetails, GET /userDetails?id=...|userName=...).
 */
import { ApiFailure } from './http.js'
import { DEFAULT_SSO_USER } from './sso-oidc.js'

/** A user of the space; an SSO identity signs in as one of them by their userName. */
export interface StandInUser {
  /** CodeCatalyst's id of the user (VerifySession's identity): 1-256 characters. */
  userId: string
  /** 3-100 of letters, digits, '_', '.' and '-'. */
  userName: string
  displayName: string
  email: string
  /** Whether the email address was verified; default true. */
  emailVerified?: boolean
  /**
   * false: an SSO identity that never onboarded to CodeCatalyst. VerifySession still names them, but their
   * GetUserDetails is refused with AccessDeniedException (as the AWS Toolkit observes), and other users do not
   * find them.
   */
  onboarded?: boolean
}

/** The user every existing test gets: today's tokens (ssoSession()'s, the options' `token`) are theirs. */
export const DEFAULT_USER: StandInUser = {
  userId: 'stand-in-user',
  userName: DEFAULT_SSO_USER,
  displayName: 'Stand-in User',
  email: 'stand-in@example.com'
}

/** The model's GetUserDetailsRequestUserNameString (min 3, max 100, the pattern anchored). */
const USER_NAME = /^[a-zA-Z0-9_.-]{3,100}$/
/** The model's GetUserDetailsRequestIdString, and VerifySessionResponseIdentityString: 1-256 characters. */
const ID_MAX_LENGTH = 256

export class CodeCatalystUsers {
  readonly all: readonly StandInUser[]

  constructor(users: readonly StandInUser[] = [DEFAULT_USER]) {
    const [first] = users
    if (!first) throw new Error('The stand-in needs at least one user')
    for (const user of users) {
      if (
        !USER_NAME.test(user.userName) ||
        user.userId.length < 1 ||
        user.userId.length > ID_MAX_LENGTH
      )
        throw new Error(`The user ${user.userName} (${user.userId}) breaks the model's constraints`)
      if (users.filter(u => u.userId === user.userId || u.userName === user.userName).length > 1)
        throw new Error(`Two users share the id or name of ${user.userName}`)
    }
    this.all = users
  }

  /** The user today's tokens belong to: the first one. */
  get defaultUser(): StandInUser {
    return this.all[0] ?? DEFAULT_USER
  }

  byUserName(userName: string): StandInUser | undefined {
    return this.all.find(u => u.userName === userName)
  }

  /** The user a token's owner names (the default user when none); an identity with no user is refused. */
  caller(userName?: string): StandInUser {
    const user = userName === undefined ? this.defaultUser : this.byUserName(userName)
    if (!user)
      throw new ApiFailure(403, 'AccessDeniedException', 'No CodeCatalyst user for this identity')
    return user
  }

  /** VerifySession: the caller's id. */
  verifySession(caller: StandInUser): unknown {
    return { identity: caller.userId }
  }

  /** GetUserDetails by `id` or `userName` (or both, which must name the same user). */
  getUserDetails(caller: StandInUser, query: URLSearchParams): unknown {
    const id = query.get('id')
    const userName = query.get('userName')
    if (id !== null && (id.length < 1 || id.length > ID_MAX_LENGTH))
      throw new ApiFailure(400, 'ValidationException', `id must be 1-${ID_MAX_LENGTH} characters`)
    if (userName !== null && !USER_NAME.test(userName))
      throw new ApiFailure(
        400,
        'ValidationException',
        "userName must be 3-100 letters, digits, '_', '.' or '-'"
      )
    if (id === null && userName === null)
      throw new ApiFailure(400, 'ValidationException', 'Either id or userName is required')
    if (caller.onboarded === false)
      throw new ApiFailure(
        403,
        'AccessDeniedException',
        'User is not authorized to perform GetUserDetails: the user has not onboarded to CodeCatalyst'
      )
    const user = this.all.find(
      u =>
        u.onboarded !== false &&
        (id === null || u.userId === id) &&
        (userName === null || u.userName === userName)
    )
    if (!user) throw new ApiFailure(404, 'ResourceNotFoundException', 'User not found')
    return {
      userId: user.userId,
      userName: user.userName,
      displayName: user.displayName,
      primaryEmail: { email: user.email, verified: user.emailVerified ?? true },
      version: '1'
    }
  }
}
