// The least a process can do to start a run: one PUT with node:http(s), nothing else loaded.
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

const url = new URL(
  `/v1/spaces/${process.env.SPACE}/projects/${process.env.PROJECT}/workflowRuns?workflowId=${process.env.WORKFLOW_ID}`,
  process.env.ENDPOINT
)
const request = url.protocol === 'https:' ? httpsRequest : httpRequest
const body = JSON.stringify({ clientToken: process.env.CLIENT_TOKEN })
const req = request(url, {
  method: 'PUT',
  headers: { authorization: `Bearer ${process.env.TOKEN}`, 'content-type': 'application/json' }
})
req.on('response', res => {
  let text = ''
  res.on('data', d => (text += d))
  res.on('end', () => console.log(JSON.parse(text).id))
})
req.end(body)
