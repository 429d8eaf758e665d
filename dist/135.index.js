export const id = 135;
export const ids = [135];
export const modules = {

/***/ 3135:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SsoOidcClient: () => (/* binding */ SsoOidcClient)
/* harmony export */ });
/* unused harmony exports ssoOidcHints, mintedFrom */
/* harmony import */ var _net_api_call_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2009);
/* harmony import */ var _common_constants_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1399);
/* harmony import */ var _net_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3688);
/* harmony import */ var _net_safe_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5264);
/**
 * SSO OIDC `CreateToken` with the refresh-token grant (sso-oidc 2019-06-10, rest-json, no auth):
 * how an AWS CLI SSO session's access token is renewed.
 */




/**
 * Why SSO OIDC may refuse a refresh token, by whether the action saves renewed sessions: each refresh
 * token is accepted once, so without saving, an earlier job's renewal has most likely spent it.
 */
function invalidGrantHint(savesSessions) {
    if (!savesSessions)
        return (`The refresh token in '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' was refused. SSO OIDC accepts each refresh token once, so an ` +
            `earlier job that renewed the session has most likely spent it: set '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSessionSecret}' and ` +
            `'${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.GitHubToken}' so that the action saves every renewed session to its secret (see Authentication ` +
            `in the README), then ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}. (It may also have expired, been revoked, or been replaced by a newer login.)`);
    return (`The refresh token in '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' was refused. Another job that shares the secret may have renewed ` +
        'the session at the same moment (SSO OIDC accepts each refresh token once): let the jobs that share it run ' +
        'one at a time (`max-parallel: 1`, a `concurrency` group, or one job that starts all runs), and re-run this ' +
        `job: it picks up the renewed session. If no other job ran, the session ended, was revoked or was replaced ` +
        `by a newer login: ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`);
}
/** One sentence per CreateToken error, each with the fix. */
function ssoOidcHints(savesSessions) {
    return {
        InvalidGrantException: invalidGrantHint(savesSessions),
        ExpiredTokenException: `The SSO session in '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' has expired: ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`,
        InvalidClientException: `The SSO client registration in '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' is invalid or has expired: ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR} (the CLI registers a new client).`,
        UnauthorizedClientException: `The SSO client registration in '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' is not allowed to renew tokens, or has expired: ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`,
        AccessDeniedException: `SSO OIDC refused to renew the token: check that the user can still sign in at the session's start URL, then ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`,
        InvalidRequestException: `SSO OIDC rejected the request as malformed: check that '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' holds an unmodified cache file whose region is the sso_region, or ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`,
        UnsupportedGrantTypeException: `The SSO client registration in '${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Inputs */ .G0.SsoSession}' does not allow the refresh-token grant: ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`,
        InvalidScopeException: `The SSO session lacks the scope the API needs: set sso_registration_scopes = codecatalyst:read_write in ~/.aws/config, then ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`,
        [_net_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .HINT_5XX */ .i8]: 'SSO OIDC or something in front of it failed. Re-run the job later.'
    };
}
const RENEWED_THEN_LOST = 'An earlier attempt of this CreateToken failed after it was sent, so SSO OIDC may have renewed the session ' +
    'and spent this refresh token before the answer was lost (each refresh token is accepted once). The ' +
    `session cannot be renewed any more: ${_common_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .LOG_IN_AGAIN */ .WR}.`;
class SsoOidcClient {
    config;
    deps;
    constructor(config, deps) {
        this.config = config;
        this.deps = deps;
    }
    /**
     * POST /token {clientId, clientSecret, grantType: refresh_token, refreshToken}, on a connection of its own:
     * the refresh token is single use, so the request is never re-sent for free on a closing kept-alive
     * connection. Throttling, 5xx and network faults are retried as the SDKs retry them; when an attempt may have
     * reached SSO OIDC before it failed, a refused refresh token on a later attempt says so.
     */
    async createToken(grant, scope = {}) {
        const operation = 'CreateToken';
        const watched = (0,_net_api_call_js__WEBPACK_IMPORTED_MODULE_0__/* .watchForLostAnswers */ .Ej)(this.deps.transport);
        const body = await (0,_net_api_call_js__WEBPACK_IMPORTED_MODULE_0__/* .callJsonApi */ .HP)({
            operation,
            method: 'POST',
            url: `${this.config.endpoint}/token`,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
                clientId: grant.clientId,
                clientSecret: grant.clientSecret,
                grantType: 'refresh_token',
                refreshToken: grant.refreshToken
            }),
            timeoutMs: this.config.requestTimeoutMs,
            maxAttempts: this.config.maxAttempts,
            hints: ssoOidcHints(this.config.savesSessions),
            secretResponse: true,
            fresh: true,
            ...scope
        }, { ...this.deps, transport: watched.transport }).catch((error) => {
            if (!watched.mayHaveLanded() ||
                !(error instanceof _net_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceError */ ._7) ||
                error.type !== 'InvalidGrantException')
                throw error;
            throw new _net_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .CredentialError */ .oA(error.logLineWith(RENEWED_THEN_LOST), { cause: error });
        });
        return mintedFrom(operation, body);
    }
}
/** CreateToken's answer, any grant: the access token, its lifetime and the refresh token if one came. */
function mintedFrom(operation, body) {
    // The body holds credentials: an error names what is missing and never quotes it.
    if (!(0,_net_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .isRecord */ .u4)(body) || typeof body.accessToken !== 'string' || !(0,_net_safe_text_js__WEBPACK_IMPORTED_MODULE_3__/* .isBearerToken */ .Zc)(body.accessToken))
        throw (0,_net_api_call_js__WEBPACK_IMPORTED_MODULE_0__/* .missingFromResponse */ .QD)(operation, 'usable accessToken', body, true);
    const { expiresIn, refreshToken } = body;
    // A year bounds it: an absurd lifetime would never be renewed ahead of time.
    if (typeof expiresIn !== 'number' ||
        !Number.isInteger(expiresIn) ||
        expiresIn <= 0 ||
        expiresIn > 366 * 86_400)
        throw (0,_net_api_call_js__WEBPACK_IMPORTED_MODULE_0__/* .missingFromResponse */ .QD)(operation, 'valid expiresIn', body, true);
    return {
        accessToken: body.accessToken,
        expiresIn,
        refreshToken: typeof refreshToken === 'string' && refreshToken ? refreshToken : undefined
    };
}


/***/ })

};
