import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ // The require scope
/******/ var __nccwpck_require__ = {};
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
var external_node_v8_default = /*#__PURE__*/__nccwpck_require__.n(external_node_v8_namespaceObject);
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
;// CONCATENATED MODULE: ./src/host/gc.ts
/**
 * Every cipher.update() returns a new Buffer, and V8 frees dead Buffers' memory only on a GC, which external
 * memory alone triggers after about 64 MiB per thread: with a thread per core that is most of our footprint. A
 * young-generation collection every few MiB, which costs microseconds here, keeps each thread's garbage small.
 */


/** Chunks (of about 1 MiB) between two collections. */
const COLLECT_EVERY = 8;
let collector;
let allowed = false;
/**
 * Our own front ends (the CLI, the Actions, and the lanes they start) own their process: they turn the
 * collections on. Exposing `gc` is a process-wide V8 flag, which a library must not flip in an application
 * that calls it: there, collect() does nothing and memory is V8's to manage.
 */
function allowCollection() {
    allowed = true;
}
function collectionAllowed() {
    return allowed;
}
const NONE = () => { };
/** The collector of this thread, set up when its first loop starts (not at import), if allowed. */
function collect() {
    if (!allowed)
        return NONE;
    if (!collector) {
        external_node_v8_default().setFlagsFromString('--expose-gc');
        const gc = (0,external_node_vm_namespaceObject.runInNewContext)('gc');
        // A runtime without the flag only loses the memory bound, not correctness.
        collector = typeof gc === 'function' ? gc : NONE;
    }
    return collector;
}
/**
 * After chunk `n` (from 1) of a stream whose outputs wait for a socket: a young-generation collection every
 * COLLECT_EVERY chunks, and now and then a full one, since outputs that waited long may have been promoted.
 */
function collectAfter(n) {
    if (n % COLLECT_EVERY === 0)
        collect()({ type: n % (8 * COLLECT_EVERY) === 0 ? 'major' : 'minor', execution: 'sync' });
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/errors.ts
class errors_OepError extends Error {
    code;
    hint;
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'OepError';
        this.code = code;
        this.hint = options.hint;
    }
    /** The message, then the fix. */
    describe() {
        return this.hint ? `${this.message} (${this.hint})` : this.message;
    }
}
/** The one line every front end prints for a failure: `error[E_CODE]: message (hint)`. */
function errorLine(err, text = err.describe()) {
    return `error[${err.code}]: ${text}`;
}
/** The stack of an internal fault, printed under OEP_DEBUG=1 after its line: what a bug report needs. */
function debugStack(err) {
    if (err.code !== 'E_INTERNAL')
        return [];
    const source = err.cause instanceof Error ? err.cause : err;
    return (source.stack ?? String(source)).split('\n');
}
const INTERNAL_HINT = 'a bug in oci-encrypt-push: run again with OEP_DEBUG=1 for the stack, and report it';
/** A fault of our own (an assertion that does not hold): E_INTERNAL, and the hint says to report it. */
function internalError(message) {
    return new errors_OepError('E_INTERNAL', message, { hint: INTERNAL_HINT });
}
/** Any thrown value as an OepError: ours as it is, anything else an internal fault that keeps it as its cause. */
function asOepError(err) {
    if (err instanceof errors_OepError)
        return err;
    // The first line: a message that carries a stack (a layer worker's) keeps it for OEP_DEBUG, not for the line.
    const message = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0];
    return new errors_OepError('E_INTERNAL', message, { hint: INTERNAL_HINT, cause: err });
}
function isOepError(err, code) {
    return err instanceof errors_OepError && (code === undefined || err.code === code);
}
/**
 * `JSON.stringify` for a message that quotes untrusted JSON: a value nested too deep to print (a hostile
 * manifest's `[[[…]]]`, which JSON.parse accepts but JSON.stringify overflows the stack on) is named instead.
 */
function quote(v) {
    try {
        return String(JSON.stringify(v));
    }
    catch {
        return Array.isArray(v) ? 'a deeply nested array' : 'a deeply nested object';
    }
}

