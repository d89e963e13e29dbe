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

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
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

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:v8"
const external_node_v8_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:v8");
var external_node_v8_default = /*#__PURE__*/__nccwpck_require__.n(external_node_v8_namespaceObject);
;// CONCATENATED MODULE: external "node:vm"
const external_node_vm_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:vm");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/oci/digest.ts

/** Algorithms the OCI spec registers, with the hex length of their encoded part. */
const ALGORITHMS = { sha256: 64, sha512: 128 };
/** Parse and validate `alg:hex`. Anything else (uppercase, other algorithms, path tricks) is refused. */
function parseDigest(digest, where) {
    if (typeof digest === 'string') {
        const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
        if (m && ALGORITHMS[m[1]] === m[2].length) {
            return { algorithm: m[1], hex: m[2] };
        }
    }
    throw new errors_OepError('E_MANIFEST', `${where}: invalid digest ${quote(digest)}`, {
        hint: 'digests must be sha256:<64 hex> or sha512:<128 hex>',
    });
}

;// CONCATENATED MODULE: ./src/oci/verifier.ts
/**
 * The digest and size check of a blob we read, chunk by chunk. Every reader uses it: the layout and registry
 * streams (through VerifyingStream) and the engine's layer loop. A blob longer than its descriptor fails as soon
 * as it overflows; a short blob or a wrong digest fails at the end, before the reader reports success.
 */



