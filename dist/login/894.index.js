export const id = 894;
export const ids = [894];
export const modules = {

/***/ 894:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TunnelingAgent: () => (/* binding */ TunnelingAgent)
/* harmony export */ });
/* unused harmony export connectTarget */
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _request_state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2934);




class TunnelingAgent extends node_https__WEBPACK_IMPORTED_MODULE_1__.Agent {
    proxy;
    constructor(proxy, keepAlive = true) {
        super({ keepAlive });
        this.proxy = proxy;
    }
    createConnection(options, callback) {
        // Node ignores the stream when there is an error, so a failure passes none.
        const fail = (error) => callback?.(error);
        const connect = this.connectRequest(connectTarget(options));
        // The request's own state: node:http passes its options through to here, its signal aside.
        const state = (0,_request_state_js__WEBPACK_IMPORTED_MODULE_3__/* .stateOf */ .L)(options);
        const signal = state?.signal;
        // Aborted before the proxy answered: end the CONNECT too, so nothing is left waiting on it.
        const onAbort = () => {
            if (state)
                state.unanswered = true;
            connect.destroy(new Error('the proxy did not answer CONNECT'));
        };
        if (signal?.aborted)
            onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        const settled = () => signal?.removeEventListener('abort', onAbort);
        connect.once('connect', (response, socket) => {
            settled();
            if (response.statusCode !== 200) {
                socket.destroy();
                const error = new Error(`CONNECT ${connect.path} answered statusCode=${response.statusCode}`);
                return fail(Object.assign(error, { code: 'EPROXYREFUSED' }));
            }
            callback?.(null, (0,node_tls__WEBPACK_IMPORTED_MODULE_2__.connect)({ ...options, socket }));
        });
        connect.once('error', error => {
            settled();
            fail(error);
        });
        connect.end();
        return undefined;
    }
    /** CONNECT host:port, to the proxy in clear or over TLS as its URL says, with its credentials if any. */
    connectRequest(target) {
        const headers = { host: target };
        if (this.proxy.username || this.proxy.password) {
            const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
            headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
        }
        const overTls = this.proxy.protocol === 'https:';
        return (overTls ? node_https__WEBPACK_IMPORTED_MODULE_1__.request : node_http__WEBPACK_IMPORTED_MODULE_0__.request)({
            host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
            port: this.proxy.port || (overTls ? 443 : 80),
            method: 'CONNECT',
            path: target,
            headers,
            // The tunnel's own connection to the proxy is never pooled.
            agent: false
        });
    }
}
/** `host:port` as CONNECT takes it: an IPv6 literal in brackets. */
function connectTarget(options) {
    const host = options.host ?? 'localhost';
    return `${host.includes(':') ? `[${host}]` : host}:${String(options.port ?? 443)}`;
}


/***/ })

};
