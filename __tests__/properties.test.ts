/* eslint-disable jest/no-conditional-expect -- a property holds per generated case, and cases differ in kind (accepted or rejected) */
/**
 * Property-based tests: for any input, the promises hold.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { deriveClientToken, type TokenContext } from '../src/codecatalyst/client-token.js'
import { Inputs } from '../src/common/constants.js'
import { getSettings } from '../src/inputs/action-inputs.js'
import { InputError } from '../src/inputs/reading.js'
import { checkEndpoint } from '../src/net/endpoint.js'
import { isUuid, isValidClientToken, isValidName } from '../src/codecatalyst/model.js'
import { isBearerToken, registerSecret, untrusted } from '../src/net/safe-text.js'

/** Mostly a valid value, sometimes anything: so whole input sets are often accepted, and every input can fail. */
const mostly = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: other, weight: 1 })
const validName = fc.stringMatching(/^[a-zA-Z0-9]{1,8}(?:[-_.][a-zA-Z0-9]{1,8}){0,3}$/)
const nameLike = mostly(
  validName,
  fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'aZ09-_. '.split('')) }))
)
const uuidLike = mostly(
  fc.oneof(
    fc.uuid(),
    fc.uuid().map(u => u.toUpperCase())
  ),
  fc.oneof(
    fc.string(),
    fc.uuid().map(u => u + 'x')
  )
)
const inRange = (min: number, max: number) =>
  mostly(
    fc.oneof(fc.constant(''), fc.integer({ min, max }).map(String)),
    fc.oneof(fc.string(), fc.integer({ min: -5, max: 999_999 }).map(String))
  )
const endpointLike = mostly(
  fc.constantFrom(
    '',
    'https://codecatalyst.global.api.aws/',
    'http://127.0.0.1:8080',
    'http://localhost',
    'http://[::1]:1'
  ),
  fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('http://10.0.0.1', 'ftp://x', 'https://u:p@h'))
)
/** Which of workflow-id, workflow-name and run-id are set: mostly one of the valid combinations. */
const targetArb = mostly(
  fc.oneof(
    fc.record({ id: uuidLike, name: fc.constant(''), run: fc.constant('') }),
    fc.record({
      id: fc.constant(''),
      name: fc.string({ minLength: 1, maxLength: 50 }),
      run: fc.constant('')
    }),
    fc.record({ id: fc.constant(''), name: fc.constant(''), run: uuidLike })
  ),
  fc.record({
    id: fc.oneof(fc.constant(''), uuidLike),
    name: fc.string({ maxLength: 210 }),
    run: fc.oneof(fc.constant(''), uuidLike)
  })
)

const inputsArb = fc
  .record({
    target: targetArb,
    [Inputs.Space]: nameLike,
    [Inputs.Project]: nameLike,
    [Inputs.Token]: mostly(
      fc.string({ minLength: 1 }).map(s => `SECRET${s}`),
      fc.constant('')
    ),
    [Inputs.ClientToken]: mostly(
      fc.oneof(fc.constant(''), validName),
      fc.oneof(fc.string(), fc.string({ minLength: 65, maxLength: 80, unit: fc.constant('a') }))
    ),
    [Inputs.Endpoint]: endpointLike,
    [Inputs.MaxAttempts]: inRange(1, 10),
    [Inputs.RequestTimeoutSeconds]: inRange(1, 300),
    [Inputs.Wait]: mostly(
      fc.constantFrom('', 'true', 'false', 'TRUE', 'False'),
      fc.constantFrom('yes', '1', 'on')
    ),
    [Inputs.WaitTimeoutSeconds]: inRange(1, 432_000),
    [Inputs.PollIntervalSeconds]: inRange(1, 3600),
    [Inputs.SucceedOn]: mostly(
      fc.constantFrom('', 'SUCCEEDED', 'succeeded, STOPPED'),
      fc.oneof(fc.string(), fc.constant('IN_PROGRESS'))
    )
  })
  .map(({ target, ...rest }) => ({
    ...rest,
    [Inputs.WorkflowId]: target.id,
    [Inputs.WorkflowName]: target.name,
    [Inputs.RunId]: target.run
  }))