class DigestVerifier {
    #hash;
    #expected;
    #where;
    #seen = 0;
    /** `where` names the source in messages (a layout, an archive, a registry repository). */
    constructor(desc, where) {
        const { algorithm, hex } = parseDigest(desc.digest, where);
        this.#hash = (0,external_node_crypto_namespaceObject.createHash)(algorithm);
        this.#expected = { digest: desc.digest, hex, size: desc.size };
        this.#where = where;
    }
    update(chunk) {
        this.#seen += chunk.length;
        if (this.#seen > this.#expected.size) {
            throw this.error(`is larger than its descriptor's size ${this.#expected.size}`);
        }
        this.#hash.update(chunk);
    }
    /** A size known before reading (a file's, an entry's) must be the descriptor's. */
    checkSize(size) {
        if (size !== this.#expected.size)
            throw this.#sizeError(size);
    }
    /** All bytes seen: the size and the digest must match. */
    finish() {
        if (this.#seen !== this.#expected.size)
            throw this.#sizeError(this.#seen);
        const got = this.#hash.digest('hex');
        if (got !== this.#expected.hex) {
            throw this.error(`does not match its digest (content hashes to ${got.slice(0, 12)}…)`);
        }
    }
    /** An E_DIGEST error about this blob: "<where>: blob <digest> <what>". */
    error(what) {
        return new errors_OepError('E_DIGEST', `${this.#where}: blob ${this.#expected.digest} ${what}`, {
            hint: 'the layout is corrupt or was modified; rebuild it',
        });
    }
    #sizeError(size) {
        return this.error(`has ${size} bytes, its descriptor says ${this.#expected.size}`);
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




class LayerLoop {
    #cipher;
    /** A rekey's second cipher: the plaintext goes from #cipher straight into it, never out of the loop. */
    #next;
    #expectedHmac;
    #verify;
    #out;
    #size = 0;
    constructor(params, opts = {}) {
        const opens = params.mode === 'decrypt' || params.mode === 'rekey';
        if (opens && params.expectedHmac.length !== HMAC_LENGTH) {
            throw new errors_OepError('E_OPTIONS', `layer HMAC must be ${HMAC_LENGTH} bytes`);
        }
        this.#cipher =
            params.mode === 'copy'
                ? undefined
                : new LayerCipher({ key: Buffer.from(params.key), nonce: Buffer.from(params.nonce) }, opens ? 'decrypt' : 'encrypt');
        this.#next =
            params.mode === 'rekey'
                ? new LayerCipher({ key: Buffer.from(params.newKey), nonce: Buffer.from(params.newNonce) }, 'encrypt')
                : undefined;
        this.#expectedHmac = opens ? Buffer.from(params.expectedHmac) : undefined;
        this.#verify = opts.verify;
        this.#out = opts.hashOutput === false ? undefined : (0,external_node_crypto_namespaceObject.createHash)('sha256');
    }
    /**
     * One chunk in, its output out: a new buffer from the cipher, or, when copying, `chunk` itself (a caller that
     * reuses its read buffer copies it before the next read).
     */
    update(chunk) {
        this.#verify?.update(chunk);
        const plain = this.#cipher ? this.#cipher.update(chunk) : chunk;
        const out = this.#next ? this.#next.update(plain) : plain;
        this.#out?.update(out);
        this.#size += out.length;
        return out;
    }
    /** The input's digest and size first (E_DIGEST), then the MAC (E_INTEGRITY); then what came out. */
    finish() {
        this.#verify?.finish();
        const inputHmac = this.#cipher?.finish();
        if (this.#expectedHmac && !hmacMatches(inputHmac, this.#expectedHmac))
            throw integrityError();
        const hmac = this.#next ? this.#next.finish() : inputHmac;
        return {
            ...(this.#out ? { digest: `sha256:${this.#out.digest('hex')}` } : {}),
            size: this.#size,
            ...(hmac ? { hmac } : {}),
        };
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

;// CONCATENATED MODULE: ./src/host/layer-files.ts
/**
 * One layer, file to file: read the source blob where it sits (a layout folder or inside an OCI archive),
 * and write what the engine's layer loop (ocicrypt/loop.ts: digest check, cipher, HMAC, output hash) makes of
 * it to a temp file. One reused read buffer, one output buffer per chunk, writes overlapped with the next
 * read: this is the hot loop, and it runs in worker threads so that each core takes a layer.
 */







const CHUNK = 1024 * 1024;
/**
 * Every cipher.update() returns a new Buffer, and V8 frees dead Buffers' memory only on a GC, which external
 * memory alone triggers after about 64 MiB per thread: with a worker per core that is most of our footprint. A
 * young-generation collection every few MiB, which costs microseconds here, keeps each thread's garbage small.
 */
const COLLECT_EVERY = 8;
let collector;
/**
 * The collector of this thread, set up when its first file loop starts (not at import: exposing `gc` is a
 * process-wide V8 flag, which a library must not flip by being imported).
 */
function collect() {
    if (!collector) {
        external_node_v8_default().setFlagsFromString('--expose-gc');
        const gc = (0,external_node_vm_namespaceObject.runInNewContext)('gc');
        // A runtime without the flag only loses the memory bound, not correctness.
        collector = typeof gc === 'function' ? gc : () => { };
    }
    return collector;
}
async function writeAll(fh, buf) {
    let off = 0;
    while (off < buf.length)
        off += (await fh.write(buf, off, buf.length - off)).bytesWritten;
}
/**
 * The blob's file, as the source checked it: not through a link swapped in since, not a FIFO that would block
 * (the digest check stands behind this, but a hang or a read of another file must not start).
 */
async function openSource(path, verify) {
    const flags = external_node_fs_namespaceObject.constants.O_RDONLY | external_node_fs_namespaceObject.constants.O_NOFOLLOW | external_node_fs_namespaceObject.constants.O_NONBLOCK;
    const fh = await (0,promises_namespaceObject.open)(path, flags).catch((err) => {
        throw err.code === 'ELOOP' ? verify.error('is now a symbolic link') : err;
    });
    if (!(await fh.stat()).isFile()) {
        await fh.close();
        throw verify.error('is no longer a regular file');
    }
    return fh;
}
/**
 * Read the blob once with positional reads into one reused buffer, each chunk through the layer loop, each
 * output written while the next chunk is read. Returns the loop's result; the checks are the loop's.
 */
async function pump(job, io, onProgress) {
    const { input, output, loop, verify } = io;
    const gc = collect();
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending = Promise.resolve();
    let done = 0;
    try {
        for (let chunks = 1; done < job.expected.size; chunks++) {
            const want = Math.min(CHUNK, job.expected.size - done);
            const { bytesRead } = await input.read(buf, 0, want, job.source.offset + done);
            if (bytesRead === 0)
                throw verify.error(`ends after ${done} bytes, its descriptor says ${job.expected.size}`);
            const chunk = buf.subarray(0, bytesRead);
            const out = loop.update(chunk);
            await pending;
            // A copy comes back as the read buffer itself, which the next read reuses: the write gets its own.
            pending = writeAll(output, out === chunk ? Buffer.from(chunk) : out);
            done += bytesRead;
            onProgress?.(done);
            if (chunks % COLLECT_EVERY === 0)
                gc({ type: 'minor', execution: 'sync' });
        }
    }
    finally {
        await pending.catch(() => { }); // a write still under way must end before its file goes
    }
    await pending;
    const r = loop.finish();
    return { digest: r.digest, size: r.size, ...(r.hmac ? { hmac: r.hmac } : {}) };
}
async function layer_files_runFileJob(job, onProgress) {
    const verify = new DigestVerifier(job.expected, job.sourceName);
    verify.checkSize(job.source.size);
    const loop = new LayerLoop(job, { verify });
    const input = await openSource(job.source.path, verify);
    let output;
    try {
        output = await (0,promises_namespaceObject.open)(job.out, 'wx', job.fileMode ?? 0o666);
        return await pump(job, { input, output, loop, verify }, onProgress);
    }
    catch (err) {
        await output?.close();
        output = undefined;
        await (0,promises_namespaceObject.rm)(job.out, { force: true });
        throw err;
    }
    finally {
        await input.close();
        await output?.close();
    }
}
/**
 * The bytes of a blob we wrote ourselves a moment ago, for upload: fresh 1 MiB buffers (the HTTP client keeps
 * each until the socket took it), the size checked, and no second hash on this thread: the registry checks
 * the digest of every blob we PUT (distribution refuses a mismatch with DIGEST_INVALID) and we read back each
 * blob's size and every manifest after the push.
 */
async function* uploadChunks(blob, expected) {
    const fh = await blob.open();
    try {
        if (blob.size !== expected.size) {
            throw new OepError('E_DIGEST', `blob ${expected.digest} has ${blob.size} bytes on disk, expected ${expected.size}`);
        }
        let done = 0;
        let chunks = 0;
        while (done < expected.size) {
            const buf = Buffer.allocUnsafe(Math.min(CHUNK, expected.size - done));
            const { bytesRead } = await fh.read(buf, 0, buf.length, done);
            if (bytesRead === 0)
                throw new OepError('E_DIGEST', `blob ${expected.digest} ends after ${done} bytes`);
            done += bytesRead;
            yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
            if (++chunks % COLLECT_EVERY === 0)
                collect()({ type: chunks % (8 * COLLECT_EVERY) === 0 ? 'major' : 'minor', execution: 'sync' });
        }
    }
    finally {
        await fh.close();
    }
}

;// CONCATENATED MODULE: ./src/host/layer-workers.ts
/**
 * A small pool of worker threads running layer file jobs, so that each core encrypts a layer: the hashing and
 * the cipher are synchronous, and on the main thread they would take turns on one core. The front end names
 * the worker entry (layer-worker.ts, bundled to dist/worker); without one, jobs run inline. Errors come back
 * as OepErrors with their code.
 */





/** Worker side: answer job messages until the pool terminates us. */
function serveLayerJobs() {
    const port = external_node_worker_threads_namespaceObject.parentPort;
    if (!port)
        throw internalError('serveLayerJobs() runs in a worker thread');
    port.on('message', (msg) => {
        let last = 0;
        const progress = (bytes) => {
            if (bytes - last >= 256 * 1024 * 1024) {
                last = bytes;
                port.postMessage({ id: msg.id, progress: bytes });
            }
        };
        layer_files_runFileJob(msg.job, progress).then((result) => port.postMessage({ id: msg.id, result }), (err) => {
            const e = err;
            const error = e instanceof errors_OepError
                ? { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }
                : { message: String(err?.stack ?? err) };
            port.postMessage({ id: msg.id, error });
        });
    });
}
class LayerWorkers {
    #script;
    #size;
    #slots = [];
    #nextId = 0;
    constructor(script, size) {
        this.#script = script;
        this.#size = Math.max(1, size);
    }
    #spawn() {
        if (this.#script.endsWith('.ts')) {
            // Running from source (tests, tsx): Node 20 does not carry tsx's loader into workers, so register it there.
            const url = JSON.stringify(pathToFileURL(this.#script).href);
            return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${url}); });`, {
                eval: true,
            });
        }
        return new Worker(this.#script);
    }
    /** An idle worker, or a new one while the pool is not full; undefined when all are busy. */
    #tryAcquire() {
        const idle = this.#slots.find((s) => !s.busy);
        if (idle) {
            idle.busy = true;
            return idle;
        }
        if (this.#slots.length >= this.#size)
            return undefined;
        const slot = { worker: this.#spawn(), busy: true };
        slot.worker.unref();
        // A worker that dies while idle must leave the pool, or the next job would wait on it forever.
        slot.worker.once('exit', () => {
            const i = this.#slots.indexOf(slot);
            if (i !== -1)
                this.#slots.splice(i, 1);
        });
        this.#slots.push(slot);
        return slot;
    }
    #release(slot) {
        slot.busy = false;
    }
    async #drop(slot) {
        const i = this.#slots.indexOf(slot);
        if (i !== -1)
            this.#slots.splice(i, 1);
        await slot.worker.terminate();
    }
    /**
     * Run a job on a free worker, or on this thread when every worker is busy: the calling thread is a lane too,
     * so a pool one smaller than the cores keeps them all busy without paying for a worker per core. An abort
     * terminates the job's worker (its temp file is the writer's to remove).
     */
    async run(job, signal, onProgress) {
        const slot = this.#tryAcquire();
        if (!slot)
            return runFileJob(job, onProgress);
        const id = this.#nextId++;
        return new Promise((resolve, reject) => {
            const { worker } = slot;
            const cleanup = () => {
                worker.off('message', onMessage);
                worker.off('error', onError);
                worker.off('exit', onExit);
                signal?.removeEventListener('abort', onAbort);
            };
            const onMessage = (msg) => {
                if (msg.id !== id)
                    return;
                if ('progress' in msg) {
                    onProgress?.(msg.progress);
                    return;
                }
                cleanup();
                this.#release(slot);
                if ('result' in msg)
                    resolve(msg.result);
                else {
                    const { code, message, hint } = msg.error;
                    reject(code ? new OepError(code, message, hint ? { hint } : {}) : new Error(message));
                }
            };
            // Settle only once the worker has stopped: the caller then removes the staging folder, and a worker
            // still writing its temp file there (plaintext, when decrypting) must not outlive that.
            const fail = (err) => {
                cleanup();
                void this.#drop(slot).finally(() => reject(err));
            };
            const onError = (err) => fail(err);
            const onExit = (codeNum) => fail(new Error(`layer worker exited with code ${codeNum}`));
            const onAbort = () => fail(signal.reason ?? new Error('aborted'));
            worker.on('message', onMessage);
            worker.on('error', onError);
            worker.on('exit', onExit);
            if (signal?.aborted)
                return onAbort();
            signal?.addEventListener('abort', onAbort, { once: true });
            worker.postMessage({ id, job });
        });
    }
    async close() {
        const slots = this.#slots.splice(0);
        await Promise.all(slots.map((s) => s.worker.terminate()));
    }
}
function defaultConcurrency() {
    return Math.max(2, Math.min(4, availableParallelism()));
}
/** When the front end named the worker entry: a pool of worker threads for the large layers. */
function startWorkers(opts) {
    return opts.workerScript
        ? new LayerWorkers(opts.workerScript, opts.concurrency ?? defaultConcurrency())
        : undefined;
}
function rewriteRuntime(opts, workers) {
    return { concurrency: opts.concurrency ?? defaultConcurrency(), ...(workers ? { workers } : {}) };
}

;// CONCATENATED MODULE: ./src/host/layer-worker.ts
// Entry point of a layer worker thread (bundled to dist/worker): only the file loop and the cipher, so that
// each worker costs a few MiB, not a second copy of the whole program.

serveLayerJobs();

