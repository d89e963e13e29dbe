#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 26:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./src/errors.ts
class OepError extends Error {
    code;
    hint;
    constructor(code, message, options = {}) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'OepError';
        this.code = code;
        this.hint = options.hint;
    }
    /** The one line a front end prints: message, then the fix. */
    describe() {
        return this.hint ? `${this.message} (${this.hint})` : this.message;
    }
}
function isOepError(err, code) {
    return err instanceof OepError && (code === undefined || err.code === code);
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
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
    throw new OepError('E_MANIFEST', `${where}: invalid digest ${JSON.stringify(digest)}`, {
        hint: 'digests must be sha256:<64 hex> or sha512:<128 hex>',
    });
}

;// CONCATENATED MODULE: ./src/oci/layout/tar.ts
/**
 * Just enough tar to read an OCI archive in place: we index the entries (ustar, pax `path`/`size` records and
 * GNU long names) and later read each blob straight from its offset, so nothing is extracted to disk.
 * Links, absolute paths and `..` are refused outright: an archive is untrusted input.
 * Also a small ustar writer, used to build sample images and fixtures without external tools.
 */


const BLOCK = 512;
function cstr(buf, start, len) {
    const slice = buf.subarray(start, start + len);
    const nul = slice.indexOf(0);
    return slice.subarray(0, nul === -1 ? len : nul).toString('utf8');
}
function octal(buf, start, len, where) {
    const field = buf.subarray(start, start + len);
    if ((field[0] & 0x80) !== 0) {
        // GNU base-256 for sizes over 8 GiB.
        let n = 0;
        for (let i = 1; i < field.length; i++)
            n = n * 256 + field[i];
        return n;
    }
    const text = cstr(buf, start, len).trim();
    if (text === '')
        return 0;
    if (!/^[0-7]+$/.test(text))
        throw new OepError('E_LAYOUT', `${where}: corrupt tar header`);
    return parseInt(text, 8);
}
function parsePax(data) {
    const out = {};
    let pos = 0;
    while (pos < data.length) {
        const space = data.indexOf(0x20, pos);
        if (space === -1)
            break;
        const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
        if (!Number.isFinite(len) || len <= 0)
            break;
        const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
        const eq = record.indexOf('=');
        if (eq > 0)
            out[record.slice(0, eq)] = record.slice(eq + 1);
        pos += len;
    }
    return out;
}
/** Normalise an entry name and refuse anything that could escape the archive's root. */
function safeEntryName(name, where) {
    const clean = name.replace(/^\.\//, '').replace(/\/+$/, '');
    if (name.startsWith('/') || clean.split('/').some((p) => p === '..')) {
        throw new OepError('E_LAYOUT', `${where}: entry ${JSON.stringify(name)} escapes the archive`, {
            hint: 'OCI archives hold only relative paths',
        });
    }
    return clean;
}
async function readAt(fh, offset, length) {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
}
async function indexTar(path) {
    const fh = await (0,promises_namespaceObject.open)(path, 'r');
    try {
        const { size: fileSize } = await fh.stat();
        const entries = new Map();
        let offset = 0;
        let pax = {};
        let longName;
        for (;;) {
            const header = await readAt(fh, offset, BLOCK);
            if (header.length < BLOCK)
                throw new OepError('E_LAYOUT', `${path}: truncated tar archive`);
            if (header.every((b) => b === 0))
                break;
            const type = String.fromCharCode(header[156] || 0x30);
            let size = octal(header, 124, 12, path);
            const prefix = cstr(header, 345, 155);
            let name = longName ?? pax.path ?? (prefix ? `${prefix}/${cstr(header, 0, 100)}` : cstr(header, 0, 100));
            if (pax.size !== undefined)
                size = Number(pax.size);
            const dataOffset = offset + BLOCK;
            if (dataOffset + size > fileSize)
                throw new OepError('E_LAYOUT', `${path}: truncated tar archive`);
            const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
            if (type === 'x' || type === 'g' || type === 'L') {
                const data = await readAt(fh, dataOffset, size);
                if (type === 'x')
                    pax = parsePax(data);
                if (type === 'L')
                    longName = cstr(data, 0, data.length);
                offset = next;
                continue;
            }
            name = safeEntryName(name, path);
            if (type === '1' || type === '2') {
                throw new OepError('E_LAYOUT', `${path}: entry ${JSON.stringify(name)} is a link`, {
                    hint: 'OCI archives must hold regular files only',
                });
            }
            if (type === '0' || type === '\0' || type === '7')
                entries.set(name, { name, offset: dataOffset, size });
            pax = {};
            longName = undefined;
            offset = next;
        }
        return entries;
    }
    finally {
        await fh.close();
    }
}
function header(name, size, type) {
    const h = Buffer.alloc(BLOCK);
    let prefix = '';
    let base = name;
    if (Buffer.byteLength(name) > 100) {
        const cut = name.lastIndexOf('/', 155);
        prefix = name.slice(0, cut);
        base = name.slice(cut + 1);
    }
    h.write(base, 0, 100, 'utf8');
    h.write(type === '5' ? '0000755\0' : '0000644\0', 100, 'ascii');
    h.write('0000000\0', 108, 'ascii');
    h.write('0000000\0', 116, 'ascii');
    h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
    h.write('00000000000\0', 136, 'ascii');
    h.write('        ', 148, 'ascii');
    h.write(type, 156, 'ascii');
    h.write('ustar\x0000', 257, 'binary');
    h.write(prefix, 345, 155, 'utf8');
    let sum = 0;
    for (const b of h)
        sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    return h;
}
/** Build a small ustar archive in memory (fixtures and sample images only: never used for layers we read). */
function buildTar(files) {
    const parts = [];
    for (const f of files) {
        const data = Buffer.from(f.data ?? new Uint8Array());
        parts.push(header(f.name, f.dir ? 0 : data.length, f.dir ? '5' : '0'));
        if (!f.dir && data.length) {
            parts.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
        }
    }
    parts.push(Buffer.alloc(BLOCK * 2));
    return Buffer.concat(parts);
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: ./src/oci/layout/verify.ts
/**
 * Digest- and size-checked streams. Every blob we read passes through one of these: a blob that is longer
 * than its descriptor fails as soon as it overflows, and a wrong digest or a short blob fails at the end,
 * before the consumer sees the stream finish.
 */




/** A pass-through that hashes and counts what flows, for computing the digest of bytes we produce. */
class DigestCounter extends external_node_stream_namespaceObject.Transform {
    #hash;
    size = 0;
    constructor(algorithm = 'sha256') {
        super();
        this.#hash = (0,external_node_crypto_namespaceObject.createHash)(algorithm);
    }
    _transform(chunk, _enc, cb) {
        this.#hash.update(chunk);
        this.size += chunk.length;
        cb(null, chunk);
    }
    #digest;
    /** Valid once the stream has ended. */
    digest() {
        this.#digest ??= `sha256:${this.#hash.digest('hex')}`;
        return this.#digest;
    }
}
class VerifyingStream extends external_node_stream_namespaceObject.Transform {
    #hash;
    #expected;
    #where;
    #seen = 0;
    constructor(desc, where) {
        super();
        const { algorithm, hex } = parseDigest(desc.digest, where);
        this.#hash = (0,external_node_crypto_namespaceObject.createHash)(algorithm);
        this.#expected = { digest: desc.digest, hex, size: desc.size };
        this.#where = where;
    }
    _transform(chunk, _enc, cb) {
        this.#seen += chunk.length;
        if (this.#seen > this.#expected.size) {
            cb(this.#mismatch(`is larger than its descriptor's size ${this.#expected.size}`));
            return;
        }
        this.#hash.update(chunk);
        cb(null, chunk);
    }
    _flush(cb) {
        if (this.#seen !== this.#expected.size) {
            cb(this.#mismatch(`has ${this.#seen} bytes, its descriptor says ${this.#expected.size}`));
            return;
        }
        const got = this.#hash.digest('hex');
        if (got !== this.#expected.hex) {
            cb(this.#mismatch(`does not match its digest (content hashes to ${got.slice(0, 12)}…)`));
            return;
        }
        cb();
    }
    #mismatch(what) {
        return new OepError('E_DIGEST', `${this.#where}: blob ${this.#expected.digest} ${what}`, {
            hint: 'the layout is corrupt or was modified; rebuild it',
        });
    }
}

;// CONCATENATED MODULE: ./src/oci/layout/source.ts
/**
 * Reading an OCI image layout, from a folder or from an OCI archive (`.tar`) read in place. Both give the same
 * interface: the top-level index and digest-verified blob streams. Nothing here trusts the layout.
 */








/** Manifests, indexes and configs are small; registries cap them at 4 MiB, and so do we. */
const MAX_JSON_BLOB = 4 * 1024 * 1024;
function blobPath(digest, where) {
    const { algorithm, hex } = parseDigest(digest, where);
    return `blobs/${algorithm}/${hex}`;
}
function missing(name, digest) {
    return new OepError('E_BLOB_MISSING', `${name}: blob ${digest} is missing`, {
        hint: 'the layout is incomplete; rebuild or re-export it',
    });
}
function checkLayoutMarker(name, text) {
    if (text === undefined) {
        throw new OepError('E_LAYOUT', `${name} is not an OCI layout: no oci-layout file`, {
            hint: 'pass a folder or .tar written by buildah, buildx (--output type=oci), skopeo (oci:) or umoci',
        });
    }
    let version;
    try {
        version = JSON.parse(text).imageLayoutVersion;
    }
    catch {
        version = undefined;
    }
    if (version !== '1.0.0') {
        throw new OepError('E_LAYOUT', `${name}: oci-layout is malformed or of an unknown version`, {
            hint: 'expected {"imageLayoutVersion":"1.0.0"}',
        });
    }
}
async function readSmall(stream, desc, where) {
    if (desc.size > MAX_JSON_BLOB) {
        stream.destroy();
        throw new OepError('E_MANIFEST', `${where}: ${desc.size} bytes is too large for a manifest or config`);
    }
    const chunks = [];
    for await (const c of stream)
        chunks.push(c);
    return Buffer.concat(chunks);
}
class DirSource {
    name;
    root;
    constructor(name, root) {
        this.name = name;
        this.root = root;
    }
    static async open(name, root) {
        let marker;
        try {
            marker = await (0,promises_namespaceObject.readFile)((0,external_node_path_namespaceObject.join)(root, 'oci-layout'), 'utf8');
        }
        catch {
            marker = undefined;
        }
        checkLayoutMarker(name, marker);
        return new DirSource(name, await (0,promises_namespaceObject.realpath)(root));
    }
    async indexJson() {
        const p = (0,external_node_path_namespaceObject.join)(this.root, 'index.json');
        try {
            const st = await (0,promises_namespaceObject.lstat)(p);
            if (!st.isFile())
                throw new Error('not a regular file');
            if (st.size > MAX_JSON_BLOB)
                throw new Error('too large');
            return await (0,promises_namespaceObject.readFile)(p);
        }
        catch (err) {
            throw new OepError('E_LAYOUT', `${this.name}: cannot read index.json: ${err.message}`, {
                hint: 'an OCI layout needs an index.json next to oci-layout',
            });
        }
    }
    /** Blobs must be regular files inside the layout: a symlink could point anywhere. */
    async #checkedPath(digest) {
        const p = (0,external_node_path_namespaceObject.join)(this.root, blobPath(digest, this.name));
        try {
            const st = await (0,promises_namespaceObject.lstat)(p);
            if (!st.isFile()) {
                throw new OepError('E_LAYOUT', `${this.name}: blob ${digest} is not a regular file`, {
                    hint: 'layouts must not hold links',
                });
            }
            return p;
        }
        catch (err) {
            if (err.code === 'ENOENT')
                return undefined;
            throw err;
        }
    }
    async has(desc) {
        return (await this.#checkedPath(desc.digest)) !== undefined;
    }
    async open(desc) {
        const p = await this.#checkedPath(desc.digest);
        if (!p)
            throw missing(this.name, desc.digest);
        const verify = new VerifyingStream(desc, this.name);
        const raw = (0,external_node_fs_namespaceObject.createReadStream)(p, { highWaterMark: 1024 * 1024 });
        raw.on('error', (e) => verify.destroy(e));
        return raw.pipe(verify);
    }
    async read(desc) {
        return readSmall(await this.open(desc), desc, this.name);
    }
}
class ArchiveSource {
    name;
    path;
    entries;
    constructor(name, path, entries) {
        this.name = name;
        this.path = path;
        this.entries = entries;
    }
    static async open(name, path) {
        const entries = await indexTar(path);
        const src = new ArchiveSource(name, path, entries);
        const marker = entries.get('oci-layout');
        checkLayoutMarker(name, marker && marker.size < 4096 ? (await src.#bytes(marker)).toString('utf8') : undefined);
        return src;
    }
    async #bytes(e) {
        const chunks = [];
        await (0,external_node_stream_promises_namespaceObject.pipeline)(this.#stream(e), async function* (src) {
            for await (const c of src)
                chunks.push(c);
        });
        return Buffer.concat(chunks);
    }
    #stream(e) {
        if (e.size === 0)
            return (0,external_node_fs_namespaceObject.createReadStream)(this.path, { start: 1, end: 0 });
        return (0,external_node_fs_namespaceObject.createReadStream)(this.path, {
            start: e.offset,
            end: e.offset + e.size - 1,
            highWaterMark: 1024 * 1024,
        });
    }
    async indexJson() {
        const e = this.entries.get('index.json');
        if (!e || e.size > MAX_JSON_BLOB) {
            throw new OepError('E_LAYOUT', `${this.name}: the archive has no usable index.json`, {
                hint: 'an OCI archive holds oci-layout, index.json and blobs/',
            });
        }
        return this.#bytes(e);
    }
    async has(desc) {
        return this.entries.has(blobPath(desc.digest, this.name));
    }
    async open(desc) {
        const e = this.entries.get(blobPath(desc.digest, this.name));
        if (!e)
            throw missing(this.name, desc.digest);
        const verify = new VerifyingStream(desc, this.name);
        const raw = this.#stream(e);
        raw.on('error', (err) => verify.destroy(err));
        return raw.pipe(verify);
    }
    async read(desc) {
        return readSmall(await this.open(desc), desc, this.name);
    }
}
/** Open a layout folder or an OCI archive file. */
async function openLayout(path) {
    let st;
    try {
        st = await (0,promises_namespaceObject.lstat)(path);
    }
    catch {
        throw new OepError('E_LAYOUT', `layout ${path} does not exist`, {
            hint: 'pass the folder or .tar that the build step wrote (e.g. buildx --output type=oci,dest=image.tar)',
        });
    }
    // The layout path itself may be a link (a workspace mount); links inside it are refused.
    if (st.isSymbolicLink())
        st = await (0,promises_namespaceObject.stat)(path);
    if (st.isDirectory())
        return DirSource.open(path, path);
    if (st.isFile())
        return ArchiveSource.open(path, path);
    throw new OepError('E_LAYOUT', `layout ${path} is neither a folder nor a file`);
}

;// CONCATENATED MODULE: ./src/oci/mediatypes.ts
/**
 * Media types we read and write, and the `+encrypted` rules of containers/image (manifest/oci.go
 * getEncryptedMediaType): the suffix goes on the whole current media type, and only layer types can carry it.
 */
const MT = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    ociConfig: 'application/vnd.oci.image.config.v1+json',
    ociLayer: 'application/vnd.oci.image.layer.v1.tar',
    ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    ociForeignLayer: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
    dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
    dockerConfig: 'application/vnd.docker.container.image.v1+json',
    dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar',
    dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
};
const ENCRYPTED_SUFFIX = '+encrypted';
function isIndexMediaType(mt) {
    return mt === MT.ociIndex || mt === MT.dockerManifestList;
}
function isManifestMediaType(mt) {
    return mt === MT.ociManifest || mt === MT.dockerManifest;
}
function isEncryptedMediaType(mt) {
    return mt.endsWith(ENCRYPTED_SUFFIX);
}
/** The base types (before the first `+`) that ocicrypt may encrypt. */
const ENCRYPTABLE_BASES = new Set([MT.ociLayer, MT.ociForeignLayer]);
/**
 * The OCI media type a layer gets when an image is converted from docker schema2 to OCI, as containers/image
 * `convertToManifestOCI1` maps it. Already-OCI types are returned unchanged.
 */
function ociLayerMediaType(mt) {
    switch (mt) {
        case MT.dockerLayerGzip:
            return MT.ociLayerGzip;
        case MT.dockerLayer:
            return MT.ociLayer;
        case MT.dockerForeignLayer:
            return `${MT.ociForeignLayer}+gzip`;
        default:
            return mt;
    }
}
/** Whether a (possibly docker) layer media type can be encrypted once converted to OCI. */
function isEncryptableLayer(mt) {
    const oci = ociLayerMediaType(mt);
    if (isEncryptedMediaType(oci))
        return false;
    const base = oci.split('+')[0] ?? '';
    return ENCRYPTABLE_BASES.has(base) || base === 'application/vnd.wasm.content.layer.v1';
}
function encryptedMediaType(mt) {
    return ociLayerMediaType(mt) + ENCRYPTED_SUFFIX;
}
function decryptedMediaType(mt) {
    return isEncryptedMediaType(mt) ? mt.slice(0, -ENCRYPTED_SUFFIX.length) : mt;
}

;// CONCATENATED MODULE: ./src/oci/model.ts
/**
 * The OCI model: descriptors, manifests and indexes, parsed from untrusted JSON into checked values.
 * Pure: no I/O. Unknown fields are kept (the raw object travels with the typed view) so that rewriting a
 * manifest never drops what another tool put there.
 */



const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
/** BuildKit marks attestation manifests in an index with these. */
const ANNOTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';
const ANNOTATION_REFERENCE_DIGEST = 'vnd.docker.reference.digest';
function isPlainObject(v) {
    return (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype);
}
function stringMap(v, where) {
    if (v === undefined)
        return undefined;
    if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
        throw new OepError('E_MANIFEST', `${where}: annotations must be an object of strings`);
    }
    return { ...v };
}
function parseDescriptor(v, where) {
    if (!isPlainObject(v))
        throw new OepError('E_MANIFEST', `${where}: descriptor is not an object`);
    const { mediaType, digest, size } = v;
    if (typeof mediaType !== 'string' || mediaType === '') {
        throw new OepError('E_MANIFEST', `${where}: descriptor has no mediaType`);
    }
    parseDigest(digest, where);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new OepError('E_MANIFEST', `${where}: descriptor size ${JSON.stringify(size)} is not a non-negative integer`);
    }
    const out = { ...v, mediaType, digest: digest, size };
    const annotations = stringMap(v.annotations, where);
    if (annotations)
        out.annotations = annotations;
    else
        delete out.annotations;
    if (v.platform !== undefined) {
        const p = v.platform;
        if (!isPlainObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') {
            throw new OepError('E_MANIFEST', `${where}: platform needs os and architecture`);
        }
        out.platform = { ...p };
    }
    return out;
}
function parseJson(bytes, where) {
    let v;
    try {
        v = JSON.parse(Buffer.from(bytes).toString('utf8'));
    }
    catch (err) {
        throw new OepError('E_MANIFEST', `${where} is not valid JSON: ${err.message}`);
    }
    if (!isPlainObject(v))
        throw new OepError('E_MANIFEST', `${where} is not a JSON object`);
    return v;
}
/**
 * Parse a manifest or an index. `declared` is the media type of the descriptor that pointed at it (absent for
 * a layout's index.json); the document's own `mediaType` must agree with it when both are present.
 */
