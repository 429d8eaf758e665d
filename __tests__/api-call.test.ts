/**
 * One JSON operation (src/net/api-call.ts) over a scripted transport and a fake clock: what is retried and how
 * long, what a 2xx that is not JSON or a redirect becomes, and which failed attempts may have reached the server.
 */
import { describe, expect, it } from '@jest/globals'
import { type ApiDeps, callJsonApi, watchForLostAnswers } from '../src/net/api-call.js'
import { ResponseError, ServiceError, TransportError } from '../src/net/errors.js'
import type { HttpRequest, HttpResponse, Transport } from '../src/net/http-transport.js'

type Answer = HttpResponse | TransportError

const json = (
  status: number,
  body: unknown,
  headers: HttpResponse['headers'] = {}
): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body)
})
const unavailable = () => json(503, { message: 'down' })

/** A transport that gives `answers` in turn, and deps whose sleeps advance a fake clock. */
function scripted(answers: Answer[]) {
  let now = 1_000_000
  const sent: HttpRequest[] = []
  const sleeps: number[] = []
  const transport: Transport = async request => {
    sent.push(request)
    const answer = answers.shift() ?? json(200, {})
    if (answer instanceof TransportError) throw answer
    return answer
  }
  const deps: ApiDeps = {
    transport,
    sleep: async ms => {
      sleeps.push(ms)
      now += ms
    },
    random: () => 1,
    now: () => now,
    log: () => undefined
  }
  return { deps, sent, sleeps, now: () => now }
}

const call = (extra: Partial<Parameters<typeof callJsonApi>[0]> = {}) => ({
  operation: 'Op',
  method: 'GET' as const,
  url: 'https://example.test/op',
  headers: {},
  timeoutMs: 1000,
  maxAttempts: 3,
  ...extra
})

describe('callJsonApi', () => {
  it('returns the parsed body, and nothing for a 201 or 204 without one', async () => {
    expect(await callJsonApi(call(), scripted([json(200, { a: 1 })]).deps)).toEqual({ a: 1 })
    for (const status of [201, 204])
      expect(
        await callJsonApi(call(), scripted([{ status, headers: {}, body: '' }]).deps)
      ).toBeUndefined()
  })

  it('retries what passes up to max-attempts, the very same request each time', async () => {
    const { deps, sent } = scripted([unavailable(), unavailable(), unavailable()])
    const error = await callJsonApi(call({ body: '{"x":1}' }), deps).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ServiceError)
    expect((error as ServiceError).attempts).toBe(3)
    expect(new Set(sent.map(r => r.body))).toEqual(new Set(['{"x":1}']))
  })

  it('does not retry what cannot succeed by repetition', async () => {
    const { deps, sent } = scripted([json(403, { message: 'no' })])
    await expect(callJsonApi(call(), deps)).rejects.toBeInstanceOf(ServiceError)
    expect(sent).toHaveLength(1)
  })

  it('until its deadline, retries past max-attempts and waits any Retry-After that fits', async () => {
    const answers = [
      unavailable(),
      unavailable(),
      unavailable(),
      unavailable(),
      json(200, { ok: true })
    ]
    answers.splice(1, 0, json(429, { message: 'slow' }, { 'retry-after': '25' }))
    const { deps, sleeps, now } = scripted(answers)
    const result = await callJsonApi(call({ untilDeadline: true, deadline: now() + 60_000 }), deps)
    expect(result).toEqual({ ok: true })
    expect(sleeps).toContain(25_000)
  })

  it('without a deadline of its own, gives up at once on a Retry-After longer than one delay may be', async () => {
    const { deps, sent } = scripted([json(429, { message: 'slow' }, { 'retry-after': '25' })])
    await expect(callJsonApi(call(), deps)).rejects.toBeInstanceOf(ServiceError)
    expect(sent).toHaveLength(1)
  })

  it('never sends once its deadline has passed, and says so', async () => {
    const { deps, sent, now } = scripted([])
    const error = await callJsonApi(call({ deadline: now() - 1 }), deps).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TransportError)
    expect((error as TransportError).message).toMatch(/deadline passed before it was sent/)
    expect(sent).toHaveLength(0)
  })

  it('turns a 2xx that is not JSON into a ResponseError, quoting it unless it may hold credentials', async () => {
    const page = { status: 200, headers: {}, body: '<html>login</html>' }
    const quoted = await callJsonApi(call(), scripted([page]).deps).catch((e: unknown) => e)
    expect((quoted as ResponseError).message).toMatch(/not JSON: <html>login<\/html>/)
    const hidden = await callJsonApi(call({ secretResponse: true }), scripted([page]).deps).catch(
      (e: unknown) => e
    )
    expect((hidden as ResponseError).message).toMatch(/not shown: it may hold credentials/)
  })

  it('returns a redirect as an error that names where it pointed, and follows nothing', async () => {
    const moved = { status: 307, headers: { location: 'https://elsewhere.test/' }, body: '' }
    const { deps, sent } = scripted([moved])
    const error = await callJsonApi(call(), deps).catch((e: unknown) => e)
    expect((error as ResponseError).message).toMatch(
      /redirect to https:\/\/elsewhere\.test\/.*not followed/
    )
    expect(sent).toHaveLength(1)
  })

  it("gives the service's own hint for an error type", async () => {
    const error = await callJsonApi(
      call({ hints: { NopeException: 'Do this instead.' } }),
      scripted([json(400, { message: 'nope' }, { 'x-amzn-errortype': 'NopeException' })]).deps
    ).catch((e: unknown) => e)
    expect((error as ServiceError).message).toMatch(
      /NopeException \(HTTP 400\): nope\. Do this instead\./
    )
  })
})

describe('watchForLostAnswers', () => {
  it('counts a 5xx or a network fault after sending as maybe applied, and a definite answer or a refusal to connect not', async () => {
    const cases: [Answer, boolean][] = [
      [json(403, {}), false],
      [new TransportError('Op', 'ECONNREFUSED', 'refused'), false],
      [new TransportError('Op', 'ENOTSENT', 'cancelled before it was sent'), false],
      [json(503, {}), true],
      [new TransportError('Op', 'ECONNRESET', 'reset'), true],
      [new TransportError('Op', 'ETIMEDOUT', 'no complete response'), true]
    ]
    for (const [answer, landed] of cases) {
      const watched = watchForLostAnswers(scripted([answer]).deps.transport)
      await watched.transport(call()).catch(() => undefined)
      expect([answer, watched.mayHaveLanded()]).toEqual([answer, landed])
    }
  })
})
