/** The main action's entry point (dist/index.js): runs it. */
import { run } from './main.js'

await run()