function parseManifestOrIndex(bytes, where, declared) {
    const raw = parseJson(bytes, where);
    if (raw.schemaVersion !== 2) {
        throw new OepError('E_MANIFEST', `${where}: schemaVersion must be 2, got ${JSON.stringify(raw.schemaVersion)}`);
    }
    const own = raw.mediaType;
    if (own !== undefined && typeof own !== 'string')
        throw new OepError('E_MANIFEST', `${where}: mediaType is not a string`);
    if (own && declared && own !== declared) {
        throw new OepError('E_MANIFEST', `${where}: mediaType ${own} differs from its descriptor's ${declared}`);
    }
    const mediaType = own || declared || (Array.isArray(raw.manifests) ? MT.ociIndex : MT.ociManifest);
    if (isIndexMediaType(mediaType)) {
        if (!Array.isArray(raw.manifests))
            throw new OepError('E_MANIFEST', `${where}: index has no manifests array`);
        const manifests = raw.manifests.map((d, i) => parseDescriptor(d, `${where} manifests[${i}]`));
        return { kind: 'index', mediaType, manifests, raw };
    }
    if (isManifestMediaType(mediaType)) {
        if (!Array.isArray(raw.layers))
            throw new OepError('E_MANIFEST', `${where}: manifest has no layers array`);
        const config = parseDescriptor(raw.config, `${where} config`);
        const layers = raw.layers.map((d, i) => parseDescriptor(d, `${where} layers[${i}]`));
        return { kind: 'manifest', mediaType, config, layers, raw };
    }
    throw new OepError('E_UNSUPPORTED', `${where}: unsupported manifest media type ${mediaType}`, {
        hint: 'OCI and docker schema2 manifests and indexes are supported',
    });
}
/** Canonical bytes we write for a manifest or index: compact JSON, as containers/image writes them. */
function serialize(doc) {
    return Buffer.from(JSON.stringify(doc), 'utf8');
}
function isAttestationManifest(d) {
    return d.annotations?.[ANNOTATION_REFERENCE_TYPE] === 'attestation-manifest';
}

;// CONCATENATED MODULE: ./src/oci/layout/writer.ts
/**
 * Writing an OCI image layout folder so that nothing partial ever lands: everything goes to a staging folder
 * next to the destination, each blob to a temp file renamed once its digest is known, and the staging folder
 * becomes the destination in one rename at the very end. On failure the staging folder is removed.
 */









