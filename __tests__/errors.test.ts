import { describe, expect, it } from '@jest/globals'
import { parseErrorType, parseRetryAfter, serviceErrorFrom } from '../src/errors.js'

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
