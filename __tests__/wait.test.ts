import { describe, expect, it } from '@jest/globals'
import { ServiceError, TransportError } from '../src/net/errors.js'
import { FINISHED_STATUSES } from '../src/codecatalyst/model.js'
import { formatDuration } from '../src/common/format.js'
import { type WaitOptions, waitForRun } from '../src/codecatalyst/wait.js'

type Step = string | Error

/** Scripted polls on a fake clock: each poll takes `pollMs`; sleeping advances the clock. */
function harness(steps: Step[], options: Partial<WaitOptions> = {}, pollMs = 0) {
  let now = 0
  let polls = 0
  const pollTimes: number[] = []
  const deadlines: number[] = []
  const info: string[] = []
  const warnings: string[] = []
  const controller = new AbortController()
  const run = waitForRun(
    {
      getRun: async deadline => {
        pollTimes.push(now)
        deadlines.push(deadline)
        const step = steps[Math.min(polls++, steps.length - 1)]!
        now += pollMs
        if (step instanceof Error) throw step
        return {
          id: 'run-1',
          workflowId: 'wf-1',
          status: step,
          startTime: '2026-01-01T00:00:00.000Z'
        }
      },
      now: () => now,
      sleep: async ms => {
        now += ms
      },
      signal: controller.signal,
      info: l => info.push(l),
      warning: l => warnings.push(l)
    },
    { pollIntervalMs: 10_000, timeoutMs: 60_000, succeedOn: ['SUCCEEDED'], ...options }
  )
  return { run, info, warnings, pollTimes, deadlines, controller }
}

describe('waitForRun', () => {
  it('follows the run to SUCCEEDED, logging each status change once with the elapsed time', async () => {
    const h = harness([
      'VALIDATING',
      'VALIDATING',
      'PROVISIONING',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'SUCCEEDED'
    ])
    const result = await h.run
    expect(result.outcome).toBe('succeeded')
    expect(result.run?.status).toBe('SUCCEEDED')
    expect(h.info).toEqual([
      '[0s] Run run-1 is VALIDATING',
      '[20s] Run run-1 is PROVISIONING',
      '[30s] Run run-1 is IN_PROGRESS',
      '[50s] Run run-1 is SUCCEEDED'
    ])
    expect(result.timeline.map(c => [c.status, c.elapsedMs])).toEqual([
      ['VALIDATING', 0],
      ['PROVISIONING', 20_000],
      ['IN_PROGRESS', 30_000],
      ['SUCCEEDED', 50_000]
    ])
  })

  it.each(FINISHED_STATUSES.filter(s => s !== 'SUCCEEDED'))('fails on %s', async status => {
    expect((await harness(['IN_PROGRESS', status]).run).outcome).toBe('failed')
  })

  it.each(['VALIDATING', 'PROVISIONING', 'IN_PROGRESS', 'STOPPING'])(
    'keeps waiting while %s',
    async status => {
      const result = await harness([status, 'SUCCEEDED']).run
      expect(result.timeline.map(c => c.status)).toEqual([status, 'SUCCEEDED'])
    }
  )

  it('counts what succeed-on names as success', async () => {
    expect((await harness(['STOPPED'], { succeedOn: ['SUCCEEDED', 'STOPPED'] }).run).outcome).toBe(
      'succeeded'
    )
    expect((await harness(['SUCCEEDED'], { succeedOn: ['SUPERSEDED'] }).run).outcome).toBe('failed')
  })

  it('treats an unknown status as running, with one warning', async () => {
    const h = harness([
      'QUEUED_FOR_MARS',
      'QUEUED_FOR_MARS',
      'IN_PROGRESS',
      'QUEUED_FOR_MARS',
      'SUCCEEDED'
    ])
    expect((await h.run).outcome).toBe('succeeded')
    expect(h.warnings).toEqual([
      'The run has status QUEUED_FOR_MARS, which this action does not know; it is treated as still running.'
    ])
  })

  it('polls at once, then once per interval measured start to start, however long a poll takes', async () => {
    const h = harness(['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED'], {}, 3_000)
    await h.run
    expect(h.pollTimes).toEqual([0, 10_000, 20_000, 30_000])
  })

  it('times out on time with the last status seen, every poll bounded by the deadline', async () => {
    const h = harness(['IN_PROGRESS'], { timeoutMs: 25_000 })
    const result = await h.run
    expect(result.outcome).toBe('timed-out')
    expect(result.run?.status).toBe('IN_PROGRESS')
    // The next poll would fall after the deadline: one last check, started so it can end by it.
    expect(h.pollTimes).toEqual([0, 10_000, 20_000, 24_000])
    expect(result.elapsedMs).toBe(24_000)
    expect(h.deadlines).toEqual([25_000, 25_000, 25_000, 25_000])
  })

  it('sees a run that finished in the last interval, with one last check before the deadline', async () => {
    // Polls every 15 s for a minute; the run finishes after the poll at 45 s.
    const h = harness(['IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCEEDED'], {
      timeoutMs: 60_000,
      pollIntervalMs: 15_000
    })
    const result = await h.run
    expect(result.outcome).toBe('succeeded')
    expect(h.pollTimes).toEqual([0, 15_000, 30_000, 45_000, 59_000])
  })

  it('makes no extra check when the last poll was already within the final window', async () => {
    const h = harness(['IN_PROGRESS'], { timeoutMs: 800 })
    const result = await h.run
    expect(result.outcome).toBe('timed-out')
    expect(h.pollTimes).toEqual([0])
  })

  it('reports a poll cut short by the deadline as a timeout, without a warning', async () => {
    const hung = new TransportError(
      'GetWorkflowRun',
      'ETIMEDOUT',
      'no complete response within 5 s'
    )
    const h = harness([hung], { timeoutMs: 5_000 }, 5_000)
    const result = await h.run
    expect(result.outcome).toBe('timed-out')
    expect(result.elapsedMs).toBe(5_000)
    expect(h.warnings).toEqual([])
  })

  it('keeps waiting through throttling, 5xx and network faults that outlast the retries', async () => {
    const throttled = new ServiceError(
      'GetWorkflowRun',
      429,
      'ThrottlingException',
      'slow down',
      'r',
      'json'
    )
    const reset = new TransportError('GetWorkflowRun', 'ECONNRESET', 'the connection was reset')
    const h = harness(['IN_PROGRESS', throttled, reset, 'SUCCEEDED'])
    expect((await h.run).outcome).toBe('succeeded')
    expect(h.warnings).toEqual([
      expect.stringMatching(
        /^GetWorkflowRun failed: ThrottlingException \(HTTP 429\).*Still waiting/
      ),
      expect.stringMatching(/^GetWorkflowRun failed: the connection was reset\. Still waiting/)
    ])
  })

  it.each([403, 404])('ends at once on HTTP %i', async status => {
    const error = new ServiceError('GetWorkflowRun', status, undefined, 'no', 'r', 'json')
    const h = harness(['IN_PROGRESS', error, 'SUCCEEDED'])
    await expect(h.run).rejects.toBe(error)
    expect(h.pollTimes).toHaveLength(2)
  })

  it('stops at once when cancelled, keeping the last status', async () => {
    const h = harness(['IN_PROGRESS'])
    h.controller.abort() // the first poll is already under way
    const result = await h.run
    expect(result.outcome).toBe('cancelled')
    expect(result.run?.status).toBe('IN_PROGRESS')
    expect(h.pollTimes).toEqual([0])
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [59_400, '59s'],
    [75_000, '1m 15s'],
    [3_600_000, '1h 0m 0s']
  ])('%i ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text))
})
