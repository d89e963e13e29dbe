import { type DecryptOptions, type Engine, type EngineHost, type EncryptOptions, type IndexOptions, type InspectOptions, type PushOptions, type RewrapOptions } from './pipeline/engine.js';
import type { PushReport } from './pipeline/push.js';
import type { ImageReport } from './pipeline/result.js';
export { isOepError, OepError, type ErrorCode } from './errors.js';
export { parseDecryptionKeys, parseRecipients, type DecryptionKey, type Recipient } from './pipeline/keys.js';
export type { LayerReport, PlatformReport, ImageReport } from './pipeline/result.js';
export type { PushReport, PushStats } from './pipeline/push.js';
export type { CommandResult, CommandRunner, DecryptOptions, Engine, EncryptOptions, IndexOptions, InspectOptions, PushOptions, RegistryFlags, RewrapOptions, } from './pipeline/engine.js';
/** The host's side of an engine; every field has a default. */
export type Host = Partial<EngineHost>;
/**
 * An engine bound to its host. Defaults: layer workers from the shipped worker entry (pool size: the cores, 2 to
 * 4), no logging, `process.env` for credentials and proxies, child_process for
 * credential helpers, no signal.
 */
export declare function createEngine(host?: Host): Engine;
/** Encrypt a layout into `output`; with `image`, encrypt and push (the result then is a PushReport). */
export declare function encrypt(opts: PushOptions): Promise<PushReport>;
export declare function encrypt(opts: EncryptOptions): Promise<ImageReport>;
/** Encrypt a layout and push it to `image` (and `tags`); the digest is reported once it verified. */
export declare function push(opts: PushOptions): Promise<PushReport>;
/** Decrypt a layout or a registry image into a plaintext layout at `output`. */
export declare function decrypt(opts: DecryptOptions): Promise<ImageReport>;
/**
 * Remove the staging folders of the default engine's runs under way, synchronously: for a host's own SIGINT or
 * SIGTERM handler (a decrypt's staging folder holds plaintext, private to the user, until the run ends).
 */
export declare function removeTempsSync(): void;
/**
 * Change who an encrypted image (`layout`, or `from` in a registry) opens for: every encrypted layer's key is
 * opened with one of `keys` and wrapped for exactly `recipients`; the layer blobs stay the same, so a push to
 * `image` sends manifests only. Removing a recipient this way revokes nothing (whoever downloaded the image keeps
 * the layer key): `rekey: true` re-encrypts with fresh keys, which revocation needs.
 */
export declare function rewrap(opts: RewrapOptions & {
    image: string;
}): Promise<PushReport>;
export declare function rewrap(opts: RewrapOptions): Promise<ImageReport | PushReport>;
/** What a layout or registry image holds: platforms, layers, and for whom each encrypted layer opens. */
export declare function inspect(opts: InspectOptions): Promise<ImageReport>;
/**
 * One OCI index over images already in the registry (`sources`: `REPO@sha256:…` or bare digests in the image's
 * repository, or `digestsDir`, a folder of digest files), each platform's image once; with `requireEncrypted`
 * (the default) every layer must be encrypted. Blobs of other repositories of the registry are mounted, the index
 * is pushed and verified, and only then tagged (`image`, `tags`).
 */
export declare function index(opts: IndexOptions): Promise<PushReport>;
