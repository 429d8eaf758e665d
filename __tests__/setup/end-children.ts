/**
 * After each end-to-end test: a dist/index.js child that is still running (a test that failed, or timed out,
 * while the action hung) is ended, so it can neither outlive the test nor keep jest from exiting.
 */
import { afterEach } from '@jest/globals'
import { endRunningActions } from '../../scripts/runner.js'

afterEach(() => {
  endRunningActions()
})
