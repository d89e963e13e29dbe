/**
 * oci-encrypt-push as a library: encrypt OCI images in the containers/ocicrypt format, push them, decrypt,
 * inspect and rewrap them, and assemble the platforms pushed by digest into one index. Each function takes one options object named like the CLI's flags and returns the typed
 * result; it logs nothing unless the engine was given a logger.
 *
 *   import { encrypt } from 'oci-encrypt-push';
 *   const r = await encrypt({ layout: 'image.tar', recipients: ['jwe:team.pub.pem'], output: 'out/' });
 *   r.digest;
 *
 * The functions below are those of createEngine() with the defaults; createEngine(host) sets the worker pool,
 * temp folder, logger, environment, command runner and signal. Importing this module does nothing else.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  engineFor,
  type DecryptOptions,
  type Engine,
  type EngineHost,
  type EncryptOptions,
  type IndexOptions,
  type InspectOptions,
  type PushOptions,
  type RewrapOptions,
} from './pipeline/engine.js';
import type { PushReport } from './pipeline/push.js';
import type { ImageReport } from './pipeline/result.js';

export { isOepError, OepError, type ErrorCode } from './errors.js';
export { parseDecryptionKeys, parseRecipients, type DecryptionKey, type Recipient } from './pipeline/keys.js';
export type { LayerReport, PlatformReport, ImageReport } from './pipeline/result.js';
export type { PushReport, PushStats } from './pipeline/push.js';
export type {
  CommandResult,
  CommandRunner,
  DecryptOptions,
  Engine,
  EncryptOptions,
  IndexOptions,
  InspectOptions,
  PushOptions,
  RegistryFlags,
  RewrapOptions,
} from './pipeline/engine.js';

/** The host's side of an engine; every field has a default. */
export type Host = Partial<EngineHost>;

/** The layer worker entry beside this module: the bundle's dist/worker, or src/host when run from source. */
function defaultWorkerScript(): string {
  const here = fileURLToPath(import.meta.url);
  const worker = here.endsWith('.ts') ? 'host/layer-worker.ts' : '../worker/index.js';
  return join(dirname(here), worker);
}

/**
 * An engine bound to its host. Defaults: layer workers from the shipped worker entry (pool size: the cores, 2 to
 * 4), no logging, `process.env` for credentials and proxies, child_process for
 * credential helpers, no signal.
 */
export function createEngine(host: Host = {}): Engine {
  return engineFor({
    ...host,
    workerScript: host.workerScript ?? defaultWorkerScript(),
    env: host.env ?? process.env,
  });
}

let shared: Engine | undefined;
/** The default engine, made on first use (not at import). */
function engine(): Engine {
  return (shared ??= createEngine());
}

/** Encrypt a layout into `output`; with `image`, encrypt and push (the result then is a PushReport). */
export function encrypt(opts: PushOptions): Promise<PushReport>;
export function encrypt(opts: EncryptOptions): Promise<ImageReport>;
export function encrypt(opts: EncryptOptions): Promise<ImageReport | PushReport> {
  return engine().encrypt(opts);
}

/** Encrypt a layout and push it to `image` (and `tags`); the digest is reported once it verified. */
export function push(opts: PushOptions): Promise<PushReport> {
  return engine().push(opts);
}

/** Decrypt a layout or a registry image into a plaintext layout at `output`. */
export function decrypt(opts: DecryptOptions): Promise<ImageReport> {
  return engine().decrypt(opts);
}

/**
 * Remove the staging folders of the default engine's runs under way, synchronously: for a host's own SIGINT or
 * SIGTERM handler (a decrypt's staging folder holds plaintext, private to the user, until the run ends).
 */
export function removeTempsSync(): void {
  shared?.removeTempsSync();
}

/**
 * Change who an encrypted image (`layout`, or `from` in a registry) opens for: every encrypted layer's key is
 * opened with one of `keys` and wrapped for exactly `recipients`; the layer blobs stay the same, so a push to
 * `image` sends manifests only. Removing a recipient this way revokes nothing (whoever downloaded the image keeps
 * the layer key): `rekey: true` re-encrypts with fresh keys, which revocation needs.
 */
export function rewrap(opts: RewrapOptions & { image: string }): Promise<PushReport>;
export function rewrap(opts: RewrapOptions): Promise<ImageReport | PushReport>;
export function rewrap(opts: RewrapOptions): Promise<ImageReport | PushReport> {
  return engine().rewrap(opts);
}

/** What a layout or registry image holds: platforms, layers, and for whom each encrypted layer opens. */
export function inspect(opts: InspectOptions): Promise<ImageReport> {
  return engine().inspect(opts);
}

/**
 * One OCI index over images already in the registry (`sources`: `REPO@sha256:…` or bare digests in the image's
 * repository, or `digestsDir`, a folder of digest files), each platform's image once; with `requireEncrypted`
 * (the default) every layer must be encrypted. Blobs of other repositories of the registry are mounted, the index
 * is pushed and verified, and only then tagged (`image`, `tags`).
 */
export function index(opts: IndexOptions): Promise<PushReport> {
  return engine().index(opts);
}