;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/ocicrypt/blockcipher.ts
/**
 * AES_256_CTR_HMAC_SHA256, the layer cipher of containers/ocicrypt (blockcipher/blockcipher_aes_ctr.go):
 * AES-256 in CTR mode with the 16-byte nonce as the whole initial counter block (all 128 bits count, as Go's
 * cipher.NewCTR and OpenSSL do), and HMAC-SHA256 over the ciphertext keyed with the same 32-byte key.
 * Both directions work chunk by chunk (constant memory whatever the layer size); loop.ts drives them.
 */


const CIPHER_AES_CTR = 'AES_256_CTR_HMAC_SHA256';
const KEY_LENGTH = 32;
const NONCE_LENGTH = 16;
const HMAC_LENGTH = 32;
function freshSecrets() {
    return { key: randomBytes(KEY_LENGTH), nonce: randomBytes(NONCE_LENGTH) };
}
function checkLengths(s) {
    if (s.key.length !== KEY_LENGTH)
        throw new errors_OepError('E_OPTIONS', `layer key must be ${KEY_LENGTH} bytes`);
    if (s.nonce.length !== NONCE_LENGTH)
        throw new errors_OepError('E_OPTIONS', `layer nonce must be ${NONCE_LENGTH} bytes`);
}
/**
 * The cipher of one layer, chunk by chunk, under the engine's layer loop (loop.ts). Encrypting MACs what it
 * outputs; decrypting MACs what it takes in.
 */
