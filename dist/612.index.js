export const id = 612;
export const ids = [612];
export const modules = {

/***/ 1612:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SessionSecret: () => (/* binding */ SessionSecret)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(542);
/* harmony import */ var libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4768);
/* harmony import */ var _api_call_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7102);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5646);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3916);
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6264);
/**
 * The GitHub secret that the SSO session comes from, kept current. Before a renewal: `github-token` may use
 * the secret, and the secret holds no newer session than this job's copy. After it: the renewed session,
 * sealed with the scope's public key, replaces the secret's value.
 * Loaded only when a renewal is due (`await import`): it brings @actions/github and libsodium.
 */






const API_VERSION = { 'x-github-api-version': '2022-11-28' };
const GITHUB_HINTS = {
    [_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .HINT_401 */ .wB]: `GitHub did not accept '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}'.`,
    [_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .HINT_5XX */ .i8]: 'GitHub or something in front of it failed.'
};
/** Reads and writes the session's secret through GitHub's REST API, on the action's transport and retries. */
class SessionSecret {
    config;
    deps;
    octokit;
    secret;
    constructor(config, deps) {
        this.config = config;
        this.deps = deps;
        this.secret = config.secret;
        this.octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(this.secret.githubToken, {
            baseUrl: this.secret.apiUrl,
            userAgent: config.userAgent
        });
    }
    /**
     * Fails (CredentialError) when `github-token` cannot read the secret and its scope's key, or when the
     * secret was saved again after this job's copy (`copySavedAt`; a copy stored by hand counts from the
     * start of this step): that copy's refresh token is then most likely spent, and presenting it again
     * could harm the newer session.
     */
    async checkBeforeRenewal(copySavedAt, deadline) {
        const started = this.deps.now();
        const { githubNow } = await this.preflight(() => this.publicKey(deadline));
        const updatedAt = await this.preflight(() => this.updatedAt(deadline));
        // A copy stored by hand: by GitHub's clock, when this step started.
        const reference = copySavedAt ?? this.config.startedAt + (githubNow - started);
        if (updatedAt <= reference + _constants_js__WEBPACK_IMPORTED_MODULE_2__/* .SAVED_AT_SLACK_MS */ .sv)
            return;
        const copy = copySavedAt === undefined
            ? 'the copy this job was given'
            : `this job's copy (saved at ${(0,_format_js__WEBPACK_IMPORTED_MODULE_4__/* .isoSeconds */ .nE)(copySavedAt)})`;
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .CredentialError */ .oA(`The secret ${this.place} was saved again at ${(0,_format_js__WEBPACK_IMPORTED_MODULE_4__/* .isoSeconds */ .nE)(updatedAt)}, after ${copy}: another job ` +
            "renewed the SSO session after this job started, so this copy's refresh token is probably spent, and it " +
            'was not used. Re-run this job: it picks up the renewed session.');
    }
    /** Saves the session that `cacheFile` writes, given when it is saved; returns that time (GitHub's clock). */
    async save(cacheFile, deadline) {
        try {
            // Reading the key has made libsodium ready.
            const { keyId, key, githubNow } = await this.publicKey(deadline);
            const sealed = libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"] */ .Ay.crypto_box_seal(libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"].from_string */ .Ay.from_string(cacheFile(githubNow)), key);
            await this.put(libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"].to_base64 */ .Ay.to_base64(sealed, libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"].base64_variants */ .Ay.base64_variants.ORIGINAL), keyId, deadline);
            return githubNow;
        }
        catch (error) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .CredentialError */ .oA(this.notSaved(error), { cause: error });
        }
    }
    get place() {
        const { name, environment, owner, repo } = this.secret;
        return environment === undefined
            ? `${name} of ${owner}/${repo}`
            : `${name} of environment '${environment}' in ${owner}/${repo}`;
    }
    async publicKey(deadline) {
        const { owner, repo, environment } = this.secret;
        const operation = environment === undefined ? 'GetRepoPublicKey' : 'GetEnvironmentPublicKey';
        const response = await this.call(operation, deadline, request => environment === undefined
            ? this.octokit.rest.actions.getRepoPublicKey({ owner, repo, headers: API_VERSION, request })
            : this.octokit.rest.actions.getEnvironmentPublicKey({
                owner,
                repo,
                environment_name: environment,
                headers: API_VERSION,
                request
            }));
        await libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"].ready */ .Ay.ready;
        let key;
        try {
            key = libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"].from_base64 */ .Ay.from_base64(response.data.key, libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"].base64_variants */ .Ay.base64_variants.ORIGINAL);
        }
        catch {
            key = undefined;
        }
        if (!key || key.length !== libsodium_wrappers__WEBPACK_IMPORTED_MODULE_5__/* ["default"] */ .Ay.crypto_box_PUBLICKEYBYTES || !response.data.key_id)
            throw (0,_api_call_js__WEBPACK_IMPORTED_MODULE_1__/* .missingFromResponse */ .QD)(operation, 'usable public key (key_id, and a 32-byte key in base64)', response.data);
        const date = Date.parse(response.headers.date ?? '');
        return {
            keyId: response.data.key_id,
            key,
            githubNow: Number.isNaN(date) ? this.deps.now() : date
        };
    }
    /** When the secret was last written, by GitHub's clock. */
    async updatedAt(deadline) {
        const { owner, repo, environment, name } = this.secret;
        const response = environment === undefined
            ? await this.call('GetRepoSecret', deadline, request => this.octokit.rest.actions.getRepoSecret({
                owner,
                repo,
                secret_name: name,
                headers: API_VERSION,
                request
            }))
            : await this.call('GetEnvironmentSecret', deadline, request => this.octokit.rest.actions.getEnvironmentSecret({
                owner,
                repo,
                environment_name: environment,
                secret_name: name,
                headers: API_VERSION,
                request
            }));
        const updatedAt = Date.parse(response.data.updated_at);
        if (Number.isNaN(updatedAt))
            throw (0,_api_call_js__WEBPACK_IMPORTED_MODULE_1__/* .missingFromResponse */ .QD)(environment === undefined ? 'GetRepoSecret' : 'GetEnvironmentSecret', 'updated_at', response.data);
        return updatedAt;
    }
    async put(encrypted_value, key_id, deadline) {
        const { owner, repo, environment, name } = this.secret;
        if (environment === undefined)
            await this.call('CreateOrUpdateRepoSecret', deadline, request => this.octokit.rest.actions.createOrUpdateRepoSecret({
                owner,
                repo,
                secret_name: name,
                encrypted_value,
                key_id,
                headers: API_VERSION,
                request
            }));
        else
            await this.call('CreateOrUpdateEnvironmentSecret', deadline, request => this.octokit.rest.actions.createOrUpdateEnvironmentSecret({
                owner,
                repo,
                environment_name: environment,
                secret_name: name,
                encrypted_value,
                key_id,
                headers: API_VERSION,
                request
            }));
    }
    /**
     * One octokit call on the action's transport, with its retries, timeouts and deadline. The fetch that
     * octokit is handed throws the action's own errors; octokit wraps them, and they are unwrapped here.
     */
    call(operation, deadline, send) {
        const limits = {
            maxAttempts: this.config.maxAttempts,
            timeoutMs: this.config.requestTimeoutMs,
            deadline
        };
        return (0,_api_call_js__WEBPACK_IMPORTED_MODULE_1__/* .retried */ .sT)(operation, limits, this.deps, async (timeoutMs) => {
            try {
                return await send({
                    fetch: fetchOver(this.deps.transport, operation, timeoutMs, this.deps.signal)
                });
            }
            catch (error) {
                const cause = error instanceof Error ? error.cause : undefined;
                throw cause instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD ? cause : error;
            }
        });
    }
    /** A failed check before a renewal, said as what to fix; nothing has been renewed yet. */
    async preflight(check) {
        try {
            return await check();
        }
        catch (error) {
            if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ServiceError */ ._7)) {
                if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD))
                    throw error;
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .CredentialError */ .oA(`${error.logLine()}\nCould not read the secret ${this.place} before renewing the SSO session, so ` +
                    'nothing was renewed and the session in the secret is still good: re-run the job later.', { cause: error });
            }
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .CredentialError */ .oA(`${error.logLine()}\n${this.accessProblem(error)} ${NOTHING_RENEWED}`, {
                cause: error
            });
        }
    }
    /** What a 401, 403 or 404 from GitHub means for this secret, and what to do. */
    accessProblem(error) {
        const { name, environment, owner, repo } = this.secret;
        if (error.status === 401)
            return (`GitHub did not accept '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}': it has expired or was revoked. Create a new one, ` +
                `${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .GITHUB_TOKEN_PERMISSIONS */ .rQ}, and store it in the secret you pass as '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}'.`);
        if (error.status === 403)
            return this.permissionProblem();
        if (error.status !== 404)
            return `GitHub refused to read the secret ${this.place}.`;
        if (error.operation.endsWith('PublicKey'))
            return environment === undefined
                ? `GitHub found no repository ${owner}/${repo} that '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}' can see: give the token ` +
                    'access to this repository (a fine-grained token lists the repositories it may access; an App must be installed on it).'
                : `GitHub found no environment '${environment}' in ${owner}/${repo} that '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}' can see: ` +
                    `check '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.SsoSessionSecretEnvironment}', and that the token may access this repository.`;
        return (`There is no secret ${name} in ${environment === undefined ? `repository ${owner}/${repo}` : `environment '${environment}' of ${owner}/${repo}`}: ` +
            `'${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.SsoSessionSecret}' must name the secret that '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.SsoSession}' comes from` +
            (environment === undefined
                ? ` (for an environment secret, set '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.SsoSessionSecretEnvironment}' too).`
                : `, and '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.SsoSessionSecretEnvironment}' its environment.`));
    }
    permissionProblem() {
        return (`'${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}' may not read or write the secret ${this.place}: it must be ${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .GITHUB_TOKEN_PERMISSIONS */ .rQ}. ` +
            "The job's GITHUB_TOKEN can never write secrets: if that is the token passed (secrets.GITHUB_TOKEN or " +
            'github.token), pass a personal access token or a GitHub App installation token instead.');
    }
    /** Why a renewed session could not be saved, what that costs, and what to do. */
    notSaved(error) {
        const why = error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ApiError */ .hD ? error.logLine() : String(error);
        const fix = error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ServiceError */ ._7 && error.status === 403
            ? `give '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}' write access (it could read the secret but not write it): ${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .GITHUB_TOKEN_PERMISSIONS */ .rQ}`
            : error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ServiceError */ ._7 && error.status === 401
                ? `replace '${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .Inputs */ .G0.GitHubToken}': GitHub no longer accepts it`
                : error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_3__/* .TransportError */ .wX && error.cancelled
                    ? 'nothing else needs fixing: the job was cancelled while it was saving'
                    : 'if GitHub was unavailable, nothing else needs fixing';
        return (`The renewed SSO session could not be saved to the secret ${this.place}: ${why}\n` +
            "The secret's refresh token is probably spent (SSO OIDC accepts each refresh token once), so the next " +
            `job's renewal will most likely fail. To recover: log in again (${_constants_js__WEBPACK_IMPORTED_MODULE_2__/* .SSO_LOGIN_COMMAND */ .Gm}), store the new ` +
            `cache file in ${this.secret.name} (see Authentication in the README), and ${fix}.`);
    }
}
const NOTHING_RENEWED = 'Nothing was renewed, so the SSO session in the secret is untouched.';
/**
 * A fetch for octokit over the action's transport: one request, with its timeout, the job's cancellation,
 * HTTPS_PROXY/NO_PROXY, no redirects followed, and any answer that is not a 2xx thrown as the action's error.
 */
function fetchOver(transport, operation, timeoutMs, signal) {
    return async (url, init) => {
        const response = await transport({
            operation,
            method: init?.method === 'PUT' ? 'PUT' : 'GET',
            url: url instanceof Request ? url.url : String(url),
            headers: { ...init?.headers },
            body: typeof init?.body === 'string' ? init.body : undefined,
            timeoutMs,
            signal
        });
        (0,_api_call_js__WEBPACK_IMPORTED_MODULE_1__/* .checkStatus */ .dO)(operation, response, GITHUB_HINTS);
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers))
            for (const one of [value ?? []].flat())
                headers.append(name, one);
        const empty = response.status === 204 || response.status === 205;
        return new Response(empty ? null : response.body, { status: response.status, headers });
    };
}


/***/ })

};