class LayoutWriter {
    #staging;
    #final;
    #known = new Set();
    #done = false;
    constructor(final, staging) {
        this.#final = final;
        this.#staging = staging;
    }
    /** The destination must not exist, or be an empty folder: we never merge into or overwrite a layout. */
    static async create(output) {
        const final = (0,external_node_path_namespaceObject.resolve)(output);
        try {
            const st = await (0,promises_namespaceObject.stat)(final);
            if (!st.isDirectory() || (await (0,promises_namespaceObject.readdir)(final)).length > 0) {
                throw new OepError('E_OUTPUT', `output ${output} already exists and is not an empty folder`, {
                    hint: 'choose a new path or remove the old one',
                });
            }
        }
        catch (err) {
            if (err.code !== 'ENOENT')
                throw err;
        }
        const staging = (0,external_node_path_namespaceObject.join)((0,external_node_path_namespaceObject.dirname)(final), `.${(0,external_node_path_namespaceObject.basename)(final)}.oep-${(0,external_node_crypto_namespaceObject.randomBytes)(4).toString('hex')}`);
        try {
            await (0,promises_namespaceObject.mkdir)((0,external_node_path_namespaceObject.join)(staging, 'blobs', 'sha256'), { recursive: true });
        }
        catch (err) {
            throw new OepError('E_OUTPUT', `cannot create output ${output}: ${err.message}`, {
                hint: 'check that the parent folder exists and is writable',
            });
        }
        return new LayoutWriter(final, staging);
    }
    get path() {
        return this.#final;
    }
    /**
     * Stream a blob into the layout through optional transforms (e.g. a cipher), hashing what is written.
     * The file appears under its digest only once the whole pipeline succeeded.
     */
    async writeStream(source, transforms = [], signal) {
        const tmp = (0,external_node_path_namespaceObject.join)(this.#staging, 'blobs', `.tmp-${(0,external_node_crypto_namespaceObject.randomBytes)(8).toString('hex')}`);
        const counter = new DigestCounter();
        try {
            const sink = (0,external_node_fs_namespaceObject.createWriteStream)(tmp, { highWaterMark: 1024 * 1024 });
            await (0,external_node_stream_promises_namespaceObject.pipeline)([source, ...transforms, counter, sink], signal ? { signal } : {});
        }
        catch (err) {
            await (0,promises_namespaceObject.rm)(tmp, { force: true });
            throw err;
        }
        const digest = counter.digest();
        await (0,promises_namespaceObject.rename)(tmp, this.#blobPath(digest));
        this.#known.add(digest);
        return { digest, size: counter.size };
    }
    async writeBytes(bytes) {
        const digest = `sha256:${(0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex')}`;
        if (!this.#known.has(digest)) {
            await (0,promises_namespaceObject.writeFile)(this.#blobPath(digest), bytes);
            this.#known.add(digest);
        }
        return { digest, size: bytes.length };
    }
    has(digest) {
        return this.#known.has(digest);
    }
    #blobPath(digest) {
        const { algorithm, hex } = parseDigest(digest, this.#final);
        return (0,external_node_path_namespaceObject.join)(this.#staging, 'blobs', algorithm, hex);
    }
    /** Write index.json and oci-layout, then move the staging folder into place. */
    async commit(manifests) {
        await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(this.#staging, 'index.json'), serialize({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
        await (0,promises_namespaceObject.writeFile)((0,external_node_path_namespaceObject.join)(this.#staging, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
        try {
            await (0,promises_namespaceObject.rmdir)(this.#final);
        }
        catch (err) {
            if (err.code !== 'ENOENT')
                throw err;
        }
        await (0,promises_namespaceObject.rename)(this.#staging, this.#final);
        this.#done = true;
    }
    /** Remove everything written so far. Safe to call after commit (does nothing then). */
    async abort() {
        if (!this.#done)
            await (0,promises_namespaceObject.rm)(this.#staging, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./src/oci/platform.ts

function formatPlatform(p) {
    if (!p)
        return 'unknown';
    return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
/** Parse `os/arch[/variant]`, as docker and skopeo write platforms. */
function parsePlatform(spec) {
    const parts = spec.trim().split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
        throw new OepError('E_PLATFORM', `invalid platform ${JSON.stringify(spec)}`, {
            hint: 'write platforms as os/arch[/variant], e.g. linux/amd64,linux/arm64/v8',
        });
    }
    const [os, architecture, variant] = parts;
    return variant ? { os, architecture, variant } : { os, architecture };
}
/** Default variants, as containerd normalises them, so `linux/arm64` matches `linux/arm64/v8`. */
function normalisedVariant(p) {
    if (p.variant)
        return p.variant;
    if (p.architecture === 'arm64')
        return 'v8';
    return '';
}
function platformMatches(want, have) {
    if (!have)
        return false;
    return (want.os === have.os &&
        want.architecture === have.architecture &&
        (want.variant === undefined || normalisedVariant(want) === normalisedVariant(have)));
}

;// CONCATENATED MODULE: ./src/oci/tree.ts
/**
 * The image graph under one entry of a layout: the root (a manifest or an index, possibly nested indexes) with
 * every manifest and index read, digest-verified and parsed. Layers are not read here: they stream later.
 */




const MAX_DEPTH = 4;
function candidates(entries) {
    return entries.map((e) => e.annotations?.[ANNOTATION_REF_NAME] ?? e.digest).join(', ');
}
/**
 * Pick the entry of index.json to work on. With a ref name: the one entry carrying it. Without: the only
 * entry; or, when index.json lists platform manifests directly (no ref names), index.json itself.
 */
function selectEntry(index, sourceName, refName) {
    const entries = index.manifests;
    if (entries.length === 0)
        throw new OepError('E_LAYOUT', `${sourceName}: index.json lists no image`);
    if (refName !== undefined) {
        const hits = entries.filter((e) => e.annotations?.[ANNOTATION_REF_NAME] === refName);
        if (hits.length === 1)
            return hits[0];
        if (hits.length > 1 && new Set(hits.map((h) => h.digest)).size === 1)
            return hits[0];
        const named = entries.filter((e) => e.annotations?.[ANNOTATION_REF_NAME] !== undefined);
        throw new OepError('E_REF', hits.length > 1
            ? `${sourceName}: ref name ${JSON.stringify(refName)} names ${hits.length} different images`
            : `${sourceName}: no image has ref name ${JSON.stringify(refName)}`, {
            hint: named.length
                ? `ref names here: ${candidates(named)}`
                : 'this layout has no ref names: omit --ref-name',
        });
    }
    if (entries.length === 1)
        return entries[0];
    const platformList = entries.every((e) => e.platform && !e.annotations?.[ANNOTATION_REF_NAME]);
    if (platformList)
        return undefined;
    throw new OepError('E_REF', `${sourceName} holds ${entries.length} images; choose one with --ref-name`, {
        hint: `candidates: ${candidates(entries)}`,
    });
}
async function readNode(source, desc) {
    if (!isIndexMediaType(desc.mediaType) && !isManifestMediaType(desc.mediaType)) {
        throw new OepError('E_UNSUPPORTED', `${source.name}: ${desc.digest} has unsupported media type ${desc.mediaType}`, {
            hint: 'OCI and docker schema2 manifests and indexes are supported',
        });
    }
    const bytes = await source.read(desc);
    return { doc: parseManifestOrIndex(bytes, `${source.name} ${desc.digest}`, desc.mediaType), bytes };
}
async function loadImage(source, opts = {}) {
    const indexBytes = await source.indexJson();
    const top = parseManifestOrIndex(indexBytes, `${source.name} index.json`);
    if (top.kind !== 'index')
        throw new OepError('E_LAYOUT', `${source.name}: index.json is not an image index`);
    const entry = selectEntry(top, source.name, opts.refName);
    const skipped = [];
    const wanted = opts.platforms?.length ? opts.platforms : undefined;
    async function load(desc, doc, bytes, depth) {
        if (doc.kind === 'manifest')
            return manifestNode(source, desc, doc, bytes);
        if (depth > MAX_DEPTH)
            throw new OepError('E_MANIFEST', `${source.name}: indexes nest deeper than ${MAX_DEPTH}`);
        const children = [];
        const selected = new Set();
        for (const child of doc.manifests) {
            const isImage = isManifestMediaType(child.mediaType) && !isAttestationManifest(child);
            if (isImage && wanted && !wanted.some((p) => platformMatches(p, child.platform))) {
                skipped.push(formatPlatform(child.platform));
                children.push(undefined);
                continue;
            }
            if (isAttestationManifest(child)) {
                children.push(undefined); // decided once the images are known (see below)
                continue;
            }
            const read = await readNode(source, child);
            children.push(await load(child, read.doc, read.bytes, depth + 1));
            selected.add(child.digest);
        }
        // Attestations describe one image manifest; keep those whose image we keep.
        for (const [i, child] of doc.manifests.entries()) {
            const ref = child.annotations?.['vnd.docker.reference.digest'];
            if (isAttestationManifest(child) && ref && selected.has(ref)) {
                const read = await readNode(source, child);
                if (read.doc.kind === 'manifest')
                    children[i] = await manifestNode(source, child, read.doc, read.bytes);
            }
        }
        return { kind: 'index', desc, doc, bytes, children };
    }
    let root;
    if (entry) {
        const read = await readNode(source, entry);
        root = await load(entry, read.doc, read.bytes, 0);
    }
    else {
        const desc = { mediaType: top.mediaType, digest: '', size: indexBytes.length };
        root = await load(desc, top, indexBytes, 0);
    }
    if (wanted && root.kind === 'manifest' && !wanted.some((p) => platformMatches(p, root.platform))) {
        throw new OepError('E_PLATFORM', `${source.name}: the image is for ${formatPlatform(root.platform)}, not ${wanted.map(formatPlatform).join(', ')}`, {
            hint: 'leave out --platform for a single-platform image, or name its platform',
        });
    }
    if (wanted && root.kind === 'index') {
        if (countImages(root) === 0) {
            throw new OepError('E_PLATFORM', `${source.name}: no image matches platform ${wanted.map(formatPlatform).join(', ')}`, {
                hint: skipped.length
                    ? `platforms here: ${skipped.join(', ')}`
                    : 'this image carries no platform list',
            });
        }
    }
    return { root, entry, skippedPlatforms: skipped };
}
function countImages(node) {
    if (node.kind === 'manifest')
        return isAttestationManifest(node.desc) ? 0 : 1;
    return node.children.reduce((n, c) => n + (c ? countImages(c) : 0), 0);
}
async function manifestNode(source, desc, doc, bytes) {
    const config = await source.read(doc.config);
    return { kind: 'manifest', desc, doc, bytes, config, platform: desc.platform ?? configPlatform(config) };
}
/** os/architecture/variant of an image config, when it is a JSON object that has them. */
function configPlatform(config) {
    try {
        const c = JSON.parse(config.toString('utf8'));
        if (typeof c.os !== 'string' || typeof c.architecture !== 'string')
            return undefined;
        return {
            os: c.os,
            architecture: c.architecture,
            ...(typeof c.variant === 'string' ? { variant: c.variant } : {}),
        };
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/ocicrypt/blockcipher.ts
/**
 * AES_256_CTR_HMAC_SHA256, the layer cipher of containers/ocicrypt (blockcipher/blockcipher_aes_ctr.go):
 * AES-256 in CTR mode with the 16-byte nonce as the whole initial counter block (all 128 bits count, as Go's
 * cipher.NewCTR and OpenSSL do), and HMAC-SHA256 over the ciphertext keyed with the same 32-byte key.
 * Both directions stream: constant memory whatever the layer size.
 */



const CIPHER_AES_CTR = 'AES_256_CTR_HMAC_SHA256';
const KEY_LENGTH = 32;
const NONCE_LENGTH = 16;
const HMAC_LENGTH = 32;
function freshSecrets() {
    return { key: (0,external_node_crypto_namespaceObject.randomBytes)(KEY_LENGTH), nonce: (0,external_node_crypto_namespaceObject.randomBytes)(NONCE_LENGTH) };
}
function checkLengths(s) {
    if (s.key.length !== KEY_LENGTH)
        throw new OepError('E_INTEGRITY', `layer key must be ${KEY_LENGTH} bytes`);
    if (s.nonce.length !== NONCE_LENGTH)
        throw new OepError('E_INTEGRITY', `layer nonce must be ${NONCE_LENGTH} bytes`);
}
/** Plaintext in, ciphertext out; `hmac()` is available once the stream has flushed. */
class LayerEncryptor extends external_node_stream_namespaceObject.Transform {
    #cipher;
    #mac;
    #result;
    constructor(secrets) {
        super();
        checkLengths(secrets);
        this.#cipher = (0,external_node_crypto_namespaceObject.createCipheriv)('aes-256-ctr', secrets.key, secrets.nonce);
        this.#mac = (0,external_node_crypto_namespaceObject.createHmac)('sha256', secrets.key);
    }
    _transform(chunk, _enc, cb) {
        const out = this.#cipher.update(chunk);
        this.#mac.update(out);
        cb(null, out);
    }
    _flush(cb) {
        const tail = this.#cipher.final(); // CTR has no padding: always empty, but keep OpenSSL's contract
        if (tail.length) {
            this.#mac.update(tail);
            this.push(tail);
        }
        this.#result = this.#mac.digest();
        cb();
    }
    /** The HMAC of the ciphertext. Asking before the stream ended is a programming error. */
    hmac() {
        if (!this.#result)
            throw new Error('LayerEncryptor.hmac() called before the stream was finished');
        return this.#result;
    }
}
/**
 * Ciphertext in, plaintext out. The MAC is checked when the input ends and a mismatch fails the stream, so a
 * consumer that commits only on success (our layout writer renames a temp file) never publishes bad plaintext.
 */
class LayerDecryptor extends external_node_stream_namespaceObject.Transform {
    #decipher;
    #mac;
    #expected;
    constructor(secrets, expectedHmac) {
        super();
        checkLengths(secrets);
        if (expectedHmac.length !== HMAC_LENGTH) {
            throw new OepError('E_INTEGRITY', `layer HMAC must be ${HMAC_LENGTH} bytes`);
        }
        this.#decipher = (0,external_node_crypto_namespaceObject.createDecipheriv)('aes-256-ctr', secrets.key, secrets.nonce);
        this.#mac = (0,external_node_crypto_namespaceObject.createHmac)('sha256', secrets.key);
        this.#expected = expectedHmac;
    }
    _transform(chunk, _enc, cb) {
        this.#mac.update(chunk);
        cb(null, this.#decipher.update(chunk));
    }
    _flush(cb) {
        const tail = this.#decipher.final();
        if (tail.length)
            this.push(tail);
        if (!(0,external_node_crypto_namespaceObject.timingSafeEqual)(this.#mac.digest(), this.#expected)) {
            cb(new OepError('E_INTEGRITY', 'layer ciphertext failed its HMAC check: it was modified or corrupted', {
                hint: 'nothing was written; fetch the image again from a trusted source',
            }));
            return;
        }
        cb();
    }
}

;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/errors.js
class JOSEError extends Error {
  static code = "ERR_JOSE_GENERIC";
  code = "ERR_JOSE_GENERIC";
  constructor(message, options) {
    super(message, options), this.name = this.constructor.name, Error.captureStackTrace?.(this, this.constructor);
  }
}
class JWTClaimValidationFailed extends JOSEError {
  static code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
  code = "ERR_JWT_CLAIM_VALIDATION_FAILED";
  claim;
  reason;
  payload;
  constructor(message, payload, claim = "unspecified", reason = "unspecified") {
    super(message, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
  }
}
class JWTExpired extends JOSEError {
  static code = "ERR_JWT_EXPIRED";
  code = "ERR_JWT_EXPIRED";
  claim;
  reason;
  payload;
  constructor(message, payload, claim = "unspecified", reason = "unspecified") {
    super(message, { cause: { claim, reason, payload } }), this.claim = claim, this.reason = reason, this.payload = payload;
  }
}
class JOSEAlgNotAllowed extends JOSEError {
  static code = "ERR_JOSE_ALG_NOT_ALLOWED";
  code = "ERR_JOSE_ALG_NOT_ALLOWED";
}
class JOSENotSupported extends JOSEError {
  static code = "ERR_JOSE_NOT_SUPPORTED";
  code = "ERR_JOSE_NOT_SUPPORTED";
}
class JWEDecryptionFailed extends JOSEError {
  static code = "ERR_JWE_DECRYPTION_FAILED";
  code = "ERR_JWE_DECRYPTION_FAILED";
  constructor(message = "decryption operation failed", options) {
    super(message, options);
  }
}
class errors_JWEInvalid extends JOSEError {
  static code = "ERR_JWE_INVALID";
  code = "ERR_JWE_INVALID";
}
class errors_JWSInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWS_INVALID"));
  code = "ERR_JWS_INVALID";
}
class JWTInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWT_INVALID"));
  code = "ERR_JWT_INVALID";
}
class JWKInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWK_INVALID"));
  code = "ERR_JWK_INVALID";
}
class JWKSInvalid extends (/* unused pure expression or super */ null && (JOSEError)) {
  static code = (/* unused pure expression or super */ null && ("ERR_JWKS_INVALID"));
  code = "ERR_JWKS_INVALID";
}
class JWKSNoMatchingKey extends JOSEError {
  static code = "ERR_JWKS_NO_MATCHING_KEY";
  code = "ERR_JWKS_NO_MATCHING_KEY";
  constructor(message = "no applicable key found in the JSON Web Key Set", options) {
    super(message, options);
  }
}
class JWKSMultipleMatchingKeys extends JOSEError {
  [Symbol.asyncIterator] = async function* () {
  };
  static code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
  code = "ERR_JWKS_MULTIPLE_MATCHING_KEYS";
  constructor(message = "multiple matching keys found in the JSON Web Key Set", options) {
    super(message, options);
  }
}
class JWKSTimeout extends JOSEError {
  static code = "ERR_JWKS_TIMEOUT";
  code = "ERR_JWKS_TIMEOUT";
  constructor(message = "request timed out", options) {
    super(message, options);
  }
}
class JWSSignatureVerificationFailed extends JOSEError {
  static code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
  code = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED";
  constructor(message = "signature verification failed", options) {
    super(message, options);
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/buffer_utils.js
const encoder = new TextEncoder(), buffer_utils_decoder = new TextDecoder(), strictDecoder = new TextDecoder("utf-8", { fatal: !0 }), UINT32_RANGE = 2 ** 32;
function concat(...buffers) {
  const size = buffers.reduce((acc, { length }) => acc + length, 0), buf = new Uint8Array(size);
  let i = 0;
  for (const buffer of buffers)
    buf.set(buffer, i), i += buffer.length;
  return buf;
}
function writeUInt32BE(buf, value, offset) {
  if (value < 0 || value >= UINT32_RANGE)
    throw new RangeError(`value must be >= 0 and <= ${UINT32_RANGE - 1}. Received ${value}`);
  buf.set([value >>> 24, value >>> 16, value >>> 8, value & 255], offset);
}
function uint64be(value) {
  const high = Math.floor(value / UINT32_RANGE), low = value % UINT32_RANGE, buf = new Uint8Array(8);
  return writeUInt32BE(buf, high, 0), writeUInt32BE(buf, low, 4), buf;
}
function uint32be(value) {
  const buf = new Uint8Array(4);
  return writeUInt32BE(buf, value), buf;
}
const NON_ASCII = /[^\x00-\x7f]/;
function encode(string) {
  if (typeof string == "string" && string.length >= 128) {
    if (NON_ASCII.test(string))
      throw new TypeError("non-ASCII string encountered in encode()");
    return encoder.encode(string);
  }
  const bytes = new Uint8Array(string.length);
  for (let i = 0; i < string.length; i++) {
    const code = string.charCodeAt(i);
    if (code > 127)
      throw new TypeError("non-ASCII string encountered in encode()");
    bytes[i] = code;
  }
  return bytes;
}
function encodeBase64(input, url = !1) {
  if (Uint8Array.prototype.toBase64)
    return input.toBase64({ alphabet: url ? "base64url" : "base64", omitPadding: url });
  const CHUNK_SIZE = 32768, arr = [];
  for (let i = 0; i < input.length; i += CHUNK_SIZE)
    arr.push(String.fromCharCode.apply(null, input.subarray(i, i + CHUNK_SIZE)));
  const encoded = btoa(arr.join(""));
  return url ? encoded.replace(/=/g, "").replace(/\+/g, "-").replace(/\//g, "_") : encoded;
}
function decodeBase64(encoded, url = !1) {
  if (Uint8Array.fromBase64)
    return Uint8Array.fromBase64(encoded, { alphabet: url ? "base64url" : "base64" });
  if (url) {
    if (encoded.includes("+") || encoded.includes("/"))
      throw new TypeError("Invalid base64url");
    encoded = encoded.replace(/-/g, "+").replace(/_/g, "/");
  }
  const binary = atob(encoded), bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++)
    bytes[i] = binary.charCodeAt(i);
  return bytes;
}
async function digest(algorithm, data) {
  const subtleDigest = `SHA-${algorithm.slice(-3)}`;
  return new Uint8Array(await crypto.subtle.digest(subtleDigest, data));
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/util/base64url.js

const invalid = "The input to be decoded is not correctly encoded.";
function decode(input) {
  try {
    return decodeBase64(typeof input == "string" ? input : buffer_utils_decoder.decode(input), !0);
  } catch (cause) {
    throw new TypeError(invalid, { cause });
  }
}
function base64url_encode(input) {
  return encodeBase64(typeof input == "string" ? encoder.encode(input) : input, !0);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/validate.js



function assertUint8Array(input, label) {
  if (!(input instanceof Uint8Array))
    throw new TypeError(`${label} must be an instance of Uint8Array`);
}
function isObject(input) {
  if (typeof input != "object" || input === null || Object.prototype.toString.call(input) !== "[object Object]")
    return !1;
  const prototype = Object.getPrototypeOf(input);
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
function isJwkSet(input) {
  return isObject(input) && Array.isArray(input.keys) && Array.from(input.keys).every(isObject);
}
function isDisjoint(...headers) {
  const parameters = /* @__PURE__ */ new Set();
  for (const header of headers)
    if (header)
      for (const parameter of Object.keys(header)) {
        if (parameters.has(parameter))
          return !1;
        parameters.add(parameter);
      }
  return !0;
}
function assertNotSet(value, name) {
  if (value !== void 0)
    throw new TypeError(`${name} can only be called once`);
}
function decodeBase64url(value, label, ErrorClass) {
  try {
    return decode(value);
  } catch (cause) {
    throw new ErrorClass(`Failed to base64url decode the ${label}`, { cause });
  }
}
function encodeAsciiMember(value, label, ErrorClass) {
  try {
    return encode(value);
  } catch (cause) {
    throw new ErrorClass(`The ${label} is not a valid base64url string`, { cause });
  }
}
function parseJoseHeader(encodedProtectedHeader, ErrorClass, message) {
  let parsed;
  try {
    parsed = JSON.parse(strictDecoder.decode(decode(encodedProtectedHeader)));
  } catch (cause) {
    throw new ErrorClass(message, { cause });
  }
  if (!isObject(parsed))
    throw new ErrorClass(message);
  return parsed;
}
const JWS_RECOGNIZED = { __proto__: null, b64: !0 }, JWE_RECOGNIZED = { __proto__: null };
function validateAlgorithms(option, algorithms) {
  if (algorithms !== void 0 && (!Array.isArray(algorithms) || algorithms.some((s) => typeof s != "string")))
    throw new TypeError(`"${option}" option must be an array of strings`);
  return algorithms === void 0 ? void 0 : new Set(algorithms);
}
function validateCritDuplicates(Err, protectedHeader) {
  const { crit } = protectedHeader ?? {};
  if (Array.isArray(crit) && new Set(crit).size !== crit.length)
    throw new Err('"crit" (Critical) Header Parameter MUST NOT contain duplicate values');
}
function validateCrit(Err, recognizedDefault, recognizedOption, protectedHeader, joseHeader) {
  if (joseHeader.crit !== void 0 && protectedHeader?.crit === void 0)
    throw new Err('"crit" (Critical) Header Parameter MUST be integrity protected');
  if (!protectedHeader || protectedHeader.crit === void 0)
    return [];
  if (!Array.isArray(protectedHeader.crit) || protectedHeader.crit.length === 0 || protectedHeader.crit.some((input) => typeof input != "string" || input.length === 0))
    throw new Err('"crit" (Critical) Header Parameter MUST be an array of non-empty strings when present');
  const recognized = recognizedOption === void 0 ? recognizedDefault : { __proto__: null, ...recognizedOption, ...recognizedDefault };
  for (const parameter of protectedHeader.crit) {
    if (!(parameter in recognized))
      throw new JOSENotSupported(`Extension Header Parameter "${parameter}" is not recognized`);
    if (!Object.hasOwn(joseHeader, parameter) || joseHeader[parameter] === void 0)
      throw new Err(`Extension Header Parameter "${parameter}" is missing`);
    if (recognized[parameter] && (!Object.hasOwn(protectedHeader, parameter) || protectedHeader[parameter] === void 0))
      throw new Err(`Extension Header Parameter "${parameter}" MUST be integrity protected`);
  }
  return protectedHeader.crit;
}
function validateB64(protectedHeader, extensions) {
  if (extensions.includes("b64")) {
    const b64 = protectedHeader.b64;
    if (typeof b64 != "boolean")
      throw new JWSInvalid('The "b64" (base64url-encode payload) Header Parameter must be a boolean');
    return b64;
  }
  return !0;
}
function serializeJoseHeader(Err, header) {
  let serialized, parsed;
  try {
    serialized = JSON.stringify(header), parsed = JSON.parse(serialized);
  } catch (cause) {
    throw new Err("JOSE Header is not valid JSON", { cause });
  }
  if (!isObject(parsed))
    throw new Err("JOSE Header is not a JSON object");
  return [parsed, serialized];
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/key.js



const tag = (key) => key[Symbol.toStringTag], jwkMatchesOp = (entry, key, usage) => {
  const { alg } = entry;
  if (key.use !== void 0) {
    const expected = usage === "sign" || usage === "verify" ? "sig" : "enc";
    if (key.use !== expected)
      throw new TypeError(`Invalid key for this operation, its "use" must be "${expected}" when present`);
  }
  if (key.kty === "AKP" && key.alg === void 0)
    throw new TypeError('missing "alg" (Algorithm) Parameter value');
  if (key.alg !== void 0 && key.alg !== alg)
    throw new TypeError(`Invalid key for this operation, its "alg" must be "${alg}" when present`);
  if (Array.isArray(key.key_ops)) {
    const expectedKeyOp = usage === "encrypt" || usage === "decrypt" ? entry.ops?.[usage === "encrypt" ? 0 : 1] : usage;
    if (expectedKeyOp && !key.key_ops.includes(expectedKeyOp))
      throw new TypeError(`Invalid key for this operation, its "key_ops" must include "${expectedKeyOp}" when present`);
  }
};
async function prepareKey(entry, key, usage) {
  const { alg, secret } = entry, requiresPrivateKey = usage === "decrypt" || usage === "sign";
  if (secret && key instanceof Uint8Array)
    return key;
  let normalized, keyObject;
  if (isObject(key)) {
    if (normalized = normalizeJwk(key), typeof normalized.kty != "string")
      throw invalidKeyType(alg, key, secret);
    if (!(secret ? normalized.kty === "oct" && typeof normalized.k == "string" : normalized.kty !== "oct" && (requiresPrivateKey ? normalized.kty === "AKP" && typeof normalized.priv == "string" || typeof normalized.d == "string" : normalized.d === void 0 && normalized.priv === void 0)))
      throw new TypeError(secret ? 'JSON Web Key for symmetric algorithms must have JWK "kty" (Key Type) equal to "oct" and the JWK "k" (Key Value) present' : `JSON Web Key for this operation must be a ${requiresPrivateKey ? "private" : "public"} JWK`);
    if (jwkMatchesOp(entry, normalized, usage), normalized.kty === "oct")
      return decode(normalized.k);
    if (!Object.isFrozen(key)) {
      const { key_ops } = key;
      Array.isArray(key_ops) && Object.freeze(key_ops), Object.freeze(key);
    }
  } else {
    if (!isKeyLike(key))
      throw invalidKeyType(alg, key, secret);
    const expectedType = secret ? "secret" : requiresPrivateKey ? "private" : "public";
    if (key.type !== expectedType && (secret || ["secret", "public", "private"].includes(key.type)))
      throw new TypeError(`${tag(key)} instances must be of type "${expectedType}" for the ${alg} algorithm`);
    if (isCryptoKey(key))
      return key;
    if (keyObject = key, keyObject.type === "secret")
      return keyObject.export();
  }
  cache ||= /* @__PURE__ */ new WeakMap();
  const cacheKey = key;
  let cached = cache.get(cacheKey);
  if (cached?.[alg])
    return cached[alg];
  if (cached || cache.set(cacheKey, cached = {}), keyObject && typeof keyObject.toCryptoKey == "function") {
    const isPublic = keyObject.type === "public", crv = nist[keyObject.asymmetricKeyDetails?.namedCurve], params = entry.resolve?.({ crv, asymmetricKeyType: keyObject.asymmetricKeyType }) ?? entry.subtle;
    return cached[alg] = keyObject.toCryptoKey(params, isPublic, entry.usages[isPublic ? 0 : 1]);
  }
  return normalized ??= keyObject.export({ format: "jwk" }), normalized.alg = alg, cached[alg] = await jwkToKey(entry, normalized);
}
let cache;
const nist = {
  __proto__: null,
  prime256v1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521"
};
function assertCryptoKey(key) {
  if (!isCryptoKey(key))
    throw new Error("CryptoKey instance expected");
}
const isCryptoKey = (key) => {
  if (key?.[Symbol.toStringTag] === "CryptoKey")
    return !0;
  try {
    return key instanceof CryptoKey;
  } catch {
    return !1;
  }
}, isKeyObject = (key) => key?.[Symbol.toStringTag] === "KeyObject", isKeyLike = (key) => isCryptoKey(key) || isKeyObject(key);
function message(msg, actual, ...types) {
  if (types.length > 2) {
    const last = types.pop();
    msg += `one of type ${types.join(", ")}, or ${last}.`;
  } else types.length === 2 ? msg += `one of type ${types[0]} or ${types[1]}.` : msg += `of type ${types[0]}.`;
  return actual == null ? msg += ` Received ${actual}` : typeof actual == "function" && actual.name ? msg += ` Received function ${actual.name}` : typeof actual == "object" && actual != null && actual.constructor?.name && (msg += ` Received an instance of ${actual.constructor.name}`), msg;
}
const invalidKeyInput = (actual, ...types) => message("Key must be ", actual, ...types);
function invalidKeyType(alg, actual, secret) {
  const types = ["CryptoKey", "KeyObject", "JSON Web Key"];
  return secret && types.push("Uint8Array"), new TypeError(message(`Key for the ${alg} algorithm must be `, actual, ...types));
}
const unusable = (name, prop = "algorithm.name") => new TypeError(`CryptoKey does not support this operation, its ${prop} must be ${name}`);
function checkUsage(key, usage) {
  if (usage && !key.usages.includes(usage))
    throw new TypeError(`CryptoKey does not support this operation, its usages must include ${usage}.`);
}
function checkModulusLength(alg, key) {
  const { modulusLength } = key.algorithm;
  if (typeof modulusLength != "number" || modulusLength < 2048)
    throw new TypeError(`${alg} requires key modulusLength to be 2048 bits or larger`);
}
function checkCryptoKey(key, expected, usage) {
  const algorithm = key.algorithm;
  if (algorithm.name !== expected.name)
    throw unusable(expected.name);
  if (expected.hash && algorithm.hash?.name !== expected.hash)
    throw unusable(expected.hash, "algorithm.hash");
  if (expected.namedCurve && algorithm.namedCurve !== expected.namedCurve)
    throw unusable(expected.namedCurve, "algorithm.namedCurve");
  if (expected.length !== void 0 && algorithm.length !== expected.length)
    throw unusable(expected.length, "algorithm.length");
  checkUsage(key, usage);
}
function snapshotJwk(jwk) {
  return { __proto__: null, ...jwk };
}
function normalizeJwk(jwk) {
  const normalized = snapshotJwk(jwk);
  if (normalized.ext !== void 0 && typeof normalized.ext != "boolean")
    throw new TypeError('"ext" (Extractable) Parameter must be a boolean');
  if (normalized.key_ops !== void 0) {
    const value = normalized.key_ops, keyOps = Array.isArray(value) ? [...value] : void 0;
    if (!keyOps || keyOps.some((operation) => typeof operation != "string") || new Set(keyOps).size !== keyOps.length)
      throw new TypeError('"key_ops" (Key Operations) Parameter must be an array of unique strings');
    normalized.key_ops = keyOps;
  }
  return normalized;
}
function validateExtractableOption(extractable) {
  if (extractable !== void 0 && typeof extractable != "boolean")
    throw new TypeError('"extractable" option must be a boolean');
  return extractable;
}
async function jwkToKey(entry, jwk, extractable) {
  if (!entry.kty.includes(jwk.kty))
    throw new JOSENotSupported('Invalid or unsupported JWK "alg" (Algorithm) Parameter value');
  const algorithm = entry.resolve?.({ kty: jwk.kty, crv: jwk.crv }) ?? entry.subtle, isPrivate = !!(jwk.d || jwk.priv), keyData = { ...jwk, ext: extractable ?? jwk.ext };
  return keyData.kty !== "AKP" && delete keyData.alg, delete keyData.use, crypto.subtle.importKey("jwk", keyData, algorithm, keyData.ext ?? !isPrivate, jwk.key_ops ?? entry.usages[isPrivate ? 1 : 0]);
}
async function rawKey(key, expected, usage, extractable = !1) {
  return key instanceof Uint8Array && (key = await crypto.subtle.importKey("raw", key, expected, extractable, [usage])), checkCryptoKey(key, expected, usage), key;
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/content_encryption.js



const generateCek = (enc) => crypto.getRandomValues(new Uint8Array(enc.cekBits >> 3));
function checkCekLength(cek, expected) {
  const actual = cek.byteLength << 3;
  if (actual !== expected)
    throw new errors_JWEInvalid(`Invalid Content Encryption Key length. Expected ${expected} bits, got ${actual} bits`);
}
const generateIv = (enc) => crypto.getRandomValues(new Uint8Array(enc.ivBits >> 3));
function checkIvLength(enc, iv) {
  if (iv.length << 3 !== enc.ivBits)
    throw new errors_JWEInvalid("Invalid Initialization Vector length");
}
async function cbcKeySetup(enc, cek, usage) {
  if (!(cek instanceof Uint8Array))
    throw new TypeError(invalidKeyInput(cek, "Uint8Array"));
  const keyLengthBits = enc.cekBits >> 1, encKey = await crypto.subtle.importKey("raw", cek.subarray(keyLengthBits >> 3), "AES-CBC", !1, [usage]), macKey = await crypto.subtle.importKey("raw", cek.subarray(0, keyLengthBits >> 3), {
    hash: `SHA-${keyLengthBits << 1}`,
    name: "HMAC"
  }, !1, ["sign"]);
  return [encKey, macKey, keyLengthBits];
}
async function cbcHmacTag(macKey, macData, keyLengthBits) {
  return new Uint8Array((await crypto.subtle.sign("HMAC", macKey, macData)).slice(0, keyLengthBits >> 3));
}
async function cbcEncrypt(enc, plaintext, cek, iv, aad) {
  const [encKey, macKey, keyLengthBits] = await cbcKeySetup(enc, cek, "encrypt"), ciphertext = new Uint8Array(await crypto.subtle.encrypt({
    iv,
    name: "AES-CBC"
  }, encKey, plaintext)), al = uint64be(aad.length * 8), macData = concat(aad, iv, ciphertext, al), tag = await cbcHmacTag(macKey, macData, keyLengthBits);
  return { ciphertext, tag, iv };
}
async function timingSafeEqual(a, b) {
  const algorithm = { name: "HMAC", hash: "SHA-256" }, key = await crypto.subtle.generateKey(algorithm, !1, ["sign", "verify"]), aHmac = await crypto.subtle.sign(algorithm, key, a);
  return crypto.subtle.verify(algorithm, key, aHmac, b);
}
async function cbcDecrypt(enc, cek, ciphertext, iv, tag, aad) {
  const [encKey, macKey, keyLengthBits] = await cbcKeySetup(enc, cek, "decrypt"), al = uint64be(aad.length * 8), macData = concat(aad, iv, ciphertext, al), expectedTag = await cbcHmacTag(macKey, macData, keyLengthBits);
  try {
    if (await timingSafeEqual(tag, expectedTag))
      return new Uint8Array(await crypto.subtle.decrypt({ iv, name: "AES-CBC" }, encKey, ciphertext));
  } catch {
  }
  throw new JWEDecryptionFailed();
}
async function encrypt(enc, plaintext, cek, iv, aad) {
  if (!isCryptoKey(cek) && !(cek instanceof Uint8Array))
    throw new TypeError(invalidKeyInput(cek, "CryptoKey", "KeyObject", "Uint8Array", "JSON Web Key"));
  if (iv ? checkIvLength(enc, iv) : iv = generateIv(enc), cek instanceof Uint8Array && checkCekLength(cek, enc.cekBits), enc.cbc)
    return cbcEncrypt(enc, plaintext, cek, iv, aad);
  const encKey = await rawKey(cek, enc.subtle, "encrypt"), encrypted = new Uint8Array(await crypto.subtle.encrypt({
    additionalData: aad,
    iv,
    name: "AES-GCM",
    tagLength: 128
  }, encKey, plaintext));
  return { ciphertext: encrypted.subarray(0, -16), tag: encrypted.subarray(-16), iv };
}
async function decrypt(enc, cek, ciphertext, iv, tag, aad) {
  if (!isCryptoKey(cek) && !(cek instanceof Uint8Array))
    throw new TypeError(invalidKeyInput(cek, "CryptoKey", "KeyObject", "Uint8Array", "JSON Web Key"));
  if (!iv)
    throw new errors_JWEInvalid("JWE Initialization Vector missing");
  if (!tag)
    throw new errors_JWEInvalid("JWE Authentication Tag missing");
  if (!enc.cbc && tag.length !== 16)
    throw new errors_JWEInvalid("Invalid Authentication Tag length");
  if (checkIvLength(enc, iv), cek instanceof Uint8Array && checkCekLength(cek, enc.cekBits), enc.cbc)
    return cbcDecrypt(enc, cek, ciphertext, iv, tag, aad);
  const encKey = await rawKey(cek, enc.subtle, "decrypt");
  try {
    return new Uint8Array(await crypto.subtle.decrypt({
      additionalData: aad,
      iv,
      name: "AES-GCM",
      tagLength: 128
    }, encKey, concat(ciphertext, tag)));
  } catch {
    throw new JWEDecryptionFailed();
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/key_descriptor.js
function table(entries) {
  const out = { __proto__: null };
  for (const alg in entries)
    out[alg] = { ...entries[alg], alg };
  return out;
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/jwe_algorithms.js


const wrap = [
  ["encrypt", "wrapKey"],
  ["decrypt", "unwrapKey"]
], derive = [[], ["deriveBits"]], none = [[], []];
function rsaes(bits) {
  return {
    kty: ["RSA"],
    mode: "key-encryption",
    subtle: { name: "RSA-OAEP", hash: `SHA-${bits}` },
    usages: wrap,
    ops: ["wrapKey", "unwrapKey"]
  };
}
function ecdh(mode) {
  return {
    kty: ["EC", "OKP"],
    mode,
    subtle: { name: "ECDH" },
    resolve: ({ kty, crv, asymmetricKeyType }) => {
      if (crv === "X25519" || asymmetricKeyType === "x25519")
        return { name: "X25519" };
      if (kty === "OKP")
        throw new JOSENotSupported('Invalid or unsupported JWK "alg" (Algorithm) Parameter value');
      return { name: "ECDH", namedCurve: crv };
    },
    usages: derive,
    ops: [void 0, "deriveBits"]
  };
}
function aeskw(bits, gcm = !1) {
  return {
    kty: ["oct"],
    mode: "key-wrapping",
    secret: !0,
    subtle: { name: gcm ? "AES-GCM" : "AES-KW", length: bits },
    usages: none,
    ops: gcm ? ["encrypt", "decrypt"] : ["wrapKey", "unwrapKey"]
  };
}
function pbes2() {
  return {
    kty: ["oct"],
    mode: "key-wrapping",
    secret: !0,
    subtle: { name: "PBKDF2" },
    usages: none,
    ops: ["deriveBits", "deriveBits"]
  };
}
const JWE = table({
  dir: {
    kty: ["oct"],
    mode: "direct-encryption",
    secret: !0,
    subtle: { name: "AES-GCM" },
    usages: none,
    ops: ["encrypt", "decrypt"]
  },
  "RSA-OAEP": rsaes(1),
  "RSA-OAEP-256": rsaes(256),
  "RSA-OAEP-384": rsaes(384),
  "RSA-OAEP-512": rsaes(512),
  "ECDH-ES": ecdh("direct-key-agreement"),
  "ECDH-ES+A128KW": ecdh("key-agreement-with-key-wrapping"),
  "ECDH-ES+A192KW": ecdh("key-agreement-with-key-wrapping"),
  "ECDH-ES+A256KW": ecdh("key-agreement-with-key-wrapping"),
  A128KW: aeskw(128),
  A192KW: aeskw(192),
  A256KW: aeskw(256),
  A128GCMKW: aeskw(128, !0),
  A192GCMKW: aeskw(192, !0),
  A256GCMKW: aeskw(256, !0),
  "PBES2-HS256+A128KW": pbes2(),
  "PBES2-HS384+A192KW": pbes2(),
  "PBES2-HS512+A256KW": pbes2()
}), contentOps = ["encrypt", "decrypt"];
function contentEncryption(bits, cbc = !1) {
  return {
    kty: ["oct"],
    secret: !0,
    subtle: { name: cbc ? "AES-CBC" : "AES-GCM", length: bits },
    usages: none,
    ops: contentOps,
    cekBits: bits,
    ivBits: cbc ? 128 : 96,
    cbc
  };
}
const ENC = table({
  A128GCM: contentEncryption(128),
  A192GCM: contentEncryption(192),
  A256GCM: contentEncryption(256),
  "A128CBC-HS256": contentEncryption(256, !0),
  "A192CBC-HS384": contentEncryption(384, !0),
  "A256CBC-HS512": contentEncryption(512, !0)
});
function unsupported(parameter, name) {
  throw new JOSENotSupported(`Invalid or unsupported "${parameter}" (JWE ${name}) header value`);
}
function jweAlgorithm(alg) {
  return (typeof alg == "string" ? JWE[alg] : void 0) ?? unsupported("alg", "Algorithm");
}
function isJWECEKTransport(algorithm) {
  return algorithm.mode === "key-wrapping" || algorithm.mode === "key-encryption" || algorithm.mode === "key-agreement-with-key-wrapping";
}
function jweEncryption(enc) {
  return (typeof enc == "string" ? ENC[enc] : void 0) ?? unsupported("enc", "Encryption Algorithm");
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/key_management.js







function checkEcdhCryptoKey(key, usage) {
  if (key.algorithm.name !== "ECDH" && key.algorithm.name !== "X25519")
    throw new TypeError("CryptoKey does not support this operation, its algorithm.name must be ECDH or X25519");
  checkUsage(key, usage);
}
async function aeskwWrap(alg, key, cek) {
  const cryptoKey = await rawKey(key, jweAlgorithm(alg).subtle, "wrapKey", !0), cryptoKeyCek = await crypto.subtle.importKey("raw", cek, { hash: "SHA-256", name: "HMAC" }, !0, ["sign"]);
  return new Uint8Array(await crypto.subtle.wrapKey("raw", cryptoKeyCek, cryptoKey, "AES-KW"));
}
async function aeskwUnwrap(alg, key, encryptedKey) {
  const cryptoKey = await rawKey(key, jweAlgorithm(alg).subtle, "unwrapKey", !0), cryptoKeyCek = await crypto.subtle.unwrapKey("raw", encryptedKey, cryptoKey, "AES-KW", { hash: "SHA-256", name: "HMAC" }, !0, ["sign"]);
  return new Uint8Array(await crypto.subtle.exportKey("raw", cryptoKeyCek));
}
function checkRsaKey(alg, key, usage) {
  checkCryptoKey(key, jweAlgorithm(alg).subtle, usage), checkModulusLength(alg, key);
}
async function deriveKey(p2s, alg, p2c, key) {
  if (!(p2s instanceof Uint8Array) || p2s.length < 8)
    throw new errors_JWEInvalid("PBES2 Salt Input must be 8 or more octets");
  if (!Number.isSafeInteger(p2c) || Math.sign(p2c) !== 1)
    throw new errors_JWEInvalid("PBES2 Count Input must be a positive integer");
  const salt = concat(encode(alg), Uint8Array.of(0), p2s), keyLengthBits = parseInt(alg.slice(13, 16), 10), subtleAlg = {
    hash: `SHA-${alg.slice(8, 11)}`,
    iterations: p2c,
    name: "PBKDF2",
    salt
  }, cryptoKey = await rawKey(key, jweAlgorithm(alg).subtle, "deriveBits");
  return new Uint8Array(await crypto.subtle.deriveBits(subtleAlg, cryptoKey, keyLengthBits));
}
function lengthAndInput(input) {
  return concat(uint32be(input.length), input);
}
async function concatKdf(Z, keyDataLength, OtherInfo) {
  const dkLen = keyDataLength >> 3, hashLen = 32, reps = Math.ceil(dkLen / hashLen), dk = new Uint8Array(reps * hashLen);
  for (let i = 1; i <= reps; i++) {
    const hashResult = await digest("sha256", concat(uint32be(i), Z, OtherInfo));
    dk.set(hashResult, (i - 1) * hashLen);
  }
  return dk.slice(0, dkLen);
}
async function ecdhesDeriveKey(publicKey, privateKey, algorithmId, keyDataLength, apu = new Uint8Array(), apv = new Uint8Array()) {
  checkEcdhCryptoKey(publicKey), checkEcdhCryptoKey(privateKey, "deriveBits");
  const otherInfo = concat(lengthAndInput(encode(algorithmId)), lengthAndInput(apu), lengthAndInput(apv), uint32be(keyDataLength)), Z = new Uint8Array(await crypto.subtle.deriveBits({
    name: publicKey.algorithm.name,
    public: publicKey
  }, privateKey, publicKey.algorithm.name === "X25519" ? 256 : Math.ceil(parseInt(publicKey.algorithm.namedCurve.slice(-3), 10) / 8) << 3));
  return concatKdf(Z, keyDataLength, otherInfo);
}
function assertEcdhKey(key) {
  assertCryptoKey(key);
  const curve = key.algorithm.namedCurve;
  if (curve !== "P-256" && curve !== "P-384" && curve !== "P-521" && key.algorithm.name !== "X25519")
    throw new JOSENotSupported("ECDH with the provided key is not allowed or not supported by your javascript runtime");
}
function partyInfo(joseHeader, name) {
  const value = joseHeader[name];
  if (value !== void 0) {
    if (typeof value != "string")
      throw new errors_JWEInvalid(`JOSE Header "${name}" (Agreement Party${name === "apu" ? "U" : "V"}Info) invalid`);
    return decodeBase64url(value, name, errors_JWEInvalid);
  }
}
function checkPartyInfo(apu, apv) {
  if (!(apu === void 0 || apv === void 0 || apu.byteLength !== apv.byteLength)) {
    for (let i = 0; i < apu.byteLength; i++)
      if (apu[i] !== apv[i])
        return;
    throw new errors_JWEInvalid('JOSE Header "apu" and "apv" values must be distinct');
  }
}
function assertEncryptedKey(encryptedKey) {
  if (encryptedKey === void 0)
    throw new errors_JWEInvalid("JWE Encrypted Key missing");
}
function assertNoEncryptedKey(encryptedKey) {
  if (encryptedKey !== void 0)
    throw new errors_JWEInvalid("Encountered unexpected JWE Encrypted Key");
}
function validateMaxPBES2Count(value) {
  if (value !== void 0 && value !== 1 / 0 && (!Number.isSafeInteger(value) || value < 1))
    throw new TypeError("maxPBES2Count must be a positive safe integer or Infinity");
}
async function decryptKeyManagement(entry, enc, key, encryptedKey, joseHeader, maxPBES2Count) {
  const { alg } = entry, mode = entry.mode;
  if (mode === "direct-encryption")
    return assertNoEncryptedKey(encryptedKey), key;
  const direct = mode === "direct-key-agreement";
  switch (direct ? assertNoEncryptedKey(encryptedKey) : assertEncryptedKey(encryptedKey), entry.subtle.name) {
    case "ECDH": {
      const { epk } = joseHeader;
      if (!isObject(epk) || ["d", "k", "p", "q", "dp", "dq", "qi", "oth", "priv"].some((parameter) => Object.hasOwn(epk, parameter)))
        throw new errors_JWEInvalid('JOSE Header "epk" (Ephemeral Public Key) missing or invalid');
      assertEcdhKey(key);
      const ephemeralPublicKey = await jwkToKey(entry, epk), partyUInfo = partyInfo(joseHeader, "apu"), partyVInfo = partyInfo(joseHeader, "apv");
      checkPartyInfo(partyUInfo, partyVInfo);
      const derivedKey = await ecdhesDeriveKey(ephemeralPublicKey, key, direct ? enc.alg : alg, direct ? enc.cekBits : parseInt(alg.slice(-5, -2), 10), partyUInfo, partyVInfo);
      if (direct)
        return derivedKey;
      key = derivedKey;
      break;
    }
    case "RSA-OAEP":
      return assertCryptoKey(key), checkRsaKey(alg, key, "decrypt"), new Uint8Array(await crypto.subtle.decrypt("RSA-OAEP", key, encryptedKey));
    case "PBKDF2": {
      if (typeof joseHeader.p2c != "number")
        throw new errors_JWEInvalid('JOSE Header "p2c" (PBES2 Count) missing or invalid');
      const p2cLimit = maxPBES2Count ?? 1e4;
      if (joseHeader.p2c > p2cLimit)
        throw new errors_JWEInvalid('JOSE Header "p2c" (PBES2 Count) out is of acceptable bounds');
      if (typeof joseHeader.p2s != "string")
        throw new errors_JWEInvalid('JOSE Header "p2s" (PBES2 Salt) missing or invalid');
      const p2s = decodeBase64url(joseHeader.p2s, "p2s", errors_JWEInvalid);
      key = await deriveKey(p2s, alg, joseHeader.p2c, key);
      break;
    }
    case "AES-GCM": {
      if (typeof joseHeader.iv != "string")
        throw new errors_JWEInvalid('JOSE Header "iv" (Initialization Vector) missing or invalid');
      if (typeof joseHeader.tag != "string")
        throw new errors_JWEInvalid('JOSE Header "tag" (Authentication Tag) missing or invalid');
      const iv = decodeBase64url(joseHeader.iv, "iv", errors_JWEInvalid), tag = decodeBase64url(joseHeader.tag, "tag", errors_JWEInvalid);
      if (iv.byteLength !== 12)
        throw new errors_JWEInvalid("Invalid Initialization Vector length");
      if (tag.byteLength !== 16)
        throw new errors_JWEInvalid("Invalid Authentication Tag length");
      return decrypt(jweEncryption(alg.slice(0, -2)), key, encryptedKey, iv, tag, new Uint8Array());
    }
  }
  return aeskwUnwrap(alg.slice(-6), key, encryptedKey);
}
async function encryptKeyManagement(entry, enc, inputKey, joseHeader, providedCek, providedParameters = {}) {
  const { alg, mode } = entry, transport = isJWECEKTransport(entry);
  if (providedCek !== void 0 && !transport)
    throw new TypeError(`setContentEncryptionKey cannot be called with JWE "alg" (Algorithm) Header ${alg}`);
  let key = await prepareKey(mode === "direct-encryption" ? enc : entry, inputKey, "encrypt");
  if (mode === "direct-encryption")
    return [key, void 0, void 0];
  const cek = transport ? providedCek ?? generateCek(enc) : void 0;
  cek && checkCekLength(cek, enc.cekBits);
  let encryptedKey, parameters;
  switch (entry.subtle.name) {
    case "ECDH": {
      assertEcdhKey(key);
      const { apu: providedApu, apv: providedApv } = providedParameters;
      providedApu !== void 0 && assertUint8Array(providedApu, '"apu"'), providedApv !== void 0 && assertUint8Array(providedApv, '"apv"');
      const apu = providedApu ?? partyInfo(joseHeader, "apu"), apv = providedApv ?? partyInfo(joseHeader, "apv");
      checkPartyInfo(apu, apv);
      let ephemeralPrivateKey;
      providedParameters.epk !== void 0 ? ephemeralPrivateKey = await prepareKey(entry, providedParameters.epk, "decrypt") : ephemeralPrivateKey = (await crypto.subtle.generateKey(key.algorithm, !0, ["deriveBits"])).privateKey;
      const subtle = crypto.subtle;
      let exportableEpk = ephemeralPrivateKey;
      if (!exportableEpk.extractable) {
        if (typeof subtle.getPublicKey != "function")
          throw new TypeError('CryptoKey for "epk" must be extractable');
        exportableEpk = await subtle.getPublicKey(ephemeralPrivateKey, []);
      }
      const { x, y, crv, kty } = await subtle.exportKey("jwk", exportableEpk), direct = mode === "direct-key-agreement", derivedKey = await ecdhesDeriveKey(key, ephemeralPrivateKey, direct ? enc.alg : alg, direct ? enc.cekBits : parseInt(alg.slice(-5, -2), 10), apu, apv), epk = { x, crv, kty };
      if (kty === "EC" && (epk.y = y), parameters = { epk }, providedApu !== void 0 && (parameters.apu = base64url_encode(providedApu)), providedApv !== void 0 && (parameters.apv = base64url_encode(providedApv)), direct)
        return [derivedKey, void 0, parameters];
      key = derivedKey;
      break;
    }
    case "RSA-OAEP": {
      assertCryptoKey(key), checkRsaKey(alg, key, "encrypt"), encryptedKey = new Uint8Array(await crypto.subtle.encrypt("RSA-OAEP", key, cek));
      break;
    }
    case "PBKDF2": {
      const { p2c = 2048, p2s = crypto.getRandomValues(new Uint8Array(16)) } = providedParameters;
      key = await deriveKey(p2s, alg, p2c, key), parameters = { p2c, p2s: base64url_encode(p2s) };
      break;
    }
    case "AES-GCM": {
      const iv = providedParameters.iv === void 0 ? crypto.getRandomValues(new Uint8Array(12)) : providedParameters.iv;
      if (!(iv instanceof Uint8Array))
        throw new TypeError('"iv" must be an instance of Uint8Array');
      const wrapped = await encrypt(jweEncryption(alg.slice(0, -2)), cek, key, iv, new Uint8Array());
      encryptedKey = wrapped.ciphertext, parameters = { iv: base64url_encode(wrapped.iv), tag: base64url_encode(wrapped.tag) };
    }
  }
  if (encryptedKey ??= await aeskwWrap(alg.slice(-6), key, cek), !(encryptedKey instanceof Uint8Array) || !encryptedKey.byteLength)
    throw new TypeError("JWE key management algorithm did not produce an Encrypted Key");
  return [cek, encryptedKey, parameters];
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/deflate.js


function validateZip(joseHeader, protectedHeader) {
  if (joseHeader.zip !== void 0 && joseHeader.zip !== "DEF")
    throw new JOSENotSupported('Unsupported JWE "zip" (Compression Algorithm) Header Parameter value.');
  if (joseHeader.zip !== void 0 && !protectedHeader?.zip)
    throw new errors_JWEInvalid('JWE "zip" (Compression Algorithm) Header Parameter MUST be in a protected header.');
}
function supported(name) {
  if (typeof globalThis[name] > "u")
    throw new JOSENotSupported(`JWE "zip" (Compression Algorithm) Header Parameter requires the ${name} API.`);
}
async function transform(stream, input, maxLength = 1 / 0) {
  const writer = stream.writable.getWriter();
  writer.write(input).catch(() => {
  }), writer.close().catch(() => {
  });
  const chunks = [];
  let length = 0;
  const reader = stream.readable.getReader();
  for (; ; ) {
    const { value, done } = await reader.read();
    if (done)
      break;
    if (chunks.push(value), length += value.byteLength, maxLength !== 1 / 0 && length > maxLength)
      throw await reader.cancel().catch(() => {
      }), new errors_JWEInvalid("Decompressed plaintext exceeded the configured limit");
  }
  return concat(...chunks);
}
async function compress(input) {
  return supported("CompressionStream"), transform(new CompressionStream("deflate-raw"), input);
}
async function decompress(input, maxLength) {
  return supported("DecompressionStream"), transform(new DecompressionStream("deflate-raw"), input, maxLength);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/jwe_encrypt.js









function checkDisjoint(protectedHeader, unprotectedHeader, sharedUnprotectedHeader) {
  if (!isDisjoint(protectedHeader, unprotectedHeader, sharedUnprotectedHeader))
    throw new errors_JWEInvalid("JWE Protected, JWE Shared Unprotected and JWE Per-Recipient Header Parameter names must be disjoint");
}
function checkEncryptHeaders(input, options, sharedHeadersNormalized = !1) {
  if (!input[1] && !input[2] && !input[3])
    throw new errors_JWEInvalid("either setProtectedHeader, setUnprotectedHeader, or sharedUnprotectedHeader must be called before #encrypt()");
  options !== void 0 && (input[8] = options?.crit);
  let [, protectedHeader, unprotectedHeader, sharedUnprotectedHeader, aad, cek, iv, keyManagementParameters, crit] = input;
  if (aad !== void 0 && assertUint8Array(aad, "JWE Additional Authenticated Data"), cek !== void 0 && assertUint8Array(cek, "JWE Content Encryption Key"), iv !== void 0 && assertUint8Array(iv, "JWE Initialization Vector"), !sharedHeadersNormalized && protectedHeader !== void 0 && (protectedHeader = serializeJoseHeader(errors_JWEInvalid, protectedHeader)[0], input[1] = protectedHeader), unprotectedHeader !== void 0 && (unprotectedHeader = serializeJoseHeader(errors_JWEInvalid, unprotectedHeader)[0], input[2] = unprotectedHeader), !sharedHeadersNormalized && sharedUnprotectedHeader !== void 0 && (sharedUnprotectedHeader = serializeJoseHeader(errors_JWEInvalid, sharedUnprotectedHeader)[0], input[3] = sharedUnprotectedHeader), keyManagementParameters !== void 0 && !isObject(keyManagementParameters))
    throw new TypeError("JWE Key Management Parameters must be an object");
  checkDisjoint(protectedHeader, unprotectedHeader, sharedUnprotectedHeader);
  const joseHeader = {
    ...protectedHeader,
    ...unprotectedHeader,
    ...sharedUnprotectedHeader
  };
  validateCritDuplicates(errors_JWEInvalid, protectedHeader), validateCrit(errors_JWEInvalid, JWE_RECOGNIZED, crit, protectedHeader, joseHeader), validateZip(joseHeader, protectedHeader);
  const { alg, enc } = joseHeader;
  if (typeof alg != "string" || !alg)
    throw new errors_JWEInvalid('JWE "alg" (Algorithm) Header Parameter missing or invalid');
  const algEntry = JWE[alg];
  if (algEntry?.mode === "integrated-encryption") {
    if (enc !== void 0)
      throw new errors_JWEInvalid('JWE "enc" (Encryption Algorithm) Header Parameter must not be present for integrated encryption');
    if (cek !== void 0)
      throw new TypeError(`setContentEncryptionKey cannot be called with JWE "alg" (Algorithm) Header ${alg}`);
    if (iv !== void 0)
      throw new TypeError(`setInitializationVector cannot be called with JWE "alg" (Algorithm) Header ${alg}`);
    return [joseHeader, void 0, algEntry];
  }
  if (typeof enc != "string" || !enc)
    throw new errors_JWEInvalid('JWE "enc" (Encryption Algorithm) Header Parameter missing or invalid');
  return [joseHeader, jweEncryption(enc), algEntry];
}
async function encryptJWE(input, checked, key) {
  const [joseHeader, encEntry, selected] = checked, [inputPlaintext, inputProtectedHeader, inputUnprotectedHeader, sharedUnprotectedHeader, aad, providedCek, inputIv, keyManagementParameters, , unprotectedParameters] = input;
  let protectedHeader = inputProtectedHeader, unprotectedHeader = inputUnprotectedHeader;
  const algEntry = selected ?? jweAlgorithm(joseHeader.alg);
  let encryptedKey, parameters, cek;
  algEntry.mode === "integrated-encryption" ? cek = await prepareKey(algEntry, key, "encrypt") : [cek, encryptedKey, parameters] = await encryptKeyManagement(algEntry, encEntry, key, joseHeader, providedCek, keyManagementParameters), parameters && (unprotectedParameters ? unprotectedHeader = unprotectedHeader ? { ...unprotectedHeader, ...parameters } : parameters : protectedHeader = protectedHeader ? { ...protectedHeader, ...parameters } : parameters, checkDisjoint(protectedHeader, unprotectedHeader, sharedUnprotectedHeader));
  const encodedProtectedHeader = protectedHeader ? base64url_encode(JSON.stringify(protectedHeader)) : "", encodedAad = aad?.byteLength ? base64url_encode(aad) : void 0, additionalAuthenticatedData = encode(encodedAad ? `${encodedProtectedHeader}.${encodedAad}` : encodedProtectedHeader);
  let plaintext = inputPlaintext;
  joseHeader.zip === "DEF" && (plaintext = await compress(plaintext).catch((cause) => {
    throw cause instanceof JOSENotSupported ? cause : new errors_JWEInvalid("Failed to compress plaintext", { cause });
  }));
  let ciphertext, tag, iv;
  algEntry.mode === "integrated-encryption" ? [encryptedKey, ciphertext] = await algEntry.encrypt(cek, plaintext, additionalAuthenticatedData, protectedHeader, joseHeader, keyManagementParameters) : { ciphertext, tag, iv } = await encrypt(encEntry, plaintext, cek, inputIv, additionalAuthenticatedData);
  const jwe = {
    ciphertext: base64url_encode(ciphertext)
  };
  return iv && (jwe.iv = base64url_encode(iv)), tag && (jwe.tag = base64url_encode(tag)), encryptedKey?.byteLength && (jwe.encrypted_key = base64url_encode(encryptedKey)), encodedAad && (jwe.aad = encodedAad), protectedHeader && (jwe.protected = encodedProtectedHeader), sharedUnprotectedHeader && (jwe.unprotected = sharedUnprotectedHeader), unprotectedHeader && (jwe.header = unprotectedHeader), jwe;
}
async function createJWE(input, key, options) {
  return encryptJWE(input, checkEncryptHeaders(input, options), key);
}
function compactJWE(jwe) {
  return [jwe.protected, jwe.encrypted_key, jwe.iv, jwe.ciphertext, jwe.tag].join(".");
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/jwe/flattened/encrypt.js


class FlattenedEncrypt {
  #input;
  constructor(plaintext) {
    assertUint8Array(plaintext, "plaintext"), this.#input = [plaintext];
  }
  setKeyManagementParameters(parameters) {
    return assertNotSet(this.#input[7], "setKeyManagementParameters"), this.#input[7] = parameters, this;
  }
  setProtectedHeader(protectedHeader) {
    return assertNotSet(this.#input[1], "setProtectedHeader"), this.#input[1] = protectedHeader, this;
  }
  setSharedUnprotectedHeader(sharedUnprotectedHeader) {
    return assertNotSet(this.#input[3], "setSharedUnprotectedHeader"), this.#input[3] = sharedUnprotectedHeader, this;
  }
  setUnprotectedHeader(unprotectedHeader) {
    return assertNotSet(this.#input[2], "setUnprotectedHeader"), this.#input[2] = unprotectedHeader, this;
  }
  setAdditionalAuthenticatedData(aad) {
    return this.#input[4] = aad, this;
  }
  setContentEncryptionKey(cek) {
    return assertNotSet(this.#input[5], "setContentEncryptionKey"), this.#input[5] = cek, this;
  }
  setInitializationVector(iv) {
    return assertNotSet(this.#input[6], "setInitializationVector"), this.#input[6] = iv, this;
  }
  async encrypt(key, options) {
    return createJWE([...this.#input], key, options);
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/jwe/general/encrypt.js







class IndividualRecipient {
  #parent;
  state;
  constructor(enc, key, crit) {
    this.#parent = enc, this.state = [void 0, void 0, key, crit];
  }
  setUnprotectedHeader(unprotectedHeader) {
    return assertNotSet(this.state[0], "setUnprotectedHeader"), this.state[0] = unprotectedHeader, this;
  }
  setKeyManagementParameters(parameters) {
    return assertNotSet(this.state[1], "setKeyManagementParameters"), this.state[1] = parameters, this;
  }
  addRecipient(...args) {
    return this.#parent.addRecipient(...args);
  }
  encrypt(...args) {
    return this.#parent.encrypt(...args);
  }
  done() {
    return this.#parent;
  }
}
class GeneralEncrypt {
  #plaintext;
  #recipients = [];
  #protectedHeader;
  #sharedUnprotectedHeader;
  #aad;
  constructor(plaintext) {
    this.#plaintext = plaintext;
  }
  addRecipient(key, options) {
    const recipient = new IndividualRecipient(this, key, options?.crit);
    return this.#recipients.push(recipient), recipient;
  }
  setProtectedHeader(protectedHeader) {
    return assertNotSet(this.#protectedHeader, "setProtectedHeader"), this.#protectedHeader = protectedHeader, this;
  }
  setSharedUnprotectedHeader(sharedUnprotectedHeader) {
    return assertNotSet(this.#sharedUnprotectedHeader, "setSharedUnprotectedHeader"), this.#sharedUnprotectedHeader = sharedUnprotectedHeader, this;
  }
  setAdditionalAuthenticatedData(aad) {
    return this.#aad = aad, this;
  }
  async encrypt() {
    if (!this.#recipients.length)
      throw new errors_JWEInvalid("at least one recipient must be added");
    assertUint8Array(this.#plaintext, "plaintext");
    const multiple = this.#recipients.length > 1;
    let enc, protectedHeader = this.#protectedHeader, sharedUnprotectedHeader = this.#sharedUnprotectedHeader;
    const recipients = [];
    for (const recipient of this.#recipients) {
      const [unprotectedHeader, keyManagementParameters, key, crit] = recipient.state, input = [
        this.#plaintext,
        protectedHeader,
        unprotectedHeader,
        sharedUnprotectedHeader,
        this.#aad,
        void 0,
        void 0,
        keyManagementParameters,
        crit,
        multiple
      ], headers = checkEncryptHeaders(input, void 0, recipients.length > 0);
      recipients.length || (protectedHeader = input[1], sharedUnprotectedHeader = input[3]), recipients.push([input, headers, key]);
      const [{ alg, enc: recipientEnc }, , algEntry] = headers;
      if (multiple && algEntry && !isJWECEKTransport(algEntry))
        throw new errors_JWEInvalid(`"${alg}" alg may only have a single recipient`);
      if (!enc)
        enc = recipientEnc;
      else if (enc !== recipientEnc)
        throw new errors_JWEInvalid('JWE "enc" (Encryption Algorithm) Header Parameter must be the same for all recipients');
    }
    for (const [, headers] of recipients)
      headers[2] ??= jweAlgorithm(headers[0].alg);
    const [firstInput, firstHeaders, firstKey] = recipients[0], cek = multiple ? generateCek(firstHeaders[1]) : void 0;
    firstInput[5] = cek;
    const { encrypted_key, header, ...shared } = await encryptJWE(firstInput, firstHeaders, firstKey), jwe = {
      ...shared,
      recipients: [{}]
    };
    encrypted_key && (jwe.recipients[0].encrypted_key = encrypted_key), header && (jwe.recipients[0].header = header);
    for (let i = 1; i < recipients.length; i++) {
      const [input, [joseHeader, encEntry, algEntry], key] = recipients[i], unprotectedHeader = input[2], [, encryptedKey, parameters] = await encryptKeyManagement(algEntry, encEntry, key, joseHeader, cek, input[7]), target = {
        encrypted_key: base64url_encode(encryptedKey)
      };
      if (unprotectedHeader || parameters) {
        const header2 = { ...unprotectedHeader, ...parameters };
        parameters && checkDisjoint(input[1], header2, input[3]), target.header = header2;
      }
      jwe.recipients.push(target);
    }
    return jwe;
  }
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/lib/jwe_decrypt.js








function snapshotSharedJWE(jwe) {
  const { aad, ciphertext, iv, protected: encodedProtected, tag, unprotected } = jwe;
  if (iv !== void 0 && (typeof iv != "string" || !iv))
    throw new errors_JWEInvalid("JWE Initialization Vector incorrect type");
  if (typeof ciphertext != "string")
    throw new errors_JWEInvalid("JWE Ciphertext missing or incorrect type");
  if (tag !== void 0 && (typeof tag != "string" || !tag))
    throw new errors_JWEInvalid("JWE Authentication Tag incorrect type");
  if (encodedProtected !== void 0 && typeof encodedProtected != "string")
    throw new errors_JWEInvalid("JWE Protected Header incorrect type");
  if (aad !== void 0 && (typeof aad != "string" || !aad))
    throw new errors_JWEInvalid("JWE AAD incorrect type");
  if (unprotected !== void 0 && !isObject(unprotected))
    throw new errors_JWEInvalid("JWE Shared Unprotected Header incorrect type");
  return {
    aad,
    ciphertext,
    iv,
    protected: encodedProtected,
    tag,
    unprotected: unprotected === void 0 ? void 0 : { ...unprotected }
  };
}
function snapshotRecipientJWE(recipient) {
  let header, headerAlg;
  try {
    const { header: inputHeader } = recipient;
    if (isObject(inputHeader)) {
      headerAlg = inputHeader.alg;
      const parameters = Object.keys(inputHeader);
      parameters.includes("alg") || (headerAlg = void 0), header = Object.fromEntries(parameters.map((parameter) => [
        parameter,
        parameter === "alg" ? headerAlg : inputHeader[parameter]
      ]));
    } else
      header = inputHeader;
    const { encrypted_key: encryptedKey } = recipient;
    return [{ encrypted_key: encryptedKey, header }, headerAlg];
  } catch (error) {
    return [void 0, headerAlg, error];
  }
}
function checkRecipient(jwe) {
  const { encrypted_key: encryptedKey, header } = jwe;
  if (encryptedKey !== void 0 && typeof encryptedKey != "string")
    throw new errors_JWEInvalid("JWE Encrypted Key incorrect type");
  if (header !== void 0 && !isObject(header))
    throw new errors_JWEInvalid("JWE Per-Recipient Unprotected Header incorrect type");
  if (jwe.protected === void 0 && header === void 0 && jwe.unprotected === void 0)
    throw new errors_JWEInvalid("JOSE Header missing");
}
function shareJWE(jwe) {
  const { protected: encodedProtected, ciphertext, iv, tag, aad } = jwe;
  let protectedHeader;
  return encodedProtected !== void 0 && (protectedHeader = parseJoseHeader(encodedProtected, errors_JWEInvalid, "JWE Protected Header is invalid")), [
    protectedHeader,
    decodeBase64url(ciphertext, "ciphertext", errors_JWEInvalid),
    iv !== void 0 ? decodeBase64url(iv, "iv", errors_JWEInvalid) : void 0,
    tag !== void 0 ? decodeBase64url(tag, "tag", errors_JWEInvalid) : void 0,
    encodeAsciiMember((encodedProtected ?? "") + (aad !== void 0 ? `.${aad}` : ""), "aad", errors_JWEInvalid)
  ];
}
function prepareDecrypt(options) {
  const keyManagementAlgorithms = options && validateAlgorithms("keyManagementAlgorithms", options.keyManagementAlgorithms), contentEncryptionAlgorithms = options && validateAlgorithms("contentEncryptionAlgorithms", options.contentEncryptionAlgorithms), { crit, maxPBES2Count, maxDecompressedLength } = options ?? {};
  validateMaxPBES2Count(maxPBES2Count);
  const decompressionLimit = maxDecompressedLength ?? 25e4;
  if (decompressionLimit !== 0 && decompressionLimit !== 1 / 0 && (!Number.isSafeInteger(decompressionLimit) || decompressionLimit < 1))
    throw new TypeError("maxDecompressedLength must be 0, a positive safe integer, or Infinity");
  return [
    keyManagementAlgorithms,
    contentEncryptionAlgorithms,
    crit,
    maxPBES2Count,
    maxDecompressedLength
  ];
}
async function decryptJWE(jwe, shared, key, token = shareJWE(jwe)) {
  const [protectedHeader, ciphertext, iv, tag, additionalAuthenticatedData] = token, { header, unprotected, aad } = jwe;
  let joseHeader;
  if (header !== void 0 || unprotected !== void 0) {
    if (!isDisjoint(protectedHeader, header, unprotected))
      throw new errors_JWEInvalid("JWE Protected, JWE Unprotected Header, and JWE Per-Recipient Unprotected Header Parameter names must be disjoint");
    joseHeader = { ...protectedHeader, ...header, ...unprotected };
  } else
    joseHeader = protectedHeader ?? {};
  const [keyManagementAlgorithms, contentEncryptionAlgorithms, crit, maxPBES2Count, maxDecompressedLength] = shared, { encrypted_key: encodedKey } = jwe;
  validateCrit(errors_JWEInvalid, JWE_RECOGNIZED, crit, protectedHeader, joseHeader), validateZip(joseHeader, protectedHeader);
  const { alg, enc } = joseHeader;
  if (typeof alg != "string" || !alg)
    throw new errors_JWEInvalid("missing JWE Algorithm (alg) in JWE Header");
  const selected = JWE[alg];
  if (encodedKey === "" && (!selected || !isJWECEKTransport(selected)))
    throw new errors_JWEInvalid("JWE Encrypted Key incorrect type");
  const integrated = selected?.mode === "integrated-encryption";
  if (!integrated && (typeof enc != "string" || !enc))
    throw new errors_JWEInvalid("missing JWE Encryption Algorithm (enc) in JWE Header");
  if (keyManagementAlgorithms && !keyManagementAlgorithms.has(alg) || !keyManagementAlgorithms && alg.startsWith("PBES2"))
    throw new JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  let encEntry;
  if (integrated) {
    if (enc !== void 0)
      throw new errors_JWEInvalid('JWE "enc" (Encryption Algorithm) Header Parameter must not be present for integrated encryption');
    if (iv?.byteLength)
      throw new errors_JWEInvalid("JWE Initialization Vector must be empty for integrated encryption");
    if (tag?.byteLength)
      throw new errors_JWEInvalid("JWE Authentication Tag must be empty for integrated encryption");
  } else {
    if (contentEncryptionAlgorithms && !contentEncryptionAlgorithms.has(enc))
      throw new JOSEAlgNotAllowed('"enc" (Encryption Algorithm) Header Parameter value not allowed');
    encEntry = jweEncryption(enc);
  }
  let encryptedKey;
  if (encodedKey !== void 0)
    try {
      encryptedKey = decodeBase64url(encodedKey, "encrypted_key", errors_JWEInvalid);
    } catch (error) {
      if (!selected || !isJWECEKTransport(selected))
        throw error;
      encryptedKey = new Uint8Array();
    }
  let resolvedKey = !1;
  typeof key == "function" && (key = await key(protectedHeader, jwe), resolvedKey = !0);
  const algEntry = selected ?? jweAlgorithm(alg);
  isJWECEKTransport(algEntry) && encryptedKey === void 0 && (encryptedKey = new Uint8Array());
  const k = await prepareKey(algEntry.mode === "direct-encryption" ? encEntry : algEntry, key, "decrypt");
  let plaintext;
  if (algEntry.mode === "integrated-encryption")
    plaintext = await algEntry.decrypt(k, encryptedKey, ciphertext, additionalAuthenticatedData, protectedHeader, joseHeader);
  else {
    const encryption = encEntry;
    let cek;
    try {
      cek = await decryptKeyManagement(algEntry, encryption, k, encryptedKey, joseHeader, maxPBES2Count), isJWECEKTransport(algEntry) && cek instanceof Uint8Array && cek.byteLength << 3 !== encryption.cekBits && (cek = generateCek(encryption));
    } catch (err) {
      if (err instanceof TypeError || err instanceof errors_JWEInvalid || err instanceof JOSENotSupported)
        throw err;
      cek = generateCek(encryption);
    }
    plaintext = await decrypt(encryption, cek, ciphertext, iv, tag, additionalAuthenticatedData);
  }
  if (joseHeader.zip === "DEF") {
    const decompressionLimit = maxDecompressedLength ?? 25e4;
    if (decompressionLimit === 0)
      throw new JOSENotSupported('JWE "zip" (Compression Algorithm) Header Parameter is not supported.');
    plaintext = await decompress(plaintext, decompressionLimit).catch((cause) => {
      throw cause instanceof errors_JWEInvalid || cause instanceof JOSENotSupported ? cause : new errors_JWEInvalid("Failed to decompress plaintext", { cause });
    });
  }
  return {
    plaintext,
    ...protectedHeader && { protectedHeader },
    ...aad !== void 0 && {
      additionalAuthenticatedData: decodeBase64url(aad, "aad", errors_JWEInvalid)
    },
    ...unprotected && { sharedUnprotectedHeader: unprotected },
    ...header && { unprotectedHeader: header },
    ...resolvedKey && { key: k }
  };
}
async function decryptCompact(jwe, shared, key) {
  if (jwe instanceof Uint8Array && (jwe = decoder.decode(jwe)), typeof jwe != "string")
    throw new JWEInvalid("Compact JWE must be a string or Uint8Array");
  const { 0: protectedHeader, 1: encryptedKey, 2: iv, 3: ciphertext, 4: tag, length } = jwe.split(".");
  if (length !== 5)
    throw new JWEInvalid("Invalid Compact JWE");
  return decryptJWE({
    ciphertext,
    iv: iv || void 0,
    protected: protectedHeader,
    tag: tag || void 0,
    encrypted_key: encryptedKey || void 0
  }, shared, key);
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/jwe/general/decrypt.js




async function generalDecrypt(jwe, key, options) {
  if (!isObject(jwe))
    throw new errors_JWEInvalid("General JWE must be an object");
  const inputRecipients = jwe.recipients;
  if (!Array.isArray(inputRecipients))
    throw new errors_JWEInvalid("JWE Recipients missing or incorrect type");
  const recipients = Array.from(inputRecipients);
  if (!recipients.every(isObject))
    throw new errors_JWEInvalid("JWE Recipients missing or incorrect type");
  if (!recipients.length)
    throw new errors_JWEInvalid("JWE Recipients has no members");
  const shared = prepareDecrypt(options);
  let sharedJwe, token;
  try {
    sharedJwe = snapshotSharedJWE(jwe), token = shareJWE(sharedJwe);
  } catch {
    throw new JWEDecryptionFailed();
  }
  const recipientSnapshots = recipients.map((recipient) => snapshotRecipientJWE(recipient));
  if (recipients.length > 1)
    for (const [, headerAlg] of recipientSnapshots) {
      const alg = token[0]?.alg ?? headerAlg ?? sharedJwe.unprotected?.alg, algEntry = typeof alg == "string" ? JWE[alg] : void 0;
      if (algEntry && !isJWECEKTransport(algEntry))
        throw new errors_JWEInvalid(`"${alg}" alg may only have a single recipient`);
    }
  for (const [recipient] of recipientSnapshots)
    if (recipient)
      try {
        const flattened = { ...sharedJwe, ...recipient };
        return checkRecipient(flattened), await decryptJWE(flattened, shared, key, token);
      } catch {
      }
  throw new JWEDecryptionFailed();
}


;// CONCATENATED MODULE: ./node_modules/jose/dist/webapi/jwe/flattened/decrypt.js



async function flattenedDecrypt(jwe, key, options) {
  if (!isObject(jwe))
    throw new errors_JWEInvalid("Flattened JWE must be an object");
  const shared = snapshotSharedJWE(jwe), [recipient, , error] = snapshotRecipientJWE(jwe);
  if (!recipient)
    throw error;
  const snapshot = { ...shared, ...recipient };
  return checkRecipient(snapshot), decryptJWE(snapshot, prepareDecrypt(options), key);
}


;// CONCATENATED MODULE: ./src/ocicrypt/keywrap/jwe.ts
/**
 * The JWE key wrapper (ocicrypt keywrap/jwe). The plaintext is the layer's private-options JSON, content
 * encryption is always A256GCM with `enc` in the protected header (go-jose reads it only from there). One
 * recipient gives flattened JSON with `alg` protected, as go-jose writes it; several give general JSON with a
 * per-recipient `alg` header. Unwrap accepts both, plus go-jose's stray top-level `encrypted_key`.
 */


const jwe_ENC = 'A256GCM';
/** What go-jose v4 (ocicrypt >= 1.2) accepts; we accept no more. */
const KEY_ALGS = ['RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];
const CONTENT_ALGS = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
function parseJwe(item) {
    let v;
    try {
        v = JSON.parse(Buffer.from(item).toString('utf8'));
    }
    catch {
        throw new OepError('E_INTEGRITY', 'a JWE key annotation item is not JSON');
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        throw new OepError('E_INTEGRITY', 'a JWE key annotation item is not a JWE object');
    }
    return v;
}
function decodeHeader(b64u) {
    if (typeof b64u !== 'string' || b64u === '')
        return {};
    try {
        const v = JSON.parse(Buffer.from(b64u, 'base64url').toString('utf8'));
        return typeof v === 'object' && v !== null ? v : {};
    }
    catch {
        return {};
    }
}
function info(h) {
    const out = { alg: typeof h.alg === 'string' ? h.alg : 'unknown' };
    if (typeof h.kid === 'string')
        out.kid = h.kid;
    const epk = h.epk;
    if (epk && typeof epk.crv === 'string')
        out.crv = epk.crv;
    return out;
}
class JweKeyWrapper {
    scheme = 'jwe';
    annotationId = 'org.opencontainers.image.enc.keys.jwe';
    async wrap(recipients, privateOptions) {
        const mine = recipients.filter((r) => r.scheme === this.scheme);
        if (mine.length === 0)
            return undefined;
        let jwe;
        if (mine.length === 1) {
            const r = mine[0];
            jwe = await new FlattenedEncrypt(privateOptions)
                .setProtectedHeader({ alg: r.alg, enc: jwe_ENC, ...(r.kid ? { kid: r.kid } : {}) })
                .encrypt(r.key);
        }
        else {
            const enc = new GeneralEncrypt(privateOptions).setProtectedHeader({ enc: jwe_ENC });
            for (const r of mine)
                enc.addRecipient(r.key).setUnprotectedHeader({ alg: r.alg, ...(r.kid ? { kid: r.kid } : {}) });
            jwe = await enc.encrypt();
        }
        return Buffer.from(JSON.stringify(jwe), 'utf8');
    }
    async unwrap(keys, item) {
        const jwe = parseJwe(item);
        const options = { keyManagementAlgorithms: KEY_ALGS, contentEncryptionAlgorithms: CONTENT_ALGS };
        for (const { key } of keys) {
            try {
                const res = 'recipients' in jwe && Array.isArray(jwe.recipients)
                    ? await generalDecrypt(jwe, key, options)
                    : await flattenedDecrypt(jwe, key, options);
                return res.plaintext;
            }
            catch {
                // Wrong key for this item (or a recipient of another type): try the next key. Which check failed is
                // not reported, as with any decryption oracle.
            }
        }
        return undefined;
    }
    describe(item) {
        const jwe = parseJwe(item);
        const shared = { ...decodeHeader(jwe.protected), ...(jwe.unprotected ?? {}) };
        if (Array.isArray(jwe.recipients)) {
            return jwe.recipients.map((r) => info({ ...shared, ...(r.header ?? {}) }));
        }
        return [info({ ...shared, ...(jwe.header ?? {}) })];
    }
}

;// CONCATENATED MODULE: ./src/ocicrypt/options.ts
/**
 * The two option documents of an encrypted layer (ocicrypt blockcipher.go) and the annotations that carry them.
 * We write exactly Go's bytes (field order as Go's struct order, standard padded base64) and read leniently, as
 * Go's encoding/json does: field names match case-insensitively and unknown fields are ignored.
 */


const ANNOTATION_PREFIX = 'org.opencontainers.image.enc';
const ANNOTATION_PUBOPTS = 'org.opencontainers.image.enc.pubopts';
const ANNOTATION_KEYS_PREFIX = 'org.opencontainers.image.enc.keys.';
function encodePrivateOptions(o) {
    return Buffer.from(JSON.stringify({
        symkey: o.symkey.toString('base64'),
        digest: o.digest,
        cipheroptions: { nonce: o.nonce.toString('base64') },
    }));
}
function encodePublicOptions(hmac) {
    return Buffer.from(JSON.stringify({ cipher: CIPHER_AES_CTR, hmac: hmac.toString('base64'), cipheroptions: {} }));
}
/** Go decodes JSON field names case-insensitively. */
function field(obj, name) {
    if (name in obj)
        return obj[name];
    const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
    return key === undefined ? undefined : obj[key];
}
function object(bytes, what) {
    let v;
    try {
        v = JSON.parse(Buffer.from(bytes).toString('utf8'));
    }
    catch {
        throw new OepError('E_INTEGRITY', `${what} is not valid JSON`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        throw new OepError('E_INTEGRITY', `${what} is not a JSON object`);
    return v;
}
/** Strict standard base64 as Go's StdEncoding: padded, no URL alphabet, no whitespace. */
function decodeStdBase64(s, what) {
    if (typeof s !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) {
        throw new OepError('E_INTEGRITY', `${what} is not standard base64`);
    }
    return Buffer.from(s, 'base64');
}
function optionalBytes(obj, name, what) {
    const v = field(obj, name);
    return v === undefined || v === null || v === '' ? undefined : decodeStdBase64(v, what);
}
function cipherOptions(obj) {
    const co = field(obj, 'cipheroptions');
    return typeof co === 'object' && co !== null ? co : {};
}
function decodePrivateOptions(bytes) {
    const o = object(bytes, 'wrapped layer options');
    const symkey = optionalBytes(o, 'symkey', 'layer key');
    if (!symkey)
        throw new OepError('E_INTEGRITY', 'wrapped layer options hold no key');
    const digest = field(o, 'digest');
    return {
        symkey,
        digest: typeof digest === 'string' ? digest : '',
        nonce: optionalBytes(cipherOptions(o), 'nonce', 'layer nonce'),
    };
}
function decodePublicOptions(annotation) {
    if (annotation === undefined) {
        throw new OepError('E_INTEGRITY', `encrypted layer has no ${ANNOTATION_PUBOPTS} annotation`);
    }
    const o = object(decodeStdBase64(annotation, ANNOTATION_PUBOPTS), ANNOTATION_PUBOPTS);
    const cipher = field(o, 'cipher');
    return {
        cipher: typeof cipher === 'string' ? cipher : '',
        hmac: optionalBytes(o, 'hmac', 'layer hmac'),
        nonce: optionalBytes(cipherOptions(o), 'nonce', 'layer nonce'),
    };
}
/**
 * The secrets needed to decrypt, checked hard: unlike Go, a missing nonce is an error (Go would silently use a
 * random one and return garbage that still passes the MAC), and every length must be exact.
 */
function layerSecrets(priv, pub) {
    if (pub.cipher !== CIPHER_AES_CTR) {
        throw new OepError('E_UNSUPPORTED', `layer cipher ${JSON.stringify(pub.cipher)} is not supported`, {
            hint: `only ${CIPHER_AES_CTR} exists in ocicrypt`,
        });
    }
    const nonce = pub.nonce ?? priv.nonce;
    if (priv.symkey.length !== KEY_LENGTH)
        throw new OepError('E_INTEGRITY', 'layer key has the wrong length');
    if (!nonce || nonce.length !== NONCE_LENGTH)
        throw new OepError('E_INTEGRITY', 'layer nonce is missing or has the wrong length');
    if (!pub.hmac || pub.hmac.length !== HMAC_LENGTH)
        throw new OepError('E_INTEGRITY', 'layer hmac is missing or has the wrong length');
    return { key: priv.symkey, nonce, hmac: pub.hmac };
}

;// CONCATENATED MODULE: ./src/ocicrypt/layer.ts
/**
 * Encrypting and decrypting one layer: the ocicrypt EncryptLayer / DecryptLayer logic over streams and
 * descriptors. Knows no files and no registries: callers feed the blob through the returned transform and
 * hand back the digest and size of what came out.
 */





const DEFAULT_WRAPPERS = [new JweKeyWrapper()];
/**
 * Prepare the encryption of one layer: fresh key and nonce, wrapped for every recipient up front (so a key
 * problem fails before any byte is read), public options filled in when the stream has been MACed.
 */
async function encryptLayer(desc, recipients, wrappers = DEFAULT_WRAPPERS) {
    if (!isEncryptableLayer(desc.mediaType)) {
        throw new OepError('E_UNSUPPORTED', `layer ${desc.digest} of type ${desc.mediaType} cannot be encrypted`);
    }
    const secrets = freshSecrets();
    const priv = encodePrivateOptions({ symkey: secrets.key, digest: desc.digest, nonce: secrets.nonce });
    const keyAnnotations = {};
    for (const w of wrappers) {
        const item = await w.wrap(recipients, priv);
        if (item)
            keyAnnotations[w.annotationId] = Buffer.from(item).toString('base64');
    }
    if (Object.keys(keyAnnotations).length === 0) {
        throw new OepError('E_NO_RECIPIENT', 'no recipient to encrypt for', {
            hint: 'give at least one public key',
        });
    }
    const transform = new LayerEncryptor(secrets);
    return {
        transform,
        descriptor: (written) => ({
            ...desc,
            mediaType: encryptedMediaType(desc.mediaType),
            digest: written.digest,
            size: written.size,
            annotations: {
                ...(desc.annotations ?? {}),
                ...keyAnnotations,
                [ANNOTATION_PUBOPTS]: encodePublicOptions(transform.hmac()).toString('base64'),
            },
        }),
    };
}
function wrappedItems(desc, w) {
    const value = desc.annotations?.[w.annotationId];
    if (!value)
        return [];
    return value.split(',').map((item) => decodeStdBase64(item, `${w.annotationId} of layer ${desc.digest}`));
}
function keyProtocols(desc) {
    return Object.keys(desc.annotations ?? {})
        .filter((k) => k.startsWith(ANNOTATION_KEYS_PREFIX))
        .map((k) => k.slice(ANNOTATION_KEYS_PREFIX.length));
}
/** Find the layer's private options with any of the keys, then set up the MAC-checked decryption. */
async function decryptLayer(desc, keys, wrappers = DEFAULT_WRAPPERS) {
    let priv;
    for (const w of wrappers) {
        for (const item of wrappedItems(desc, w)) {
            priv = await w.unwrap(keys, item);
            if (priv)
                break;
        }
        if (priv)
            break;
    }
    if (!priv) {
        const protocols = keyProtocols(desc);
        const usable = wrappers.filter((w) => desc.annotations?.[w.annotationId]);
        if (usable.length === 0) {
            throw new OepError('E_DECRYPT', `layer ${desc.digest} is wrapped only with ${protocols.join(', ') || 'no key'}`, {
                hint: `this tool opens ${wrappers.map((w) => w.scheme).join(', ')} keys`,
            });
        }
        throw new OepError('E_DECRYPT', `none of the given keys opens layer ${desc.digest}`, {
            hint: 'give the private key matching one of the public keys the image was encrypted for',
        });
    }
    const secrets = layerSecrets(decodePrivateOptions(priv), decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]));
    const transform = new LayerDecryptor(secrets, secrets.hmac);
    return {
        transform,
        descriptor: (written) => {
            const annotations = Object.fromEntries(Object.entries(desc.annotations ?? {}).filter(([k]) => !k.startsWith(ANNOTATION_PREFIX)));
            const out = { ...desc, mediaType: decryptedMediaType(desc.mediaType), ...written };
            if (Object.keys(annotations).length)
                out.annotations = annotations;
            else
                delete out.annotations;
            return out;
        },
    };
}
/** What an encrypted layer is wrapped for, read from its annotations without any key. */
function describeLayer(desc, wrappers = DEFAULT_WRAPPERS) {
    if (!isEncryptedMediaType(desc.mediaType))
        return { encrypted: false, protocols: [] };
    const out = { encrypted: true, protocols: [] };
    try {
        out.cipher = decodePublicOptions(desc.annotations?.[ANNOTATION_PUBOPTS]).cipher;
    }
    catch {
        out.cipher = 'unreadable';
    }
    for (const scheme of keyProtocols(desc)) {
        const w = wrappers.find((x) => x.annotationId === ANNOTATION_KEYS_PREFIX + scheme);
        if (!w) {
            const items = desc.annotations[ANNOTATION_KEYS_PREFIX + scheme].split(',').length;
            out.protocols.push({ scheme, items, recipients: [] });
            continue;
        }
        const items = wrappedItems(desc, w);
        out.protocols.push({ scheme, items: items.length, recipients: items.flatMap((i) => w.describe(i)) });
    }
    return out;
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/pipeline/limit.ts
/**
 * Run async jobs with at most `limit` in flight. The first failure aborts the shared signal (so running
 * streams stop instead of finishing work nobody will use), waits for the others to settle, and is rethrown.
 */
async function mapLimit(items, limit, fn) {
    const controller = new AbortController();
    const results = new Array(items.length);
    let next = 0;
    let failure;
    async function worker() {
        while (!failure && next < items.length) {
            const i = next++;
            try {
                results[i] = await fn(items[i], controller.signal);
            }
            catch (err) {
                failure ??= { err };
                controller.abort(err);
            }
        }
    }
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (failure)
        throw failure.err;
    return results;
}

;// CONCATENATED MODULE: ./src/pipeline/rewrite.ts




function imageManifests(node, out = []) {
    if (node.kind === 'manifest')
        out.push(node);
    else
        for (const c of node.children)
            if (c)
                imageManifests(c, out);
    return out;
}
/** A non-distributable layer with URLs may legitimately be absent from the layout: its descriptor passes as is. */
function isExternal(d) {
    const foreign = d.mediaType.includes('nondistributable') || d.mediaType.includes('foreign');
    return foreign && Array.isArray(d.urls) && d.urls.length > 0;
}
function mib(n) {
    return `${(n / 1048576).toFixed(1)} MiB`;
}
async function rewriteImage(source, image, writer, ops, opts) {
    const manifests = imageManifests(image.root);
    // 1. Plan: the action of every layer, and the distinct blob jobs.
    const plans = new Map();
    const jobs = new Map();
    for (const m of manifests) {
        const actions = m.doc.layers.map((layer, i) => isAttestationManifest(m.desc) ? 'copy' : ops.select(layer, i, m));
        plans.set(m, actions);
        m.doc.layers.forEach((layer, i) => jobs.set(`${actions[i]}:${layer.digest}`, { layer, action: actions[i] }));
    }
    // 2. Blobs: transformed or copied, in parallel, each once.
    const done = new Map();
    await mapLimit([...jobs.entries()], opts.concurrency, async ([key, { layer, action }], signal) => {
        if (action === 'copy') {
            if (writer.has(layer.digest)) {
                done.set(key, { desc: layer, action: 'copied' });
                return;
            }
            if (isExternal(layer) && !(await source.has(layer))) {
                done.set(key, { desc: layer, action: 'external' });
                return;
            }
            await writer.writeStream(await source.open(layer), [], signal);
            done.set(key, { desc: layer, action: 'copied' });
            return;
        }
        const t = await ops.prepare(layer);
        const started = Date.now();
        const written = await writer.writeStream(await source.open(layer), [t.transform], signal);
        const secs = (Date.now() - started) / 1000;
        opts.log(`${ops.verb} layer ${layer.digest.slice(0, 19)} (${mib(layer.size)}) in ${secs.toFixed(1)} s -> ${written.digest.slice(0, 19)}`);
        done.set(key, { desc: t.descriptor(written), action: 'transformed' });
    });
    // 3. Configs are copied as they are (ocicrypt never encrypts them); the tree holds them verified.
    for (const m of manifests)
        await writer.writeBytes(m.config);
    // 4. Manifests and indexes, bottom-up.
    const outcomes = [];
    const attestations = [];
    const newDigest = new Map();
    async function emit(node, changed, doc, mediaType) {
        const bytes = changed || node.desc.digest === '' ? serialize(doc) : node.bytes;
        const w = await writer.writeBytes(bytes);
        return { ...node.desc, mediaType, digest: w.digest, size: w.size };
    }
    async function rebuildManifest(node) {
        const actions = plans.get(node);
        const layers = node.doc.layers.map((layer, index) => {
            const d = done.get(`${actions[index]}:${layer.digest}`);
            return { index, action: d.action, source: layer, result: d.desc };
        });
        const changed = layers.some((l) => l.action === 'transformed');
        let mediaType = node.doc.mediaType;
        const raw = { ...node.doc.raw, layers: layers.map((l) => l.result) };
        if (changed && ops.convertDockerToOci && mediaType === MT.dockerManifest) {
            // As containers/image does: only OCI manifests can carry encrypted layers. The config bytes stay the
            // same (the docker config is a superset of the OCI one); only the descriptors' media types change.
            mediaType = MT.ociManifest;
            raw.mediaType = mediaType;
            raw.config = { ...node.doc.config, mediaType: MT.ociConfig };
            raw.layers = layers.map((l) => ({ ...l.result, mediaType: ociLayerMediaType(l.result.mediaType) }));
        }
        const result = await emit(node, changed, raw, mediaType);
        newDigest.set(node.desc.digest, result.digest);
        if (!isAttestationManifest(node.desc)) {
            outcomes.push({ platform: formatPlatform(node.platform), source: node.desc, result, layers });
        }
        return result;
    }
    async function rebuild(node) {
        if (node.kind === 'manifest')
            return rebuildManifest(node);
        return rebuildIndex(node);
    }
    async function rebuildIndex(node) {
        const kept = [];
        // Images first, so that attestations can point at their new digests.
        const results = new Map();
        for (const [i, child] of node.children.entries()) {
            if (child && !isAttestationManifest(child.desc))
                results.set(i, await rebuild(child));
        }
        for (const [i, child] of node.children.entries()) {
            if (!child || !isAttestationManifest(child.desc))
                continue;
            const copied = await rebuild(child);
            const ref = child.desc.annotations?.[ANNOTATION_REFERENCE_DIGEST] ?? '';
            const target = newDigest.get(ref) ?? ref;
            attestations.push({ digest: copied.digest, reference: target });
            results.set(i, {
                ...copied,
                annotations: { ...copied.annotations, [ANNOTATION_REFERENCE_DIGEST]: target },
            });
        }
        for (const [i] of node.children.entries())
            if (results.has(i))
                kept.push(results.get(i));
        const changed = kept.length !== node.doc.manifests.length ||
            kept.some((d, i) => JSON.stringify(d) !== JSON.stringify(node.doc.manifests[i]));
        let mediaType = node.doc.mediaType;
        const raw = { ...node.doc.raw, manifests: kept };
        if (changed && mediaType === MT.dockerManifestList && kept.some((d) => d.mediaType === MT.ociManifest)) {
            mediaType = MT.ociIndex;
            raw.mediaType = mediaType;
        }
        return emit(node, changed, raw, mediaType);
    }
    const root = await rebuild(image.root);
    return { root, manifests: outcomes, attestations };
}

;// CONCATENATED MODULE: ./src/pipeline/selection.ts
/**
 * Which layers and platforms a run touches. The parsers are shared by every front end; the range check runs
 * against each image before anything is written.
 */


/** `--encrypt-layers` / `encrypt-layers`: comma-separated indexes, negative from the top; empty means all. */
function parseLayerList(spec) {
    if (spec === undefined || spec.trim() === '')
        return undefined;
    return spec.split(',').map((part) => {
        const t = part.trim();
        if (!/^-?\d+$/.test(t)) {
            throw new OepError('E_LAYER_INDEX', `encrypt-layers: ${JSON.stringify(t)} is not a layer index`, {
                hint: 'give comma-separated indexes such as 0,1 or -1 for the top layer; leave empty for all layers',
            });
        }
        return Number(t);
    });
}
function parsePlatformList(spec) {
    if (spec === undefined || spec.trim() === '')
        return undefined;
    return spec
        .split(/[,\n]/)
        .map((s) => s.trim())
        .filter(Boolean)
        .map(parsePlatform);
}
/**
 * Resolve the requested indexes against an image of `count` layers: a set of 0-based indexes.
 * Out of range is an error (containers/image HEAD does the same; older versions wrapped silently).
 */
function resolveLayerIndexes(wanted, count, image) {
    if (!wanted)
        return new Set(Array.from({ length: count }, (_, i) => i));
    const out = new Set();
    for (const i of wanted) {
        const abs = i < 0 ? count + i : i;
        if (abs < 0 || abs >= count) {
            throw new OepError('E_LAYER_INDEX', `encrypt-layers: index ${i} is out of range for ${image}, which has ${count} layers`, {
                hint: `use 0..${count - 1}, or -1..-${count} from the top`,
            });
        }
        out.add(abs);
    }
    return out;
}

;// CONCATENATED MODULE: ./src/pipeline/encrypt.ts
/**
 * Encrypt use case: layout in → encrypted layout out. (The registry push builds on the layout this writes:
 * the ciphertext is produced once, on disk, and every retry, tag and registry reuses the same bytes.)
 */











function defaultConcurrency() {
    return Math.max(2, Math.min(8, (0,external_node_os_namespaceObject.availableParallelism)()));
}
function encrypt_imageManifests(node) {
    if (node.kind === 'manifest')
        return isAttestationManifest(node.desc) ? [] : [node];
    return node.children.flatMap((c) => (c ? encrypt_imageManifests(c) : []));
}
function toImageReport(r, extra, skipped) {
    return {
        digest: r.root.digest,
        mediaType: r.root.mediaType,
        size: r.root.size,
        ...extra,
        platforms: r.manifests.map((m) => ({
            platform: m.platform,
            digest: m.result.digest,
            mediaType: m.result.mediaType,
            layers: m.layers.map((l) => {
                const encrypted = isEncryptedMediaType(l.result.mediaType);
                const action = l.action === 'external'
                    ? 'external'
                    : l.action === 'transformed'
                        ? encrypted
                            ? 'encrypted'
                            : 'decrypted'
                        : encrypted
                            ? 'already-encrypted'
                            : 'kept';
                const report = {
                    index: l.index,
                    mediaType: l.result.mediaType,
                    size: l.result.size,
                    digest: l.result.digest,
                    sourceDigest: l.source.digest,
                    encrypted,
                    action,
                };
                if (encrypted)
                    report.recipients = describeLayer(l.result).protocols;
                return report;
            }),
        })),
        skippedPlatforms: skipped,
        attestations: r.attestations,
    };
}
async function encryptImage(opts) {
    const log = opts.log ?? (() => { });
    if (opts.recipients.length === 0) {
        throw new OepError('E_NO_RECIPIENT', 'no recipient given: nothing to encrypt for', {
            hint: 'give at least one public key (--recipient jwe:pub.pem, or the public-keys input)',
        });
    }
    const source = await openLayout(opts.layout);
    const image = await loadImage(source, { refName: opts.refName, platforms: opts.platforms });
    // Check every selection before writing anything.
    const selected = new Map();
    for (const m of encrypt_imageManifests(image.root)) {
        const name = `the ${formatPlatform(m.platform)} image`;
        const indexes = resolveLayerIndexes(opts.encryptLayers, m.doc.layers.length, name);
        for (const i of indexes) {
            const layer = m.doc.layers[i];
            if (!isEncryptedMediaType(layer.mediaType) && !isEncryptableLayer(layer.mediaType)) {
                throw new OepError('E_UNSUPPORTED', `layer ${i} of ${name} has media type ${layer.mediaType}, which ocicrypt cannot encrypt`, {
                    hint: 'leave it out with --encrypt-layers',
                });
            }
        }
        selected.set(m, indexes);
    }
    if (image.skippedPlatforms.length)
        log(`left out (not selected): ${image.skippedPlatforms.join(', ')}`);
    const writer = await LayoutWriter.create(opts.output);
    try {
        const result = await rewriteImage(source, image, writer, {
            verb: 'encrypted',
            convertDockerToOci: true,
            select: (layer, index, manifest) => selected.get(manifest)?.has(index) && !isEncryptedMediaType(layer.mediaType) ? 'transform' : 'copy',
            prepare: (layer) => encryptLayer(layer, opts.recipients),
        }, { concurrency: opts.concurrency ?? defaultConcurrency(), log });
        const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
        await writer.commit([image.entry ? { ...image.entry, ...pick(result.root) } : result.root]);
        const report = toImageReport(result, { output: writer.path, ...(refName ? { refName } : {}) }, image.skippedPlatforms);
        report.recipients = opts.recipients.map((r) => ({
            type: r.type,
            alg: r.alg,
            fingerprint: r.fingerprint,
            source: r.source,
        }));
        return report;
    }
    catch (err) {
        await writer.abort();
        throw err;
    }
}
/** The fields of a rewritten root that replace those of its index.json entry (annotations stay the entry's). */
function pick(d) {
    return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}

;// CONCATENATED MODULE: ./src/pipeline/decrypt.ts
/** Decrypt use case: encrypted layout in → plaintext layout out, every layer's MAC checked before it lands. */








async function decryptImage(opts) {
    const log = opts.log ?? (() => { });
    const source = await openLayout(opts.layout);
    const image = await loadImage(source, { refName: opts.refName, platforms: opts.platforms });
    const writer = await LayoutWriter.create(opts.output);
    try {
        const result = await rewriteImage(source, image, writer, {
            verb: 'decrypted',
            convertDockerToOci: false,
            select: (layer) => (isEncryptedMediaType(layer.mediaType) ? 'transform' : 'copy'),
            prepare: (layer) => decryptLayer(layer, opts.keys),
        }, { concurrency: opts.concurrency ?? defaultConcurrency(), log });
        const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
        await writer.commit([image.entry ? { ...image.entry, ...pick(result.root) } : result.root]);
        return toImageReport(result, { output: writer.path, ...(refName ? { refName } : {}) }, image.skippedPlatforms);
    }
    catch (err) {
        await writer.abort();
        throw err;
    }
}

;// CONCATENATED MODULE: ./src/pipeline/inspect.ts
/** Inspect use case: what is in a layout, per platform and layer, and who each encrypted layer opens for. */






function collect(node, out, attestations) {
    if (node.kind === 'index') {
        for (const c of node.children)
            if (c)
                collect(c, out, attestations);
        return;
    }
    if (isAttestationManifest(node.desc)) {
        attestations.push({
            digest: node.desc.digest,
            reference: node.desc.annotations?.['vnd.docker.reference.digest'] ?? '',
        });
        return;
    }
    out.push({
        platform: formatPlatform(node.platform),
        digest: node.desc.digest,
        mediaType: node.doc.mediaType,
        layers: node.doc.layers.map((l, index) => {
            const encrypted = isEncryptedMediaType(l.mediaType);
            return {
                index,
                mediaType: l.mediaType,
                size: l.size,
                digest: l.digest,
                sourceDigest: l.digest,
                encrypted,
                action: encrypted ? 'already-encrypted' : 'kept',
                ...(encrypted ? { recipients: describeLayer(l).protocols } : {}),
            };
        }),
    });
}
async function inspectImage(opts) {
    const source = await openLayout(opts.layout);
    const image = await loadImage(source, { refName: opts.refName });
    const platforms = [];
    const attestations = [];
    collect(image.root, platforms, attestations);
    const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
    return {
        digest: image.root.desc.digest,
        mediaType: image.root.doc.mediaType,
        size: image.root.desc.size,
        ...(refName ? { refName } : {}),
        platforms,
        skippedPlatforms: [],
        attestations,
    };
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./src/cli/args.ts
/** Command-line parsing: argv → one typed command. No I/O besides what the caller passes in. */


const USAGE = `Usage:
  oci-encrypt-push encrypt --layout PATH [--ref-name NAME] --output DIR
                           (--recipient [jwe:]FILE)... [--encrypt-layers LIST] [--platform LIST]
                           [--digest-file F] [--report F] [--json]
  oci-encrypt-push decrypt --layout PATH [--ref-name NAME] (--key FILE[:PASSPHRASE])... --output DIR
                           [--platform LIST] [--digest-file F] [--report F] [--json]
  oci-encrypt-push inspect --layout PATH [--ref-name NAME] [--json]

PATH is an OCI layout folder or an OCI archive (.tar). LIST for layers is comma-separated indexes, negative
from the top (-1 is the top layer); empty means all. Platforms are os/arch[/variant], comma-separated.
A key's passphrase can be given as FILE:file=PWFILE or FILE:env=VAR to keep it off the command line.`;
const OPTIONS = {
    layout: { type: 'string' },
    'ref-name': { type: 'string' },
    output: { type: 'string' },
    image: { type: 'string' },
    tag: { type: 'string', multiple: true },
    recipient: { type: 'string', multiple: true },
    key: { type: 'string', multiple: true },
    'encrypt-layers': { type: 'string' },
    platform: { type: 'string', multiple: true },
    'tls-verify': { type: 'string' },
    'ca-file': { type: 'string' },
    username: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    retries: { type: 'string' },
    'digest-file': { type: 'string' },
    report: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
};
const ALLOWED = {
    encrypt: [
        'layout',
        'ref-name',
        'output',
        'recipient',
        'encrypt-layers',
        'platform',
        'digest-file',
        'report',
        'json',
    ],
    decrypt: ['layout', 'ref-name', 'output', 'key', 'platform', 'digest-file', 'report', 'json'],
    inspect: ['layout', 'ref-name', 'json'],
};
/** Options of the registry interface (design.md) that this build does not have yet. */
const REGISTRY_OPTIONS = [
    'image',
    'tag',
    'tls-verify',
    'ca-file',
    'username',
    'password-stdin',
    'retries',
];
function usage(message, hint = 'run oci-encrypt-push --help') {
    return new OepError('E_USAGE', message, { hint });
}
function parseCommand(argv) {
    let parsed;
    try {
        parsed = (0,external_node_util_namespaceObject.parseArgs)({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    }
    catch (err) {
        throw usage(err.message.replace(/\. To specify.*$/s, ''));
    }
    const { values, positionals } = parsed;
    const base = { recipients: [], keys: [], json: values.json === true };
    if (values.version)
        return { name: 'version', ...base };
    if (values.help || positionals.length === 0)
        return { name: 'help', ...base };
    const [name, ...extra] = positionals;
    if (name !== 'encrypt' && name !== 'decrypt' && name !== 'inspect')
        throw usage(`unknown command ${JSON.stringify(name)}`);
    if (extra.length)
        throw usage(`unexpected argument ${JSON.stringify(extra[0])}`);
    for (const opt of Object.keys(values)) {
        if (opt === 'help' || opt === 'version')
            continue;
        if (REGISTRY_OPTIONS.includes(opt)) {
            throw usage(`--${opt}: registries are not supported by this build yet`, 'write a layout with --output');
        }
        if (!ALLOWED[name].includes(opt))
            throw usage(`${name} does not take --${opt}`);
    }
    if (!values.layout)
        throw usage(`${name} needs --layout PATH (an OCI layout folder or OCI archive)`);
    if (name !== 'inspect' && !values.output)
        throw usage(`${name} needs --output DIR`);
    if (name === 'encrypt' && !values.recipient?.length) {
        throw new OepError('E_NO_RECIPIENT', 'encrypt needs at least one --recipient', {
            hint: 'give the public key to encrypt for: --recipient jwe:pub.pem',
        });
    }
    if (name === 'decrypt' && !values.key?.length)
        throw usage('decrypt needs at least one --key FILE (a private key)');
    const cmd = {
        name,
        layout: values.layout,
        recipients: values.recipient ?? [],
        keys: values.key ?? [],
        json: values.json === true,
    };
    if (values['ref-name'] !== undefined)
        cmd.refName = values['ref-name'];
    if (values.output !== undefined)
        cmd.output = values.output;
    if (values['encrypt-layers'] !== undefined)
        cmd.encryptLayers = values['encrypt-layers'];
    if (values.platform?.length)
        cmd.platforms = values.platform.join(',');
    if (values['digest-file'] !== undefined)
        cmd.digestFile = values['digest-file'];
    if (values.report !== undefined)
        cmd.report = values.report;
    return cmd;
}

;// CONCATENATED MODULE: ./src/ocicrypt/keys.ts
/**
 * Parsing the keys users hand us. Recipients (public keys) for encryption; private keys for decryption.
 * Every refusal names the key's source and says what to give instead. Key material never appears in a message.
 */


const CURVES = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const RSA_ALGS = new Set(['RSA-OAEP', 'RSA-OAEP-256']);
const EC_ALGS = new Set(['ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']);
const MIN_RSA_BITS = 2048;
const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
function pemBlocks(text) {
    return [...text.matchAll(PEM_RE)].map((m) => ({
        label: m[1],
        text: m[0],
        headers: /^[A-Za-z-]+:/m.test(m[2]),
    }));
}
function looksLikeJson(text) {
    return text.trimStart().startsWith('{');
}
function fingerprint(key) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256')
        .update(key.export({ type: 'spki', format: 'der' }))
        .digest('hex');
}
function privateKeyGiven(source) {
    return new OepError('E_KEY', `${source} is a private key, but a recipient needs a public key`, {
        hint: 'give the public half (openssl pkey -in key.pem -pubout) and keep the private key out of the build',
    });
}
/** Check a public key is one ocicrypt (go-jose) can wrap to, and pick its algorithm. */
function toRecipient(key, source, jwkAlg, kid) {
    const type = key.asymmetricKeyType;
    let alg;
    let desc;
    if (type === 'rsa') {
        const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
        if (bits < MIN_RSA_BITS) {
            throw new OepError('E_KEY', `${source} is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are required`, {
                hint: 'generate a new key: openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096',
            });
        }
        alg = 'RSA-OAEP';
        desc = `RSA-${bits}`;
        if (jwkAlg !== undefined) {
            if (!RSA_ALGS.has(jwkAlg)) {
                throw new OepError('E_KEY', `${source}: JWK alg ${JSON.stringify(jwkAlg)} cannot wrap layer keys`, {
                    hint: 'use RSA-OAEP or RSA-OAEP-256 for RSA keys',
                });
            }
            alg = jwkAlg;
        }
    }
    else if (type === 'ec') {
        const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
        if (!curve) {
            throw new OepError('E_KEY', `${source} is on curve ${key.asymmetricKeyDetails?.namedCurve}, which ocicrypt cannot use`, {
                hint: 'use an EC key on P-256, P-384 or P-521, or an RSA key',
            });
        }
        alg = 'ECDH-ES+A256KW';
        desc = `EC-${curve}`;
        if (jwkAlg !== undefined) {
            if (!EC_ALGS.has(jwkAlg)) {
                throw new OepError('E_KEY', `${source}: JWK alg ${JSON.stringify(jwkAlg)} cannot wrap layer keys`, {
                    hint: 'use ECDH-ES+A256KW for EC keys',
                });
            }
            alg = jwkAlg;
        }
    }
    else {
        throw new OepError('E_KEY', `${source} is a ${type ?? 'unknown'} key, which ocicrypt (go-jose) cannot wrap to`, {
            hint: 'use an RSA (2048 bits or more) or EC P-256/P-384/P-521 public key',
        });
    }
    const r = { scheme: 'jwe', key, alg, source, type: desc, fingerprint: fingerprint(key) };
    if (typeof kid === 'string' && kid !== '')
        r.kid = kid;
    return r;
}
function recipientFromPem(block, source) {
    switch (block.label) {
        case 'PUBLIC KEY':
        case 'RSA PUBLIC KEY':
            return toRecipient(parseWith(() => (0,external_node_crypto_namespaceObject.createPublicKey)(block.text), source, block.label), source);
        case 'CERTIFICATE': {
            const cert = parseWith(() => new external_node_crypto_namespaceObject.X509Certificate(block.text), source, block.label);
            return toRecipient(cert.publicKey, source);
        }
        case 'EC PARAMETERS':
            return undefined; // openssl ecparam writes these before a key; they carry no key
        default:
            if (block.label.includes('PRIVATE KEY'))
                throw privateKeyGiven(source);
            throw new OepError('E_KEY', `${source}: a PEM block "${block.label}" is not a public key`, {
                hint: 'give PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE PEM blocks, a JWK, or DER',
            });
    }
}
function parseWith(fn, source, what) {
    try {
        return fn();
    }
    catch {
        throw new OepError('E_KEY', `${source}: cannot parse the ${what}`, {
            hint: 'the key is corrupt or truncated',
        });
    }
}
function recipientFromJwk(text, source) {
    const doc = parseWith(() => JSON.parse(text), source, 'JWK JSON');
    const jwks = Array.isArray(doc.keys) ? doc.keys : [doc];
    return jwks.map((jwk, i) => {
        const where = jwks.length > 1 ? `${source} key ${i + 1}` : source;
        if (typeof jwk !== 'object' || jwk === null)
            throw new OepError('E_KEY', `${where} is not a JWK`);
        if ('d' in jwk)
            throw privateKeyGiven(where);
        if (jwk.kty === 'OKP') {
            throw new OepError('E_KEY', `${where} is an ${String(jwk.crv)} key, which ocicrypt (go-jose) cannot wrap to`, {
                hint: 'use an RSA (2048 bits or more) or EC P-256/P-384/P-521 public key',
            });
        }
        const key = parseWith(() => (0,external_node_crypto_namespaceObject.createPublicKey)({ key: jwk, format: 'jwk' }), where, 'JWK');
        return toRecipient(key, where, jwk.alg, jwk.kid);
    });
}
function recipientFromDer(der, source) {
    for (const type of ['spki', 'pkcs1']) {
        try {
            return toRecipient((0,external_node_crypto_namespaceObject.createPublicKey)({ key: der, format: 'der', type }), source);
        }
        catch (err) {
            if (err instanceof OepError)
                throw err;
        }
    }
    try {
        return toRecipient(new external_node_crypto_namespaceObject.X509Certificate(der).publicKey, source);
    }
    catch (err) {
        if (err instanceof OepError)
            throw err;
    }
    if (tryPrivateDer(der))
        throw privateKeyGiven(source);
    throw new OepError('E_KEY', `${source} is not a public key`, {
        hint: 'give a PEM or DER public key (SPKI or PKCS#1), an X.509 certificate, or a JWK',
    });
}
/**
 * All recipients in one file or secret. Several PEM blocks (or a JWK set) are several recipients, so a secret
 * holding the team's keys works as one input.
 */
function parseRecipients(data, source) {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    const text = buf.toString('utf8');
    let out;
    if (text.includes('-----BEGIN ')) {
        const blocks = pemBlocks(text);
        out = blocks.flatMap((b, i) => {
            const r = recipientFromPem(b, blocks.length > 1 ? `${source} (PEM block ${i + 1})` : source);
            return r ? [r] : [];
        });
    }
    else if (looksLikeJson(text)) {
        out = recipientFromJwk(text, source);
    }
    else if (buf.length > 0 && buf[0] === 0x30) {
        out = [recipientFromDer(buf, source)];
    }
    else {
        out = [];
    }
    if (out.length === 0) {
        throw new OepError('E_KEY', `${source} holds no public key`, {
            hint: 'give a PEM or DER public key, an X.509 certificate, or a JWK',
        });
    }
    return out;
}
function tryPrivateDer(der, passphrase) {
    for (const type of ['pkcs8', 'pkcs1', 'sec1']) {
        try {
            return (0,external_node_crypto_namespaceObject.createPrivateKey)({ key: der, format: 'der', type, ...(passphrase ? { passphrase } : {}) });
        }
        catch {
            /* try the next encoding */
        }
    }
    return undefined;
}
function wrongPassphrase(source, given) {
    return given
        ? new OepError('E_KEY', `${source}: the passphrase does not open this private key`, {
            hint: 'check the passphrase given after the key path',
        })
        : new OepError('E_KEY', `${source} is encrypted and needs a passphrase`, {
            hint: 'give it as FILE:PASSPHRASE, FILE:file=PWFILE or FILE:env=VAR',
        });
}
/** Private keys for decryption: PKCS#8 (plain or encrypted), PKCS#1, SEC1, legacy encrypted PEM, JWK, DER. */
function parseDecryptionKeys(data, source, passphrase) {
    const buf = Buffer.from(data);
    const text = buf.toString('utf8');
    const keys = [];
    if (text.includes('-----BEGIN ')) {
        for (const b of pemBlocks(text)) {
            if (!b.label.includes('PRIVATE KEY'))
                continue; // certificates, EC PARAMETERS, public keys ride along
            const encrypted = b.label === 'ENCRYPTED PRIVATE KEY' || b.headers;
            if (encrypted && !passphrase)
                throw wrongPassphrase(source, false);
            try {
                keys.push((0,external_node_crypto_namespaceObject.createPrivateKey)({ key: b.text, format: 'pem', ...(passphrase ? { passphrase } : {}) }));
            }
            catch {
                if (encrypted)
                    throw wrongPassphrase(source, true);
                throw new OepError('E_KEY', `${source}: cannot parse the ${b.label}`, {
                    hint: 'the key is corrupt or truncated',
                });
            }
        }
    }
    else if (looksLikeJson(text)) {
        const doc = parseWith(() => JSON.parse(text), source, 'JWK JSON');
        const jwks = Array.isArray(doc.keys) ? doc.keys : [doc];
        for (const jwk of jwks) {
            if (typeof jwk === 'object' && jwk !== null && 'd' in jwk) {
                keys.push(parseWith(() => (0,external_node_crypto_namespaceObject.createPrivateKey)({ key: jwk, format: 'jwk' }), source, 'JWK'));
            }
        }
    }
    else if (buf.length > 0 && buf[0] === 0x30) {
        const k = tryPrivateDer(buf, passphrase);
        if (k)
            keys.push(k);
        else if (!passphrase && tryPrivateDerEncrypted(buf))
            throw wrongPassphrase(source, false);
    }
    if (keys.length === 0) {
        throw new OepError('E_KEY', `${source} holds no private key`, {
            hint: 'decryption needs the private key (PKCS#8, PKCS#1 or SEC1 PEM/DER, or a JWK with "d")',
        });
    }
    return keys.map((key) => ({ key, source }));
}
/** An encrypted PKCS#8 DER asks for a passphrase: Node reports that distinctly. */
function tryPrivateDerEncrypted(der) {
    try {
        (0,external_node_crypto_namespaceObject.createPrivateKey)({ key: der, format: 'der', type: 'pkcs8' });
        return false;
    }
    catch (err) {
        return /passphrase/i.test(String(err.message));
    }
}

;// CONCATENATED MODULE: ./src/pipeline/keys.ts
/** The key parsers front ends use, re-exported so that front ends depend on the pipeline only. */


;// CONCATENATED MODULE: ./src/cli/keys.ts
/** Turning CLI key arguments into keys: `jwe:FILE` recipients and `FILE[:PASSPHRASE]` decryption keys. */



function readKeyFile(path, flag) {
    try {
        return (0,external_node_fs_namespaceObject.readFileSync)(path);
    }
    catch (err) {
        throw new OepError('E_KEY', `${flag} ${path}: cannot read the file (${err.code ?? 'error'})`, {
            hint: 'check the path',
        });
    }
}
/** `jwe:FILE`, or a bare FILE meaning the same (as skopeo's --encryption-key takes it with its prefix). */
function recipientsFromSpec(spec) {
    const m = /^([a-z0-9]+):(.*)$/.exec(spec);
    const scheme = m && !(0,external_node_fs_namespaceObject.existsSync)(spec) ? m[1] : 'jwe';
    const file = m && !(0,external_node_fs_namespaceObject.existsSync)(spec) ? m[2] : spec;
    if (scheme !== 'jwe') {
        throw new OepError('E_UNSUPPORTED', `--recipient ${spec}: the ${scheme} protocol is not supported`, {
            hint: 'use jwe:FILE with an RSA or EC public key',
        });
    }
    return parseRecipients(readKeyFile(file, '--recipient'), file);
}
/**
 * `FILE`, `FILE:PASSPHRASE`, `FILE:pass=PW`, `FILE:file=PWFILE`, `FILE:env=VAR`. The last two keep the
 * passphrase off the command line, where other users of the machine could read it.
 */
function decryptionKeysFromSpec(spec, env) {
    let file = spec;
    let passphrase;
    const colon = spec.indexOf(':');
    if (!(0,external_node_fs_namespaceObject.existsSync)(spec) && colon > 0) {
        file = spec.slice(0, colon);
        const rest = spec.slice(colon + 1);
        if (rest.startsWith('file='))
            passphrase = readKeyFile(rest.slice(5), '--key passphrase file')
                .toString('utf8')
                .replace(/\r?\n$/, '');
        else if (rest.startsWith('env=')) {
            passphrase = env[rest.slice(4)];
            if (passphrase === undefined) {
                throw new OepError('E_USAGE', `--key ${file}: environment variable ${rest.slice(4)} is not set`);
            }
        }
        else
            passphrase = rest.startsWith('pass=') ? rest.slice(5) : rest;
    }
    return parseDecryptionKeys(readKeyFile(file, '--key'), file, passphrase);
}

;// CONCATENATED MODULE: ./src/cli/format.ts
function size(n) {
    if (n < 1024)
        return `${n} B`;
    if (n < 1048576)
        return `${(n / 1024).toFixed(1)} KiB`;
    return `${(n / 1048576).toFixed(1)} MiB`;
}
function formatReport(r) {
    const lines = [];
    lines.push(`digest: ${r.digest || '(index.json)'}  ${r.mediaType}`);
    if (r.refName)
        lines.push(`ref name: ${r.refName}`);
    if (r.output)
        lines.push(`output: ${r.output}`);
    for (const p of r.platforms) {
        lines.push('', `platform ${p.platform}  ${p.digest}`);
        for (const l of p.layers) {
            let keys = '';
            if (l.recipients?.length) {
                keys = l.recipients
                    .map((k) => `${k.scheme}: ${k.recipients.length} recipient(s) ${[...new Set(k.recipients.map((x) => x.alg))].join(',')}`)
                    .join('; ');
            }
            lines.push(`  [${l.index}] ${l.encrypted ? 'ENCRYPTED' : 'plain    '} ${size(l.size).padStart(10)}  ${l.mediaType}  ${l.digest}${keys ? `  (${keys})` : ''}`);
        }
    }
    if (r.skippedPlatforms.length)
        lines.push('', `left out (not selected): ${r.skippedPlatforms.join(', ')}`);
    for (const a of r.attestations)
        lines.push(`attestation ${a.digest} -> ${a.reference}`);
    if (r.recipients?.length) {
        lines.push('', 'recipients:');
        for (const k of r.recipients)
            lines.push(`  ${k.type} ${k.alg} sha256:${k.fingerprint.slice(0, 16)} (${k.source})`);
    }
    return lines.join('\n');
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/cli/cli.ts
/**
 * The `oci-encrypt-push` command. Reads argv and env (the only place that does), hands one options object to the
 * pipeline, prints the result. Exit 0 only when everything asked for landed; otherwise one line on stderr
 * naming the input at fault, exit 1 (2 for usage errors).
 */










const VERSION = package_namespaceObject.rE;
function log(line) {
    process.stderr.write(`${line}\n`);
}
async function execute(cmd) {
    const platforms = parsePlatformList(cmd.platforms);
    switch (cmd.name) {
        case 'help':
            process.stdout.write(`${USAGE}\n`);
            return undefined;
        case 'version':
            process.stdout.write(`oci-encrypt-push ${VERSION}\n`);
            return undefined;
        case 'encrypt':
            return encryptImage({
                layout: cmd.layout,
                refName: cmd.refName,
                output: cmd.output,
                recipients: cmd.recipients.flatMap(recipientsFromSpec),
                encryptLayers: parseLayerList(cmd.encryptLayers),
                platforms,
                log,
            });
        case 'decrypt':
            return decryptImage({
                layout: cmd.layout,
                refName: cmd.refName,
                output: cmd.output,
                keys: cmd.keys.flatMap((k) => decryptionKeysFromSpec(k, process.env)),
                platforms,
                log,
            });
        case 'inspect':
            return inspectImage({ layout: cmd.layout, refName: cmd.refName });
    }
}
async function main(argv) {
    let cmd;
    try {
        cmd = parseCommand(argv);
        const report = await execute(cmd);
        if (!report)
            return 0;
        if (cmd.digestFile)
            (0,external_node_fs_namespaceObject.writeFileSync)(cmd.digestFile, report.digest);
        if (cmd.report)
            (0,external_node_fs_namespaceObject.writeFileSync)(cmd.report, `${JSON.stringify(report, null, 2)}\n`);
        if (cmd.json)
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        else if (cmd.name === 'inspect')
            process.stdout.write(`${formatReport(report)}\n`);
        else {
            log(formatReport(report));
            process.stdout.write(`${report.digest}\n`);
        }
        return 0;
    }
    catch (err) {
        if (isOepError(err)) {
            log(`oci-encrypt-push: error: ${err.describe()}`);
            return err.code === 'E_USAGE' ? 2 : 1;
        }
        log(`oci-encrypt-push: internal error: ${err.stack ?? String(err)}`);
        return 1;
    }
}


/***/ }),

/***/ 957:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(26);
// Entry point of the `oci-encrypt-push` command (and of the bundle in dist/cli).

process.exitCode = await (0,_cli_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
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
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(957);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
