export const id = 300;
export const ids = [300];
export const modules = {

/***/ 4300:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SessionSecret: () => (/* binding */ SessionSecret)
});

// UNUSED EXPORTS: LoginSecret

// EXTERNAL MODULE: ./node_modules/libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs + 1 modules
var libsodium_wrappers = __webpack_require__(4768);
// EXTERNAL MODULE: ./src/net/api-call.ts + 2 modules
var api_call = __webpack_require__(2009);
// EXTERNAL MODULE: ./src/common/constants.ts + 1 modules
var constants = __webpack_require__(1399);
// EXTERNAL MODULE: ./src/net/errors.ts
var errors = __webpack_require__(3688);
;// CONCATENATED MODULE: ./src/auth/github-api.ts
/**
 * GitHub's REST API (version 2022-11-28) for the Actions secrets and variables of one scope, a repository or
 * one of its environments: the few operations the action uses, over the project's own JSON call (its
 * transport, retries, deadlines, proxy and redaction). Paths and operation names are built once, from the scope.
 */



const GITHUB_HINTS = {
    [errors/* HINT_401 */.wB]: `GitHub did not accept '${constants/* Inputs */.G0.GitHubToken}'.`,
    [errors/* HINT_5XX */.i8]: 'GitHub or something in front of it failed.'
};
const HEADERS = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
/** A 32-byte key in base64: 43 characters and one '='. */
const PUBLIC_KEY = /^[A-Za-z0-9+/]{43}=$/;
class GitHubScope {
    settings;
    config;
    deps;
    /** How GitHub's operation names say the scope: GetRepoSecret, GetEnvironmentSecret. */
    kind;
    base;
    constructor(settings, config, deps) {
        this.settings = settings;
        this.config = config;
        this.deps = deps;
        const { apiUrl, owner, repo, environment } = settings;
        const repository = `${apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
        this.kind = environment === undefined ? 'Repo' : 'Environment';
        this.base =
            environment === undefined
                ? `${repository}/actions`
                : `${repository}/environments/${encodeURIComponent(environment)}`;
    }
    /** The same scope over another transport (one that watches for answers lost after a write). */
    over(transport) {
        return new GitHubScope(this.settings, this.config, { ...this.deps, transport });
    }
    /** GET …/secrets/public-key */
    async publicKey(scope) {
        const operation = this.operation('Get', 'PublicKey');
        const body = await this.call(operation, 'GET', '/secrets/public-key', scope);
        if (!(0,errors/* isRecord */.u4)(body) ||
            typeof body.key_id !== 'string' ||
            !body.key_id ||
            typeof body.key !== 'string' ||
            !PUBLIC_KEY.test(body.key))
            throw (0,api_call/* missingFromResponse */.QD)(operation, 'usable public key (key_id, and a 32-byte key in base64)', body);
        return { keyId: body.key_id, key: body.key };
    }
    /** GET …/secrets/{name}: when the secret was last written; its value is never returned. */
    async secretUpdatedAt(name, scope) {
        const operation = this.operation('Get', 'Secret');
        const body = await this.call(operation, 'GET', `/secrets/${encodeURIComponent(name)}`, scope);
        const updatedAt = (0,errors/* isRecord */.u4)(body) ? Date.parse(String(body.updated_at)) : NaN;
        if (Number.isNaN(updatedAt))
            throw (0,api_call/* missingFromResponse */.QD)(operation, 'updated_at', body);
        return updatedAt;
    }
    /** PUT …/secrets/{name} {encrypted_value, key_id}: 201 created, 204 updated. */
    async putSecret(name, sealed, keyId, scope) {
        const path = `/secrets/${encodeURIComponent(name)}`;
        const body = { encrypted_value: sealed, key_id: keyId };
        await this.call(this.operation('CreateOrUpdate', 'Secret'), 'PUT', path, scope, body);
    }
    /** GET …/variables/{name}; undefined when there is none (404). */
    async variable(name, scope) {
        const operation = this.operation('Get', 'Variable');
        let body;
        try {
            body = await this.call(operation, 'GET', `/variables/${encodeURIComponent(name)}`, scope);
        }
        catch (error) {
            if (error instanceof errors/* ServiceError */._7 && error.kind === 'not-found')
                return undefined;
            throw error;
        }
        const updatedAt = (0,errors/* isRecord */.u4)(body) ? Date.parse(String(body.updated_at)) : NaN;
        if (!(0,errors/* isRecord */.u4)(body) || typeof body.value !== 'string' || Number.isNaN(updatedAt))
            throw (0,api_call/* missingFromResponse */.QD)(operation, 'value and updated_at', body);
        return { value: body.value, updatedAt };
    }
    /** POST …/variables {name, value}; false when it exists already (409). */
    async createVariable(name, value, scope) {
        try {
            await this.call(this.operation('Create', 'Variable'), 'POST', '/variables', scope, {
                name,
                value
            });
            return true;
        }
        catch (error) {
            if (error instanceof errors/* ServiceError */._7 && error.status === 409)
                return false;
            throw error;
        }
    }
    /** PATCH …/variables/{name} {name, value}: 204. */
    async updateVariable(name, value, scope) {
        const path = `/variables/${encodeURIComponent(name)}`;
        await this.call(this.operation('Update', 'Variable'), 'PATCH', path, scope, { name, value });
    }
    operation(verb, noun) {
        return `${verb}${this.kind}${noun}`;
    }
    call(operation, method, path, scope, body) {
        const headers = {
            ...HEADERS,
            authorization: `Bearer ${this.settings.token}`
        };
        if (body)
            headers['content-type'] = 'application/json';
        return (0,api_call/* callJsonApi */.HP)({
            operation,
            method,
            url: `${this.base}${path}`,
            headers,
            body: body && JSON.stringify(body),
            timeoutMs: this.config.requestTimeoutMs,
            maxAttempts: this.config.maxAttempts,
            hints: GITHUB_HINTS,
            ...scope
        }, this.deps);
    }
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/auth/marker.ts
/**
 * The rule that decides whether a job's copy of the SSO session may be presented to SSO OIDC: exact, with no
 * clock in it. A secret's value can never be read back, so beside the secret the action keeps a marker that can
 * be: an Actions variable holding the SHA-256 of the refresh token the secret holds (never the token), and of
 * every refresh token that a saved renewal has replaced. Pure: it parses, judges and computes the next marker.
 */


/** How many replaced refresh tokens the marker remembers: weeks of renewals, a few kilobytes. */
const MARKER_HISTORY = 100;
function marker_sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text, 'utf8').digest('hex');
}
const SHA256 = /^[0-9a-f]{64}$/;
/** The marker in a variable's value; undefined when the value is not one the action wrote. */
function parseMarker(value) {
    let parsed;
    try {
        parsed = JSON.parse(value);
    }
    catch {
        return undefined;
    }
    if (!(0,errors/* isRecord */.u4)(parsed) || typeof parsed.current !== 'string' || !SHA256.test(parsed.current))
        return undefined;
    const { replaced } = parsed;
    if (!Array.isArray(replaced) || !replaced.every(h => typeof h === 'string' && SHA256.test(h)))
        return undefined;
    return { current: parsed.current, replaced: replaced };
}
function marker_formatMarker(marker) {
    return JSON.stringify({ current: marker.current, replaced: marker.replaced });
}
/** The verdict on a copy whose refresh token hashes to `hash`, with the marker as it stands (none yet: undefined). */
function judgeCopy(hash, marker) {
    if (marker === undefined)
        return 'unknown';
    if (marker.current === hash)
        return 'latest';
    return marker.replaced.includes(hash) ? 'replaced' : 'unknown';
}
/**
 * The marker after a renewal that presented `presented` and got `renewed` (both hashes): the renewed one is
 * current, and the presented one and the one the marker named before are replaced. A refresh token that was
 * not rotated (renewed === presented) stays current and live.
 */
function nextMarker(marker, presented, renewed) {
    return naming(renewed, [presented, marker?.current, ...(marker?.replaced ?? [])]);
}
function sameMarker(a, b) {
    return a !== undefined && marker_formatMarker(a) === marker_formatMarker(b);
}
/** The marker after a new login whose refresh token hashes to `fresh`: what it named before is replaced. */
function marker_markerAfterLogin(marker, fresh) {
    return naming(fresh, [marker?.current, ...(marker?.replaced ?? [])]);
}
/** A marker naming `current`, with `replaced` (newest first) without it, without repeats, at most MARKER_HISTORY. */
function naming(current, replaced) {
    const others = replaced.filter((hash) => hash !== undefined && hash !== current);
    return { current, replaced: [...new Set(others)].slice(0, MARKER_HISTORY) };
}

;// CONCATENATED MODULE: ./src/auth/marker-variable.ts


class MarkerVariable {
    name;
    github;
    words;
    now;
    constructor(name, github, words, now) {
        this.name = name;
        this.github = github;
        this.words = words;
        this.now = now;
    }
    /** The marker and when it was written; undefined when there is none. */
    async read(scope) {
        const variable = await this.github.variable(this.name, scope);
        if (variable === undefined)
            return undefined;
        const marker = parseMarker(variable.value);
        if (!marker)
            throw new errors/* RenewalError */.P0(this.words.foreignMarker(), 'check', false);
        return { marker, updatedAt: variable.updatedAt };
    }
    /** The marker written (a PATCH, a POST where there is none); the error if it could not be. */
    async tryWrite(value, scope) {
        try {
            await this.write(value, scope);
            return undefined;
        }
        catch (error) {
            if (!(error instanceof errors/* ApiError */.hD))
                throw error;
            return error;
        }
    }
    async write(value, scope) {
        try {
            await this.github.updateVariable(this.name, value, scope);
        }
        catch (error) {
            // Deleted meanwhile, or never created: create it; one created since is replaced as a PATCH replaces it.
            if (!(error instanceof errors/* ServiceError */._7) || error.kind !== 'not-found')
                throw error;
            if (!(await this.github.createVariable(this.name, value, scope)))
                await this.github.updateVariable(this.name, value, scope);
        }
    }
    /** Creates the marker, naming the copy this job holds; a marker created meanwhile is read instead. */
    async create(presented, scope) {
        const marker = { current: presented, replaced: [] };
        if (await this.github.createVariable(this.name, marker_formatMarker(marker), scope))
            return { marker, updatedAt: this.now() };
        return this.read(scope);
    }
    /**
     * After a save: if another writer's marker came between this job's marker and its secret (a login stored
     * meanwhile), the secret may hold either session; take this one off the replaced list, so neither is refused.
     */
    async keepPresentable(renewed, scope) {
        try {
            const now = await this.read(scope);
            if (!now || now.marker.current === renewed || !now.marker.replaced.includes(renewed))
                return;
            const replaced = now.marker.replaced.filter(hash => hash !== renewed);
            await this.write(marker_formatMarker({ ...now.marker, replaced }), scope);
        }
        catch {
            // Best effort: the marker as another writer left it refuses at most this job's own renewed copy.
        }
    }
    /** Whether the marker names another refresh token than `hash` now; false when it cannot be read. */
    async namesOther(hash, scope) {
        const found = await this.read(scope).catch(() => undefined);
        return found !== undefined && found.marker.current !== hash;
    }
}

;// CONCATENATED MODULE: ./src/auth/secret-messages.ts
/**
 * What the action says about the session's secret and its marker: each failure in words that name the secret,
 * the token or the permission, and say what to do. One place, so that every message says it the same way.
 */


const NOTHING_RENEWED = 'Nothing was renewed, so the SSO session in the secret is untouched';
class SecretWords {
    secret;
    marker;
    /** The secret as a log line names it: NAME of owner/repo, or NAME of environment 'E' in owner/repo. */
    place;
    /** The marker variable, likewise. */
    markerPlace;
    constructor(secret, marker) {
        this.secret = secret;
        this.marker = marker;
        const { environment, owner, repo } = secret;
        const where = environment === undefined
            ? `${owner}/${repo}`
            : `environment '${environment}' in ${owner}/${repo}`;
        this.place = `${secret.name} of ${where}`;
        this.markerPlace = `${marker} of ${where}`;
    }
    /** A check before a renewal (or a login) failed: nothing was spent, and no one was asked to log in. */
    checkFailed(error, before = 'renewal') {
        const [purpose, untouched] = before === 'renewal'
            ? ['renewing the SSO session', NOTHING_RENEWED]
            : ['logging in', 'No login was started, and the secret is untouched'];
        const retry = ': re-run the job later.';
        const unreadable = `the secret ${this.place} could not be read before ${purpose}`;
        const why = {
            throttled: `GitHub is rate limiting '${constants/* Inputs */.G0.GitHubToken}', so ${unreadable}. ${untouched}${retry}`,
            unavailable: `GitHub is unavailable (or the network to it is), so ${unreadable}. ${untouched}${retry}`,
            unreachable: `GitHub could not be reached at ${this.secret.apiUrl}, so ${unreadable}: check GITHUB_API_URL, HTTPS_PROXY and NO_PROXY. ${untouched}.`,
            unauthorized: `GitHub did not accept '${constants/* Inputs */.G0.GitHubToken}': it has expired or was revoked. Create a new one, ` +
                `${constants/* GITHUB_TOKEN_PERMISSIONS */.rQ}, and store it in the secret you pass as '${constants/* Inputs */.G0.GitHubToken}'. ${untouched}.`,
            forbidden: `${this.permissionProblem(error.operation)} ${untouched}.`,
            'not-found': `${this.notFound(error.operation)} ${untouched}.`,
            malformed: `GitHub's answer to ${error.operation} is not what its API promises, so ${unreadable}. ${untouched}: re-run the job, and check GITHUB_API_URL if it persists.`
        };
        return `${error.logLine()}\n${why[error.kind] ?? `GitHub refused ${error.operation}. ${untouched}.`}`;
    }
    /** The marker lists this copy's refresh token as replaced; `lostSave` when the secret was not written since. */
    replaced(lostSave) {
        const marker = `the marker ${this.markerPlace} lists this copy's refresh token as replaced`;
        if (!lostSave)
            return (`This job's copy of the SSO session is not the latest one: ${marker}, because another job renewed ` +
                `the session and saved it to the secret ${this.place} after this job was given its copy. That refresh ` +
                'token is spent, so it was not used. Re-run this job: it is given the renewed session.');
        return (`The last renewal of the SSO session was not saved: ${marker}, but the secret ${this.place} was not ` +
            'written after the marker. So the refresh token it holds is spent, and it was not used. If another job ' +
            `is saving the session right now, re-run this job when that one ends; otherwise ${constants/* LOG_IN_AGAIN */.WR}.`);
    }
    /** The marker variable holds something the action did not write. */
    foreignMarker() {
        return (`The variable ${this.markerPlace} holds no marker this action wrote (JSON with the SHA-256 of the refresh ` +
            `token that the secret ${this.secret.name} holds), so this copy cannot be checked. Delete the variable ` +
            '(Settings > Secrets and variables > Actions > Variables) and re-run the job: the next renewal writes it ' +
            `again. ${NOTHING_RENEWED}.`);
    }
    /** Why a renewed session could not be saved, what that costs, and what to do. */
    notSaved(error, mayHaveLanded, cutShort) {
        const why = error instanceof errors/* ApiError */.hD ? error.logLine() : String(error);
        const cost = mayHaveLanded
            ? 'GitHub may have applied the save all the same (a write can land before its answer fails); if it did ' +
                "not, the secret holds a spent refresh token (SSO OIDC accepts each one once), and the next job's renewal " +
                'will fail.'
            : "The secret holds a spent refresh token (SSO OIDC accepts each one once), so the next job's renewal will fail.";
        return (`The renewed SSO session could not be saved to the secret ${this.place}: ${why}\n${cost} ` +
            `To recover: ${constants/* LOG_IN_AGAIN */.WR}. ${this.saveFix(error, cutShort)}.`);
    }
    /** Why a new login could not be saved: the person's approval is lost, the stored session is as it was. */
    loginNotSaved(error) {
        const why = error instanceof errors/* ApiError */.hD ? error.logLine() : String(error);
        return (`The new SSO session could not be saved to the secret ${this.place}: ${why}\nThe secret holds what it ` +
            `held before (GitHub may have applied the save all the same, if its answer was lost). ${this.saveFix(error, undefined)}; then run the login again.`);
    }
    /** The session was saved, but its marker could not be brought up to date. */
    markerNotUpdated(error) {
        const fatal = error.kind === 'unauthorized' || error.kind === 'forbidden';
        const fix = fatal
            ? `give '${constants/* Inputs */.G0.GitHubToken}' the permission to write it: ${constants/* GITHUB_TOKEN_PERMISSIONS */.rQ}`
            : 'nothing needs fixing if GitHub was unavailable: the next renewal writes it';
        return {
            message: `Saved the renewed SSO session to the secret ${this.place}, but could not update its marker ` +
                `${this.markerPlace}: ${error.logLine()}\nUntil it is updated, a job that holds an older copy may ` +
                `present a refresh token that is spent; ${fix}.`,
            fatal
        };
    }
    saveFix(error, cutShort) {
        if (cutShort)
            return `Nothing else needs fixing: ${cutShort}`;
        const kind = error instanceof errors/* ApiError */.hD ? error.kind : undefined;
        if (kind === 'forbidden')
            return `Then give '${constants/* Inputs */.G0.GitHubToken}' write access (it could read the secret but not write it): ${constants/* GITHUB_TOKEN_PERMISSIONS */.rQ}`;
        if (kind === 'unauthorized')
            return `Then replace '${constants/* Inputs */.G0.GitHubToken}': GitHub no longer accepts it`;
        if (kind === 'throttled' || kind === 'unavailable' || kind === 'unreachable')
            return 'Nothing else needs fixing: GitHub was unavailable (or rate limiting) for longer than the renewal could wait';
        return `Then check that '${constants/* Inputs */.G0.GitHubToken}' may write the secret ${this.secret.name}`;
    }
    /** What a 403 from GitHub means for this secret or its marker, and what to do. */
    permissionProblem(operation) {
        const what = !operation.endsWith('Variable')
            ? `read or write the secret ${this.place}`
            : operation.startsWith('Get')
                ? `read the marker variable ${this.markerPlace}`
                : `write the marker variable ${this.markerPlace}`;
        return (`'${constants/* Inputs */.G0.GitHubToken}' may not ${what}: it must be ${constants/* GITHUB_TOKEN_PERMISSIONS */.rQ}. The job's GITHUB_TOKEN ` +
            'can never write secrets: if that is the token passed (secrets.GITHUB_TOKEN or github.token), pass a ' +
            'personal access token or a GitHub App installation token instead.');
    }
    /** What a 404 from GitHub means: no such repository or environment for this token, or no such secret. */
    notFound(operation) {
        const { name, environment, owner, repo } = this.secret;
        if (operation.endsWith('PublicKey'))
            return environment === undefined
                ? `GitHub found no repository ${owner}/${repo} that '${constants/* Inputs */.G0.GitHubToken}' can see: give the token ` +
                    'access to this repository (a fine-grained token lists the repositories it may access; an App must be installed on it).'
                : `GitHub found no environment '${environment}' in ${owner}/${repo} that '${constants/* Inputs */.G0.GitHubToken}' can see: ` +
                    `check '${constants/* Inputs */.G0.SsoSessionSecretEnvironment}', and that the token may access this repository.`;
        return (`There is no secret ${name} in ${environment === undefined ? `repository ${owner}/${repo}` : `environment '${environment}' of ${owner}/${repo}`}: ` +
            `'${constants/* Inputs */.G0.SsoSessionSecret}' must name the secret that '${constants/* Inputs */.G0.SsoSession}' comes from` +
            (environment === undefined
                ? ` (for an environment secret, set '${constants/* Inputs */.G0.SsoSessionSecretEnvironment}' too).`
                : `, and '${constants/* Inputs */.G0.SsoSessionSecretEnvironment}' its environment.`));
    }
}

