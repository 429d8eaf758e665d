import { CODECATALYST_HINTS } from '../src/codecatalyst/hints.js'
import { ResponseError, TransportError } from '../src/net/errors.js'
import {
  parseErrorType,
  parseRetryAfter,
  serviceErrorFrom as parse
} from '../src/net/service-errors.js'

/** What CodeCatalyst's client builds from an answer. */
const serviceErrorFrom = (...args: Parameters<typeof parse>) =>
  parse(args[0], args[1], args[2], args[3], args[4] ?? CODECATALYST_HINTS)

describe('parseErrorType', () => {
  it('prefers the x-amzn-errortype header, then the body code, then __type', () => {
    const body = { code: 'FromCode', __type: 'FromType' }
    expect(parseErrorType({ 'x-amzn-errortype': 'FromHeader' }, body)).toBe('FromHeader')
    expect(parseErrorType({}, body)).toBe('FromCode')
    expect(parseErrorType({}, { __type: 'FromType' })).toBe('FromType')
    expect(parseErrorType({}, {})).toBeUndefined()
  })
  it('keeps the text before the first colon and after the last #', () => {
    expect(
      parseErrorType({ 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/' }, {})
    ).toBe('ThrottlingException')
    expect(parseErrorType({}, { __type: 'com.amazonaws.codecatalyst#ConflictException' })).toBe(
      'ConflictException'
    )
    expect(parseErrorType({}, { __type: 'aws.protocoltests#ValidationException:http://x' })).toBe(
      'ValidationException'
    )
  })
})

describe('serviceErrorFrom', () => {
  it('names the type, the status, the service message, the request id and a hint', () => {
    const e = serviceErrorFrom(
      'StartWorkflowRun',
      403,
      { 'x-amzn-errortype': 'AccessDeniedException', 'x-amzn-requestid': 'req-123' },
      '{"message":"You are not authorized"}'
    )
    expect(e.message).toBe(
      'AccessDeniedException (HTTP 403): You are not authorized [request id req-123]. ' +
        "Either the token's user lacks a role in the project that may run workflows (Contributor or Project administrator), " +
        'or the token has expired or may not call the CodeCatalyst API (scope codecatalyst:read_write), ' +
        "or its session's CodeCatalyst access has ended (AWS Builder ID ends it after some days): check the role, then log in again. " +
        "An 'sso-session' is renewed by the action; a plain token is not."
    )
    expect(e.retry).toBeUndefined()
  })

  it.each([
    [400, 'ValidationException', /malformed/],
    [402, 'ServiceQuotaExceededException', /billing tier/],
    [404, 'ResourceNotFoundException', /case-sensitive/],
    [409, 'ConflictException', /client-token/],
    [429, 'ThrottlingException', /max-attempts/]
  ])('gives a hint for HTTP %i %s', (status, type, hint) => {
    expect(
      serviceErrorFrom('Op', status, { 'x-amzn-errortype': type }, '{"message":"m"}').hint
    ).toMatch(hint)
  })

  it('reads the capitalised Message some services send', () => {
    expect(serviceErrorFrom('Op', 400, {}, '{"Message":"Capital"}').serviceMessage).toBe('Capital')
  })

  it('explains an HTML or empty error body by its status', () => {
    const html = serviceErrorFrom('Op', 502, {}, '<html><body>Bad Gateway</body></html>')
    expect(html.message).toMatch(/^HTTP 502 with an HTML page instead of a CodeCatalyst error/)
    expect(html.retry).toBe('transient')
    expect(serviceErrorFrom('Op', 504, {}, '').message).toMatch(/^HTTP 504 with an empty body/)
  })

  it('flattens service text so it cannot start a workflow command line', () => {
    const e = serviceErrorFrom(
      'Op',
      400,
      {},
      JSON.stringify({ message: 'bad\n::add-mask::x\r\n::warning::y' })
    )
    expect(e.message).not.toMatch(/[\r\n]/)
    expect(e.message).toContain('bad ::add-mask::x ::warning::y')
  })

  it('records Retry-After', () => {
    expect(serviceErrorFrom('Op', 429, { 'retry-after': '2' }, '').retryAfterMs).toBe(2000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))
    ).toBe(5000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})

describe('the kind of a failure, decided once for every service', () => {
  const github = { 'x-github-request-id': 'G1', 'x-ratelimit-limit': '5000' }
  it.each([
    ['429', 429, {}, '', 'throttled', 'throttling'],
    [
      "GitHub's primary rate limit (403, none left)",
      403,
      { ...github, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' },
      '{"message":"API rate limit exceeded"}',
      'throttled',
      'throttling'
    ],
    [
      "GitHub's secondary rate limit (403, Retry-After)",
      403,
      { ...github, 'x-ratelimit-remaining': '4000', 'retry-after': '1' },
      '{"message":"You have exceeded a secondary rate limit"}',
      'throttled',
      'throttling'
    ],
    [
      "GitHub's secondary rate limit by its message alone",
      403,
      { ...github, 'x-ratelimit-remaining': '4000' },
      '{"message":"You have exceeded a secondary rate limit."}',
      'throttled',
      'throttling'
    ],
    [
      '403 without a rate limit',
      403,
      { ...github, 'x-ratelimit-remaining': '4999' },
      '{"message":"Resource not accessible by personal access token"}',
      'forbidden',
      undefined
    ],
    ['401', 401, github, '{"message":"Bad credentials"}', 'unauthorized', undefined],
    ['404', 404, github, '{"message":"Not Found"}', 'not-found', undefined],
    ['422', 422, github, '{"message":"Invalid request"}', 'rejected', undefined],
    ['503', 503, github, '', 'unavailable', 'transient'],
    ['500', 500, {}, '{"message":"internal"}', 'unavailable', 'transient'],
    ['502 with an HTML page', 502, {}, '<html>Bad Gateway</html>', 'unavailable', 'transient'],
    ['504 with an empty body', 504, {}, '', 'unavailable', 'transient'],
    ['501', 501, {}, '', 'rejected', undefined]
  ])('%s', (_, status, headers, body, kind, retry) => {
    const error = serviceErrorFrom('Op', status, headers, body)
    expect([error.kind, error.retry]).toEqual([kind, retry])
  })

  it("waits until a primary rate limit resets by GitHub's clock, and a minute for a secondary one", () => {
    const date = 'Wed, 02 Dec 2026 05:00:00 GMT'
    const reset = String(Date.parse(date) / 1000 + 30)
    const primary = serviceErrorFrom(
      'Op',
      403,
      { ...github, date, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      ''
    )
    expect(primary.retryAfterMs).toBe(30_000)
    const secondary = serviceErrorFrom('Op', 403, github, '{"message":"secondary rate limit"}')
    expect(secondary.retryAfterMs).toBe(60_000)
    expect(serviceErrorFrom('Op', 429, github, '').retryAfterMs).toBe(60_000)
    // CodeCatalyst's throttling has its own backoff.
    expect(serviceErrorFrom('Op', 429, {}, '').retryAfterMs).toBeUndefined()
  })

  it("takes no other service's 403 for GitHub's rate limit, Retry-After or not", () => {
    const waf = serviceErrorFrom('Op', 403, { 'retry-after': '5' }, '{"message":"rate limit"}')
    expect(waf.kind).toBe('forbidden')
  })

  it.each([
    ['ECANCELED', 'cancelled'],
    ['ENOTSENT', 'cancelled'],
    ['ECONNRESET', 'unavailable'],
    ['ETIMEDOUT', 'unavailable'],
    ['ENOTFOUND', 'unreachable'],
    ['CERT_HAS_EXPIRED', 'unreachable'],
    ['ERESPONSETOOLARGE', 'malformed']
  ])('a network failure %s is %s', (code, kind) => {
    expect(new TransportError('Op', code, 'x').kind).toBe(kind)
  })

  it('a malformed answer is malformed, and never retried', () => {
    const error = new ResponseError('Op', 'the response has no id')
    expect([error.kind, error.retry]).toEqual(['malformed', undefined])
  })
})
