/** The tests' own matcher of key words: it must fail where a user would read something else. */
import { describe, expect, it } from '@jest/globals'
import { inOrder } from './helpers/expectations.js'

describe('inOrder', () => {
  const pattern = inOrder(/^Op failed \(HTTP 403\)/, "'github-token'", 'log in again')
  it('matches the key words in order, across lines, with anything between them', () => {
    expect("Op failed (HTTP 403): no. 'github-token' may not\nwrite. Then log in again.").toMatch(
      pattern
    )
  })
  it('fails on a word missing, out of order, or a literal that only looks alike', () => {
    expect("Op failed (HTTP 403): 'github-token'").not.toMatch(pattern)
    expect("Op failed (HTTP 403): log in again, 'github-token'").not.toMatch(pattern)
    expect('aXb').not.toMatch(inOrder('a.b'))
  })
})