class LayerCipher {
    #cipher;
    #mac;
    #mode;
    constructor(secrets, mode) {
        checkLengths(secrets);
        this.#mode = mode;
        this.#cipher =
            mode === 'encrypt'
                ? (0,external_node_crypto_namespaceObject.createCipheriv)('aes-256-ctr', secrets.key, secrets.nonce)
                : (0,external_node_crypto_namespaceObject.createDecipheriv)('aes-256-ctr', secrets.key, secrets.nonce);
        this.#mac = (0,external_node_crypto_namespaceObject.createHmac)('sha256', secrets.key);
    }
    update(chunk) {
        if (this.#mode === 'decrypt')
            this.#mac.update(chunk);
        const out = this.#cipher.update(chunk);
        if (this.#mode === 'encrypt')
            this.#mac.update(out);
        return out;
    }
    /** The HMAC of the ciphertext. CTR has no padding, so there is never a trailing block to flush. */
    finish() {
        const tail = this.#cipher.final();
        if (tail.length)
            throw internalError('AES-CTR produced a final block');
        return this.#mac.digest();
    }
}
function integrityError() {
    return new errors_OepError('E_INTEGRITY', 'layer ciphertext failed its HMAC check: it was modified or corrupted', {
        hint: 'nothing was written; fetch the image again from a trusted source',
    });
}
/** Constant-time comparison of a computed and an expected MAC. */
function hmacMatches(got, expected) {
    return got.length === expected.length && (0,external_node_crypto_namespaceObject.timingSafeEqual)(got, expected);
}

;// CONCATENATED MODULE: ./src/ocicrypt/loop.ts
/**
 * The one layer loop of the engine: every byte of a transformed or copied layer goes through `update`, and
 * `finish` raises the integrity errors (the source's digest and size, the ciphertext's HMAC). It works on
 * chunks and hashes and knows no files or streams: the file loop (pipeline/layer-files.ts, in worker threads)
 * and `LayerStream` below adapt it. Its parameters are plain data, so they cross a thread boundary.
 */




/**
 * The middle of the loop: the cipher (and a rekey's second one) with their MACs, and nothing else, so that it
 * can run on a thread of its own while other threads hash what goes in and what comes out (host/layer-pipeline).
 */
class CipherChain {
    #cipher;
    /** A rekey's second cipher: the plaintext goes from #cipher straight into it, never out of the chain. */
    #next;
    #expectedHmac;
    constructor(params) {
        const opens = params.mode === 'decrypt' || params.mode === 'rekey';
        if (opens && params.expectedHmac.length !== HMAC_LENGTH) {
            throw new errors_OepError('E_OPTIONS', `layer HMAC must be ${HMAC_LENGTH} bytes`);
        }
        this.#cipher = new LayerCipher({ key: Buffer.from(params.key), nonce: Buffer.from(params.nonce) }, opens ? 'decrypt' : 'encrypt');
        this.#next =
            params.mode === 'rekey'
                ? new LayerCipher({ key: Buffer.from(params.newKey), nonce: Buffer.from(params.newNonce) }, 'encrypt')
                : undefined;
        this.#expectedHmac = opens ? Buffer.from(params.expectedHmac) : undefined;
    }
    /** One chunk in, a new buffer of the same length out. */
    update(chunk) {
        const plain = this.#cipher.update(chunk);
        return this.#next ? this.#next.update(plain) : plain;
    }
    /** The MAC of what was opened must match (E_INTEGRITY); then the MAC of the ciphertext, in or out. */
    finish() {
        const inputHmac = this.#cipher.finish();
        if (this.#expectedHmac && !hmacMatches(inputHmac, this.#expectedHmac))
            throw integrityError();
        return this.#next ? this.#next.finish() : inputHmac;
    }
}
class LayerLoop {
    #chain;
    #verify;
    #out;
    #copied;
    #size = 0;
    constructor(params, opts = {}) {
        this.#chain = params.mode === 'copy' ? undefined : new CipherChain(params);
        this.#verify = opts.verify;
        // A verified copy comes out as it went in: its sha256 digest is the one just checked, not worth a second
        // hash (a copy under another algorithm is hashed, so the caller sees it is not a sha256 blob).
        this.#copied = !this.#chain && this.#verify?.digest.startsWith('sha256:') ? this.#verify : undefined;
        this.#out = opts.hashOutput === false || this.#copied ? undefined : (0,external_node_crypto_namespaceObject.createHash)('sha256');
    }
    /**
     * One chunk in, its output out: a new buffer from the cipher, or, when copying, `chunk` itself (a caller that
     * reuses its read buffer copies it before the next read).
     */
    update(chunk) {
        this.#verify?.update(chunk);
        const out = this.#chain ? this.#chain.update(chunk) : chunk;
        this.#out?.update(out);
        this.#size += out.length;
        return out;
    }
    /** The input's digest and size first (E_DIGEST), then the MAC (E_INTEGRITY); then what came out. */
    finish() {
        this.#verify?.finish();
        const hmac = this.#chain?.finish();
        const digest = this.#out ? `sha256:${this.#out.digest('hex')}` : this.#copied?.digest;
        return { ...(digest ? { digest } : {}), size: this.#size, ...(hmac ? { hmac } : {}) };
    }
}
/**
 * The loop as a stream stage, for sources that are not local files. A failed check fails the stream at its
 * end, so a consumer that commits only on success (the layout writer renames a temp file) never publishes
 * bad bytes. `result()` is available once the stream has flushed.
 */
class LayerStream extends external_node_stream_namespaceObject.Transform {
    #loop;
    #result;
    constructor(params, opts) {
        super();
        this.#loop = new LayerLoop(params, opts);
    }
    _transform(chunk, _enc, cb) {
        try {
            cb(null, this.#loop.update(chunk));
        }
        catch (err) {
            cb(err);
        }
    }
    _flush(cb) {
        try {
            this.#result = this.#loop.finish();
            cb();
        }
        catch (err) {
            cb(err);
        }
    }
    result() {
        if (!this.#result)
            throw internalError('LayerStream.result() called before the stream was finished');
        return this.#result;
    }
}

;// CONCATENATED MODULE: ./src/host/lanes.ts
/**
 * Lanes: threads that each run many layer streams at once, one chunk at a time, for the layer jobs of
 * host/layer-pipeline.ts. Chunks sit in the job's ring of shared slots and are named by slot: nothing is sent
 * between threads but the slot numbers.
 *
 * A layer is one `loop` stream (the whole layer loop on one thread: input digest, cipher chain, output digest,
 * write; the data stays in that core's cache), or, to put every core on one layer, three streams on three
 * lanes: `chain` (AES, the HMAC and the write, its output also copied to an output slot) and two `hash`
 * streams, the input digest and the output digest. The three SHA-256 passes are independent, so the layer
 * goes about as fast as the cores allow, for the price of the copy and of each chunk crossing cores. The
 * chain writes so that the main thread, which reads every chunk and dispatches it and is one of the lanes,
 * never has a write to do: given the write and the output digest (one stream, as it was), it was the slowest
 * lane, and the others waited on it (`perf stat`: 1.7 of 2 cores busy on one layer; 1.9 now).
 */






function toWire(err) {
    if (err instanceof errors_OepError) {
        return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
    }
    const errno = err?.code;
    return errno
        ? { errno, message: err.message }
        : { message: String(err?.stack ?? err) };
}
function fromWire(e) {
    if (e.code)
        return new OepError(e.code, e.message, e.hint ? { hint: e.hint } : {});
    return e.errno ? Object.assign(new Error(e.message), { code: e.errno }) : new Error(e.message);
}
function openStream(spec) {
    const { sab, slotSize } = spec.ring;
    const slots = Array.from({ length: sab.byteLength / slotSize }, (_, i) => Buffer.from(sab, i * slotSize, slotSize));
    switch (spec.kind) {
        case 'loop': {
            const chain = spec.params ? new CipherChain(spec.params) : undefined;
            // A copy writes what it read: its output digest is the input's, checked by the caller.
            const output = chain ? (0,external_node_crypto_namespaceObject.createHash)('sha256') : undefined;
            return { input: (0,external_node_crypto_namespaceObject.createHash)(spec.algorithm), ...(chain ? { chain, output } : {}), fd: spec.fd, slots };
        }
        case 'hash':
            return { input: (0,external_node_crypto_namespaceObject.createHash)(spec.algorithm), slots };
        case 'chain':
            return { chain: new CipherChain(spec.params), fd: spec.fd, slots };
    }
}
function writeAllSync(fd, buf, at) {
    for (let off = 0; off < buf.length;)
        off += (0,external_node_fs_namespaceObject.writeSync)(fd, buf, off, buf.length - off, at + off);
}
/** One chunk through what the stream does, in the loop's order. */
function update(s, m) {
    let bytes = s.slots[m.slot].subarray(0, m.len);
    s.input?.update(bytes);
    if (s.chain) {
        const out = s.chain.update(bytes);
        // fill() with a buffer as long as the range is one memcpy; copy() into shared memory goes byte-atomic.
        if (m.to !== undefined)
            s.slots[m.to].fill(out, 0, m.len);
        bytes = out;
    }
    s.output?.update(bytes);
    if (s.fd !== undefined)
        writeAllSync(s.fd, bytes, m.at);
}
function finish(s) {
    const r = {};
    if (s.input)
        r.inHex = s.input.digest('hex');
    try {
        if (s.chain)
            r.hmac = s.chain.finish();
    }
    catch (err) {
        r.chainError = toWire(err);
    }
    if (s.output)
        r.outHex = s.output.digest('hex');
    return r;
}
/**
 * What a lane does with each request, replying through `reply`: run in a worker thread by serveLanes, or on
 * the main thread for the lane that thread is (lane-pool.ts).
 */
function laneHandler(reply) {
    const streams = new Map();
    return (m) => {
        if (m.op === 'drop')
            return void streams.delete(m.stream);
        try {
            if (m.op === 'open') {
                streams.set(m.stream, openStream(m.spec));
                return reply({ stream: m.stream, ack: true });
            }
            const s = streams.get(m.stream);
            if (!s)
                return reply({ stream: m.stream, error: { message: `lane: stream ${m.stream} is closed` } });
            if (m.op === 'finish') {
                streams.delete(m.stream);
                return reply({ stream: m.stream, result: finish(s) });
            }
            update(s, m);
            reply({ stream: m.stream, ack: true });
            // The cipher's output is garbage now: collected at once, its memory is the next chunk's. Left for
            // later, several would be freed together and trimmed, and every page faulted in again.
            if (s.chain)
                collect()({ type: 'minor', execution: 'sync' });
        }
        catch (err) {
            streams.delete(m.stream);
            reply({ stream: m.stream, error: toWire(err) });
        }
    };
}
/** Worker side: serve stream requests until the pool terminates us. */
function serveLanes() {
    const port = external_node_worker_threads_namespaceObject.parentPort;
    if (!port)
        throw internalError('serveLanes() runs in a worker thread');
    port.on('message', laneHandler((r) => port.postMessage(r)));
}

;// CONCATENATED MODULE: ./src/host/layer-worker.ts
// Entry point of a layer lane thread (bundled to dist/worker): only the hashes and the cipher chain, so that
// each lane costs a few MiB, not a second copy of the whole program.



if (external_node_worker_threads_namespaceObject.workerData?.collect)
    allowCollection();
serveLanes();

