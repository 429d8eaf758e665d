import { runLogin } from './login-main.js'

await runLogin()
