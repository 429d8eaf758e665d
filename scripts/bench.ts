/**
 * Times whole processes, interleaved, and prints per subject the median wall time, the connections it
 * opened and the requests it sent, with ratios against the targets.
 *
 *   loopback (plain HTTP, where a connection costs nothing), run as a runner runs them (no extra CA file):
 *     action        node dist/index.js, a start by id
 *     floor         an ncc bundle that only loads @actions/core, built as the action is (minified)
 *     write-back    a start whose SSO session must be renewed, and the renewed session saved to its secret
 *                   (through the GitHub secrets stand-in): the cost of the path that loads on demand
 *   tls (HTTPS through a TCP proxy that delays each direction by half the round trip, as on a runner)
 *     action        a start by id, a start by name, and a start that waits over 3 polls
 *     minimal       node:https doing a bare StartWorkflowRun
 *     sdk           @aws-sdk/client-codecatalyst doing a bare StartWorkflowRun
 *
 *   npm run bench [-- --runs 15] [--rtt 40]
 * Needs openssl (for the stand-in's TLS certificate).
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { type Server, type Socket, connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { DEMO, demoOptions } from '../stand-in/demo.js'
import { GitHubSecretsStandIn } from '../stand-in/github-secrets.js'
import { CodeCatalystStandIn } from '../stand-in/server.js'
import { DIST } from './runner.js'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, rtt: { type: 'string', default: '40' } }
})
const runs = Number(values.runs)
const rttMs = Number(values.rtt)
const root = join(import.meta.dirname, '..')
const scratch = mkdtempSync(join(tmpdir(), 'bench-'))

/** The floor: @actions/core alone, bundled the way the action is. */
function buildFloor(): string {
  const dir = join(root, 'node_modules', '.cache', 'bench-floor')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'entry.mjs'),
    "import * as core from '@actions/core'\ncore.info('floor')\n"
  )
  const ncc = join(root, 'node_modules', '.bin', 'ncc')
  execFileSync(ncc, ['build', join(dir, 'entry.mjs'), '-o', join(dir, 'dist'), '-q', '--minify'])
  return join(dir, 'dist', 'index.mjs')
}

/** A certificate for localhost, trusted by the subjects through NODE_EXTRA_CA_CERTS. */
function makeCertificate(): { key: string; cert: string; certFile: string } {
  const keyFile = join(scratch, 'key.pem')
  const certFile = join(scratch, 'cert.pem')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile]
      .concat(['-days', '1', '-subj', '/CN=localhost'])
      .concat(['-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']),
    { stdio: 'ignore' }
  )
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile }
}

/** A TCP proxy on loopback that holds every chunk for half the round trip, and counts connections. */
async function delayingProxy(target: number, oneWayMs: number) {
  const sockets = new Set<Socket>()
  let connections = 0
  const delayed = (from: Socket, to: Socket) =>
    from.on('data', chunk => setTimeout(() => to.write(chunk), oneWayMs))
  const server: Server = createServer(client => {
    connections++
    const upstream = connect(target, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s)).on('error', () => undefined)
    }
    delayed(client, upstream)
    delayed(upstream, client)
    const end = (other: Socket) => () => setTimeout(() => other.end(), oneWayMs)
    client.on('end', end(upstream))
    upstream.on('end', end(client))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy()
      return new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

interface Subject {
  label: string
  args: string[]
  /** The environment for round `i` (a wait needs a new run each time). */
  env: (i: number) => Record<string, string>
}

interface Measure {
  ms: number[]
  connections: number[]
  requests: number[]
}

/** Runs each subject `runs` times, rotating the order every round so none always goes first. */
async function measure(
  subjects: Subject[],
  counters: { connections: () => number; requests: () => number }
): Promise<Map<string, Measure>> {
  const results = new Map<string, Measure>(
    subjects.map(s => [s.label, { ms: [], connections: [], requests: [] }])
  )
  for (const subject of subjects) await timeOnce(subject, -1) // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (let j = 0; j < subjects.length; j++) {
      const subject = subjects[(i + j) % subjects.length]
      const result = subject && results.get(subject.label)
      if (!subject || !result) continue
      const [connections, requests] = [counters.connections(), counters.requests()]
      result.ms.push(await timeOnce(subject, i))
      result.connections.push(counters.connections() - connections)
      result.requests.push(counters.requests() - requests)
    }
  }
  return results
}