const INPUT_NAMES = Object.values(Inputs) as string[]
const outcomes = { accepted: 0, rejected: 0 }

describe('input validation, for any inputs', () => {
  it('either rejects with messages that each name an input, or accepts values valid per the model', () => {
    fc.assert(
      fc.property(inputsArb, inputs => {
        let settings
        try {
          settings = getSettings(name => (inputs as Record<string, string>)[name] ?? '', {})
        } catch (error) {
          outcomes.rejected++
          expect(error).toBeInstanceOf(InputError)
          for (const problem of (error as InputError).problems) {
            expect(
              INPUT_NAMES.some(
                name => problem.includes(`'${name}'`) || problem.includes(` ${name} `)
              )
            ).toBe(true)
            const token = inputs[Inputs.Token].trim()
            if (token) expect(problem).not.toContain(token)
          }
          return
        }
        outcomes.accepted++
        expect(isValidName(settings.space) && isValidName(settings.project)).toBe(true)
        const { credential } = settings
        expect(credential.kind === 'token' && isBearerToken(credential.token)).toBe(true)
        if (settings.clientToken !== undefined)
          expect(isValidClientToken(settings.clientToken)).toBe(true)
        expect(checkEndpoint(settings.endpoint)).toBeUndefined()
        expect(settings.maxAttempts).toBeGreaterThanOrEqual(1)
        expect(settings.maxAttempts).toBeLessThanOrEqual(10)
        const { target } = settings
        if (target.kind === 'existing') expect(isUuid(target.runId)).toBe(true)
        const workflow = target.workflow
        if (workflow && 'id' in workflow) expect(isUuid(workflow.id)).toBe(true)
        if (target.kind === 'start') expect(workflow).toBeDefined()
        if (settings.wait) {
          expect(settings.wait.pollIntervalMs).toBeGreaterThanOrEqual(1000)
          expect(settings.wait.succeedOn.length).toBeGreaterThan(0)
        }
      }),
      { numRuns: 2000 }
    )
    // Both branches must really run, or the property proves half of what it says.
    expect(outcomes.accepted).toBeGreaterThan(200)
    expect(outcomes.rejected).toBeGreaterThan(200)
  })
})

const contextArb: fc.Arbitrary<TokenContext> = fc.record({
  runId: fc.oneof(fc.string({ minLength: 1 }), fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String)),
  runAttempt: fc.oneof(fc.string(), fc.integer({ min: 1, max: 1000 }).map(String)),
  job: fc.string(),
  action: fc.string(),
  space: fc.string(),
  project: fc.string(),
  workflowId: fc.uuid()
})

describe('token derivation, for any context', () => {
  it('meets the model: 1-64 characters of the clientToken pattern', () => {
    fc.assert(
      fc.property(contextArb, context => {
        expect(isValidClientToken(deriveClientToken(context).token)).toBe(true)
      }),
      { numRuns: 5000 }
    )
  })

  it('never gives two different steps, jobs, attempts or targets the same token', () => {
    const fields = [
      'runId',
      'runAttempt',
      'job',
      'action',
      'space',
      'project',
      'workflowId'
    ] as const
    fc.assert(
      fc.property(contextArb, contextArb, fc.constantFrom(...fields), (a, b, field) => {
        const changed = { ...a, [field]: b[field] }
        fc.pre(changed[field] !== a[field])
        expect(deriveClientToken(changed).token).not.toBe(deriveClientToken(a).token)
      }),
      { numRuns: 5000 }
    )
  })

  it('is stable for the same context', () => {
    fc.assert(
      fc.property(contextArb, c => deriveClientToken(c).token === deriveClientToken({ ...c }).token)
    )
  })
})

describe('untrusted text, for any string', () => {
  it('is one line, bounded, and never shows a registered secret', () => {
    const secret = 'registered-secret-0123'
    registerSecret(secret)
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.integer({ min: 10, max: 600 }),
        (before, after, max) => {
          const text = untrusted(`${before}${secret}${after}`, max)
          expect(text).not.toMatch(/[\r\n\u2028\u2029]/)
          expect(text.length).toBeLessThanOrEqual(max)
          expect(text).not.toContain(secret)
        }
      ),
      { numRuns: 2000 }
    )
  })
})
