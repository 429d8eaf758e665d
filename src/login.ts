/** The login action's entry point (dist/login/index.js): runs it. */
import { runLogin } from './login-main.js'

await runLogin()