// EXTERNAL MODULE: ./src/auth/handoff.ts + 2 modules
var handoff = __webpack_require__(5522);
;// CONCATENATED MODULE: ./src/auth/secret-store.ts
/**
 * The GitHub secret that the SSO session comes from, kept current, with its marker variable beside it
 * (src/auth/marker.ts). Before a renewal: `github-token` may read both, and the marker does not list this
 * copy's refresh token as replaced. After it: the marker first, then the secret, so that no write that fails
 * alone makes a live secret look replaced. Loaded only when a renewal is due (`await import`): it brings libsodium.
 */









/** A refused refresh token: how often, and how far apart, to look for the marker of a job that renewed it. */
const SUPERSEDED_LOOKS = 5;
const SUPERSEDED_PAUSE_MS = 500;
/** How long a look that only guards against a rare race may hold the step up. */
const BRIEFLY_MS = 5000;
/** Keeps the secret an SSO session comes from current. */
class SessionSecret {
    config;
    deps;
    words;
    github;
    marker;
    key;
    secretSeen = false;
    constructor(config, deps) {
        this.config = config;
        this.deps = deps;
        const { secret } = config;
        const name = (0,constants/* markerVariableName */.i0)(secret.name);
        this.github = new GitHubScope({ ...secret, token: secret.githubToken }, config, deps);
        this.words = new SecretWords(secret, name);
        this.marker = new MarkerVariable(name, this.github, this.words, deps.now);
    }
    /** The secret, as a log line names it. */
    get place() {
        return this.words.place;
    }
    /**
     * Before a renewal: throws RenewalError (stage check) unless `github-token` can read the scope's key, the
     * secret and its marker, and the marker does not list `refreshToken` as replaced. A marker that does not exist
     * yet is created here, naming this copy: that proves the token may write it before anything is spent. The
     * job's cancel and the caller's deadline end it as they end any call: nothing has been spent.
     */
    async check(refreshToken, scope) {
        const presented = marker_sha256(refreshToken);
        const found = await this.checked(scope, async () => {
            this.key ??= await this.github.publicKey(scope);
            if (!this.secretSeen)
                await this.github.secretUpdatedAt(this.config.secret.name, scope);
            this.secretSeen = true;
            return (await this.marker.read(scope)) ?? (await this.marker.create(presented, scope));
        });
        const verdict = judgeCopy(presented, found?.marker);
        if (verdict !== 'replaced')
            return { presented, marker: found?.marker };
        // Said after one more read: whether the secret was written after the marker tells a lost save apart.
        const secretAt = await this.checked(scope, () => this.github.secretUpdatedAt(this.config.secret.name, scope));
        const lostSave = secretAt < (found?.updatedAt ?? 0);
        throw new errors/* ReplacedCopyError */.Gj(this.words.replaced(lostSave), lostSave);
    }
    /**
     * Saves `cacheFile`, the renewed session whose refresh token is `renewed`: the marker first, within
     * `markerScope` (a share of the time, which a cancel ends), then the secret, within `scope`; then the marker
     * again if it could not be written. Throws RenewalError (stage save) when the secret could not be written; a
     * marker that could not be written is reported in the result, since the saved session is still presented.
     */
    async save(cacheFile, checked, renewed, { scope, markerScope }) {
        const renewedHash = marker_sha256(renewed);
        const marker = nextMarker(checked.marker, checked.presented, renewedHash);
        const value = marker_formatMarker(marker);
        const changed = !sameMarker(checked.marker, marker);
        let markerError = changed ? await this.marker.tryWrite(value, markerScope) : undefined;
        const watched = (0,api_call/* watchForLostAnswers */.Ej)(this.deps.transport);
        try {
            await this.putSecret(cacheFile, scope, watched.transport);
        }
        catch (error) {
            const passing = error instanceof errors/* ApiError */.hD && (0,errors/* isPassing */.WG)(error.kind);
            // Cut short by the renewal's own budget or the runner's grace after a cancel: the signal says which.
            const cutShort = scope.signal?.aborted ? String(scope.signal.reason) : undefined;
            const message = this.words.notSaved(error, watched.mayHaveLanded(), cutShort);
            throw new errors/* RenewalError */.P0(message, 'save', passing, { cause: error });
        }
        this.handOn(cacheFile);
        if (markerError)
            markerError = await this.marker.tryWrite(value, scope);
        else if (changed)
            await this.marker.keepPresentable(renewedHash, this.briefly(scope));
        return markerError ? { markerProblem: this.words.markerNotUpdated(markerError) } : {};
    }
    /**
     * After SSO OIDC refused `refreshToken`: whether another job renewed it and saved (the marker names another
     * refresh token). That job's marker may come a moment after the refusal, so it is looked for a few times.
     */
    async superseded(refreshToken, scope) {
        for (let look = 1;; look++) {
            if (await this.marker.namesOther(marker_sha256(refreshToken), scope))
                return true;
            if (look === SUPERSEDED_LOOKS || scope.signal?.aborted)
                return false;
            await this.deps.sleep(SUPERSEDED_PAUSE_MS, scope.signal);
        }
    }
    handOn(cacheFile) {
        if (this.config.handoff)
            (0,handoff/* handOn */.xg)(this.config.handoff, cacheFile);
    }
    /** At most a few seconds of `scope`, with the usual retries: for what is worth trying, not waiting for. */
    briefly(scope) {
        const soon = this.deps.now() + BRIEFLY_MS;
        return { signal: scope.signal, deadline: Math.min(scope.deadline ?? soon, soon) };
    }
    /** Seals the value with the scope's key and writes it; a key GitHub has since rotated is read again once. */
    async putSecret(value, scope, transport) {
        const github = transport ? this.github.over(transport) : this.github;
        const key = (this.key ??= await this.github.publicKey(scope));
        const { name } = this.config.secret;
        try {
            await github.putSecret(name, await sealed(value, key), key.keyId, scope);
        }
        catch (error) {
            if (!(error instanceof errors/* ApiError */.hD) || error.kind !== 'rejected')
                throw error;
            const fresh = await this.github.publicKey(scope);
            if (fresh.keyId === key.keyId)
                throw error;
            this.key = fresh;
            await github.putSecret(name, await sealed(value, fresh), fresh.keyId, scope);
        }
    }
    /** A check's GitHub calls, their failure said as what to fix (checkedCall). */
    checked(scope, read, before = 'renewal') {
        return checkedCall(read, error => this.words.checkFailed(error, before), {
            late: () => scope.deadline !== undefined && this.deps.now() >= scope.deadline
        });
    }
}
/** The secret, kept by a login as well: a new session saved the other way round (src/login-main.ts). */
class LoginSecret extends (/* unused pure expression or super */ null && (SessionSecret)) {
    /**
     * Before a login: throws RenewalError (stage check) unless `github-token` can read the scope's key and the
     * marker, so that no one is asked to approve a login that cannot be saved for want of them. The secret may not
     * exist yet; a marker the action did not write is replaced by the save.
     */
    async checkForLogin(scope) {
        return this.checked(scope, async () => {
            this.key ??= await this.github.publicKey(scope);
            return (await this.marker.read(scope).catch(lenientMarker))?.marker;
        }, 'login');
    }
    /**
     * Saves a new login: the secret first (created if there is none), then the marker, which names the new
     * refresh token and lists the one it named as replaced. In that order, a secret that could not be written
     * leaves the stored session as it was (it is live: nothing spent it), and a marker that could not be written
     * has never seen the new refresh token, so the next job presents it. Throws RenewalError (stage save).
     */
    async saveLogin(cacheFile, refreshToken, marker, scope) {
        try {
            await this.putSecret(cacheFile, scope);
        }
        catch (error) {
            const passing = error instanceof ApiError && isPassing(error.kind);
            throw new RenewalError(this.words.loginNotSaved(error), 'save', passing, { cause: error });
        }
        this.handOn(cacheFile);
        const next = markerAfterLogin(marker, sha256(refreshToken));
        const markerError = await this.marker.tryWrite(formatMarker(next), scope);
        return markerError ? { markerProblem: this.words.markerNotUpdated(markerError) } : {};
    }
}
/** `value` sealed with libsodium's crypto_box_seal under the scope's public key, in base64, as GitHub takes it. */
async function sealed(value, { key }) {
    await libsodium_wrappers/* default.ready */.Ay.ready;
    const box = libsodium_wrappers/* default */.Ay.crypto_box_seal(libsodium_wrappers/* default.from_string */.Ay.from_string(value), libsodium_wrappers/* default.from_base64 */.Ay.from_base64(key, libsodium_wrappers/* default.base64_variants */.Ay.base64_variants.ORIGINAL));
    return libsodium_wrappers/* default.to_base64 */.Ay.to_base64(box, libsodium_wrappers/* default.base64_variants */.Ay.base64_variants.ORIGINAL);
}
/**
 * A check's GitHub calls: a failure becomes a RenewalError (stage check) that says what to fix, except a cancel,
 * or a passing failure once the caller's deadline has passed: those end the step as they end any call.
 */
async function checkedCall(read, say, { late }) {
    try {
        return await read();
    }
    catch (error) {
        if (!(error instanceof errors/* ApiError */.hD) || error.kind === 'cancelled')
            throw error;
        if (late() && (0,errors/* isPassing */.WG)(error.kind))
            throw error;
        throw new errors/* RenewalError */.P0(say(error), 'check', (0,errors/* isPassing */.WG)(error.kind), { cause: error });
    }
}
/** Before a login, a marker the action did not write does not matter: the login's save replaces it. */
function lenientMarker(error) {
    if (error instanceof RenewalError)
        return undefined;
    throw error;
}


/***/ })

};