function timeOnce(subject: Subject, i: number): Promise<number> {
  const started = process.hrtime.bigint()
  const child = spawn(process.execPath, subject.args, { env: subject.env(i), stdio: 'ignore' })
  return new Promise((resolve, reject) =>
    child.on('close', code =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`${subject.label} exited with ${code}`))
    )
  )
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const at = (i: number) => sorted[i] ?? NaN
  return sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2
}

function report(title: string, results: Map<string, Measure>): (label: string) => number {
  console.log(`\n${title}`)
  console.log(`  ${'subject'.padEnd(30)} ${'median'.padStart(9)}  connections  requests`)
  for (const [label, m] of results) {
    const range = (xs: number[]) =>
      Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}-${Math.max(...xs)}`
    console.log(
      `  ${label.padEnd(30)} ${median(m.ms).toFixed(1).padStart(6)} ms  ` +
        `${range(m.connections).padStart(11)}  ${range(m.requests).padStart(8)}`
    )
  }
  return label => median(results.get(label)?.ms ?? [])
}

const floor = buildFloor()
const tls = makeCertificate()
const outputFile = join(scratch, 'output')
const summaryFile = join(scratch, 'summary')
const benchWorkflow = {
  id: '00000000-0000-4000-8000-0000000000be',
  name: 'bench-wait',
  space: DEMO.space,
  project: DEMO.project,
  // Three polls a second apart: IN_PROGRESS, IN_PROGRESS, SUCCEEDED.
  runStatuses: [{ status: 'IN_PROGRESS', ms: 1500 }, 'SUCCEEDED']
}
const options = demoOptions()
options.workflows.push(benchWorkflow)
// Access tokens of 10 minutes: every write-back run finds less than 15 left in the secret, and renews.
const plain = await new CodeCatalystStandIn({
  ...options,
  sso: { accessTokenLifetimeSeconds: 600 }
}).start()
const SECRET = 'CODECATALYST_SSO_SESSION'
const github = await (
  await GitHubSecretsStandIn.create({
    repository: 'octo-org/app',
    tokens: { github_pat_bench: { kind: 'pat', secrets: 'write', variables: 'write' } }
  })
).start()
github.setSecret(SECRET, JSON.stringify(plain.ssoSession({ accessTokenValidForSeconds: -60 })))
const secure = await new CodeCatalystStandIn(options).start({ tls })
const proxy = await delayingProxy(secure.port, rttMs / 2)

/** As a runner runs the action: no extra CA file (loading one costs every subject alike, and hides ratios). */
const runner = { PATH: process.env.PATH ?? '' }
const base = { ...runner, NODE_EXTRA_CA_CERTS: tls.certFile }
const script = (name: string) => join(import.meta.dirname, 'bench', name)
const bare = (endpoint: string) => () => ({
  ...base,
  ...{ ENDPOINT: endpoint, SPACE: DEMO.space, PROJECT: DEMO.project },
  ...{ WORKFLOW_ID: DEMO.workflowId, TOKEN: DEMO.token, CLIENT_TOKEN: 'bench-1' }
})
const action =
  (endpoint: string, inputs: Record<string, string>, extra: Record<string, string> = base) =>
  (i: number) => {
    writeFileSync(outputFile, '')
    writeFileSync(summaryFile, '')
    const env: Record<string, string> = {
      ...extra,
      ...{ GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile },
      ...{ INPUT_SPACE: DEMO.space, INPUT_PROJECT: DEMO.project, INPUT_TOKEN: DEMO.token },
      ...{ INPUT_ENDPOINT: endpoint, 'INPUT_CLIENT-TOKEN': `bench-${i + 1}` }
    }
    for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
    return env
  }

const loopback = await measure(
  [
    {
      label: 'action: start by id',
      args: [DIST],
      env: action(plain.url, { 'workflow-id': DEMO.workflowId }, runner)
    },
    { label: 'floor (@actions/core)', args: [floor], env: () => runner },
    {
      label: 'action: renew, save, start',
      args: [DIST],
      // Each run is a new job: it starts from what the secret holds now.
      env: i => {
        const env = action(plain.url, { 'workflow-id': DEMO.workflowId }, runner)(i)
        delete env.INPUT_TOKEN
        return {
          ...env,
          'INPUT_SSO-SESSION': github.secretValue(SECRET) ?? '',
          'INPUT_SSO-SESSION-SECRET': SECRET,
          'INPUT_GITHUB-TOKEN': 'github_pat_bench',
          AWS_ENDPOINT_URL_SSO_OIDC: plain.url,
          GITHUB_API_URL: github.url,
          GITHUB_REPOSITORY: 'octo-org/app'
        }
      }
    }
  ],
  {
    connections: () => plain.connections + github.connections,
    requests: () => plain.requests.length + github.requests.length
  }
)
const link = `https://localhost:${proxy.port}`
const wan = await measure(
  [
    {
      label: 'action: start by id',
      args: [DIST],
      env: action(link, { 'workflow-id': DEMO.workflowId })
    },
    {
      label: 'action: start by name',
      args: [DIST],
      env: action(link, { 'workflow-name': DEMO.workflowName })
    },
    {
      label: 'action: start, wait 3 polls',
      args: [DIST],
      env: i =>
        action(link, {
          'workflow-id': benchWorkflow.id,
          wait: 'true',
          'poll-interval-seconds': '1',
          'client-token': `bench-wait-${i + 2}-${Date.now()}`
        })(i)
    },
    { label: 'minimal (node:https)', args: [script('minimal-put.mjs')], env: bare(link) },
    { label: 'sdk (bare StartWorkflowRun)', args: [script('sdk-put.mjs')], env: bare(link) }
  ],
  { connections: proxy.connections, requests: () => secure.requests.length }
)
await proxy.close()
await Promise.all([plain.close(), secure.close(), github.close()])
rmSync(scratch, { recursive: true, force: true })

const bundle = readdirSync(dirname(DIST)).filter(f => f.endsWith('.js'))
console.log(
  'The bundle, as it is in dist/ now (index.js loads at start; the chunks only when needed):'
)
for (const file of bundle)
  console.log(
    `  ${file.padEnd(14)} ${statSync(join(dirname(DIST), file))
      .size.toLocaleString('en-US')
      .padStart(10)} bytes`
  )
console.log(`Whole processes, median of ${runs} interleaved runs each (node ${process.version}).`)
const l = report('Loopback, plain HTTP, as a runner runs them (no extra CA file):', loopback)
console.log(
  `  the write-back path (a renewal and a save, loaded on demand) costs ` +
    `${(l('action: renew, save, start') / l('action: start by id')).toFixed(2)}× a plain start by id`
)
const w = report(`HTTPS through a proxy adding ${rttMs} ms per round trip:`, wan)
const waitConnections = wan.get('action: start, wait 3 polls')?.connections ?? []
const byIdConnections = wan.get('action: start by id')?.connections ?? []
const targets: [string, number, string, boolean][] = [
  [
    'start-up on loopback: action / floor',
    l('action: start by id') / l('floor (@actions/core)'),
    '<= 1.25',
    l('action: start by id') / l('floor (@actions/core)') <= 1.25
  ],
  [
    `start by id over TLS: action / sdk`,
    w('action: start by id') / w('sdk (bare StartWorkflowRun)'),
    '<= 1.10',
    w('action: start by id') / w('sdk (bare StartWorkflowRun)') <= 1.1
  ],
  [
    'start by id: connections',
    Math.max(...byIdConnections),
    '== 1',
    byIdConnections.every(c => c === 1)
  ],
  [
    'wait of 3 polls: connections',
    Math.max(...waitConnections),
    '== 1',
    waitConnections.every(c => c === 1)
  ]
]
console.log('\nTargets:')
for (const [name, value, target, met] of targets) {
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(2)
  console.log(`  ${name.padEnd(40)} ${shown.padStart(6)}  (${target})  ${met ? 'met' : 'NOT MET'}`)
}
process.exitCode = targets.every(([, , , met]) => met) ? 0 : 1
