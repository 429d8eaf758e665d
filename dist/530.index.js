export const id = 530;
export const ids = [530];
export const modules = {

/***/ 530:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   TunnelingAgent: () => (/* binding */ TunnelingAgent)
/* harmony export */ });
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7067);
/* harmony import */ var node_http__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_http__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4708);
/* harmony import */ var node_https__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_https__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1692);
/* harmony import */ var node_tls__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_tls__WEBPACK_IMPORTED_MODULE_2__);



class TunnelingAgent extends node_https__WEBPACK_IMPORTED_MODULE_1__.Agent {
    proxy;
    constructor(proxy) {
        super({ keepAlive: true });
        this.proxy = proxy;
    }
    createConnection(options, callback) {
        // Node ignores the stream when there is an error, so a failure passes none.
        const fail = (error) => callback?.(error);
        const target = `${options.host ?? 'localhost'}:${String(options.port ?? 443)}`;
        const headers = { host: target };
        if (this.proxy.username || this.proxy.password) {
            const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
            headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
        }
        const connect = (0,node_http__WEBPACK_IMPORTED_MODULE_0__.request)({
            host: this.proxy.hostname.replace(/^\[|\]$/g, ''),
            port: this.proxy.port || 80,
            method: 'CONNECT',
            path: target,
            headers,
            signal: options.signal
        });
        connect.once('connect', (response, socket) => {
            if (response.statusCode !== 200) {
                socket.destroy();
                const error = new Error(`CONNECT ${target} answered statusCode=${response.statusCode}`);
                return fail(Object.assign(error, { code: 'EPROXYREFUSED' }));
            }
            callback?.(null, (0,node_tls__WEBPACK_IMPORTED_MODULE_2__.connect)({ ...options, socket }));
        });
        connect.once('error', fail);
        connect.end();
        return undefined;
    }
}


/***/ })

};
