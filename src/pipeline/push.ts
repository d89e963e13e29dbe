/**
 * Encrypt and push use case: layout in → encrypted layout on disk (the ciphertext is made once, here) → every
 * blob and manifest to every repository → tags → verification of what landed → the digest. A digest is only
 * reported after the registry has served back exactly the bytes we pushed.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { internalError, OepError } from '../errors.js';
import { makeStagingFolder, removeFolder } from '../host/files.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import type { Descriptor } from '../oci/model.js';
import { ANNOTATION_KEYS_PREFIX, ANNOTATION_PUBOPTS } from '../ocicrypt/options.js';
import {
  BlobPusher,
  pushManifests,
  pushTags,
  type BlobReader,
  type PushContent,
  type PushOptions,
  type PushStats,
  type PushTarget,
} from '../registry/push.js';
import {
  formatReference,
  parseReference,
  repositoryName,
  resolveTag,
  type Reference,
} from '../registry/reference.js';
import { verifyPushAccess, verifyPushed, verifyTags } from '../registry/verify.js';
import { gateRegistry } from './decrypt-gate.js';
import { encryptToLayout, type EncryptOptions } from './encrypt.js';
import { anySignal } from './host.js';
import { defaultConcurrency } from '../host/layer-workers.js';
import { connectClients, retryPolicy, type RegistryOptions } from './registry-session.js';
import type { ImageReport } from './result.js';
import { uploadChunks } from '../host/layer-files.js';

export type { PushStats };

export interface PushImageOptions extends Omit<EncryptOptions, 'output'> {
  /** REPO[:TAG]; no tag means latest. */
  image: string;
  /** More tags: bare tags for the same repository, or full references (other repositories too). */
  tags?: string[];
  /** Also keep the encrypted layout here; otherwise it lives in tempDir until the push is done. */
  output?: string;
  tempDir: string;
  registry: RegistryOptions;
  verify: boolean;
}

export interface PushReport extends ImageReport {
  /** registry/repository, no tag. */
  image: string;
  /** image@digest */
  imageRef: string;
  /** Every full reference that now points at the digest. */
  tags: string[];
  verified: boolean;
  pushed: PushStats;
}

/** Parse every reference before any work: a typo fails in a second, not after encrypting a gigabyte. */
export function pushTargets(image: string, tags: string[] = []): Reference[] {
  const main = parseReference(image);
  if (main.digest) {
    throw new OepError('E_IMAGE_REF', `image ${image} names a digest; a push needs a repository and tag`, {
      hint: 'write REPO[:TAG]; the digest is an output',
    });
  }
  const extra = tags.filter((t) => t.trim() !== '');
  // `latest` only when no tag at all was given (as docker push): with tags (metadata-action's), the image is
  // pushed by digest there and tagged with those alone.
  const first: Reference = main.tag || extra.length ? { ...main } : { ...main, tag: 'latest' };
  const all = [first, ...extra.map((t) => resolveTag(t, first))];
  const seen = new Set<string>();
  return all.filter((r) => {
    const k = formatReference(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** A layer as served still carries its encryption: the +encrypted media type, wrapped keys and pubopts. */
function encryptionIntact(l: Descriptor): boolean {
  const keys = Object.keys(l.annotations ?? {}).some((k) => k.startsWith(ANNOTATION_KEYS_PREFIX));
  return isEncryptedMediaType(l.mediaType) && keys && Boolean(l.annotations?.[ANNOTATION_PUBOPTS]);
}

/**
 * Blobs this run wrote, for upload, through the writer's handles: read without hashing them again (see
 * uploadChunks); anything else is verified.
 */
class StagedBlobs implements BlobReader {
  readonly #handles = new Map<string, BlobHandle>();

  add(desc: Descriptor, handle: BlobHandle): void {
    this.#handles.set(desc.digest, handle);
  }

  async open(desc: Descriptor): Promise<Readable> {
    const handle = this.#handles.get(desc.digest);
    if (!handle) throw internalError(`blob ${desc.digest} was not written by this run`);
    // Byte mode with a 1 MiB mark: Readable.from would otherwise read 16 chunks ahead of the socket.
    return Readable.from(uploadChunks(handle, desc), { objectMode: false, highWaterMark: 1024 * 1024 });
  }
}

/** The registries of a push, reached (and their auth schemes learnt) before anything is encrypted. */
async function connect(refs: Reference[], opts: PushImageOptions, log: (line: string) => void) {
  const clients = await connectClients(refs, opts.registry, log);
  const targets: PushTarget[] = refs.map((ref) => ({ ref, client: clients.get(ref.apiHost)! }));
  const retry = retryPolicy(opts.registry, log);
  const close = () => Promise.all([...clients.values()].map((c) => c.close().catch(() => {})));
  const destroy = () => Promise.all([...clients.values()].map((c) => c.destroy()));
  return { clients, targets, retry, close, destroy };
}
type Connection = Awaited<ReturnType<typeof connect>>;

/**
 * Encrypt into `layoutDir`; blobs go up as soon as they are final on disk, while later layers are still being
 * encrypted. A failed upload stops the encryption too: the run has failed, the rest of the layers are wasted work.
 */
async function encryptUploading(
  opts: PushImageOptions,
  layoutDir: string,
  conn: Connection,
  pushOpts: PushOptions,
): Promise<Awaited<ReturnType<typeof encryptToLayout>> & { pusher: BlobPusher; staged: StagedBlobs }> {
  const staged = new StagedBlobs();
  const pusher = new BlobPusher(conn.targets, staged, pushOpts);
  const stop = new AbortController();
  try {
    const out = await encryptToLayout({
      ...opts,
      output: layoutDir,
      signal: anySignal(stop.signal, opts.signal),
      onBlob: (desc, handle) => {
        staged.add(desc, handle);
        pusher.push(desc).catch((err: unknown) => stop.abort(err)); // also thrown by settle()
      },
    });
    for (const b of out.result.blobs) staged.add(b.desc, b.handle);
    return { ...out, pusher, staged };
  } catch (err) {
    // Encryption failed: stop the uploads under way (they would only leave orphan blobs) and wait for them.
    pusher.abort();
    await conn.destroy();
    await pusher.settle().catch(() => {});
    throw err;
  }
}

/** Every blob (most are under way already), everywhere, before any manifest; then the manifests. */
async function pushEverything(
  conn: Connection,
  content: PushContent,
  pusher: BlobPusher,
  pushOpts: PushOptions,
): Promise<PushStats> {
  const names = [...new Set(conn.targets.map((t) => repositoryName(t.ref)))].join(', ');
  pushOpts.log(`pushing ${content.blobs.length} blobs and ${content.manifests.length} manifests to ${names}`);
  await Promise.all(content.blobs.map((b) => pusher.push(b)));
  await pusher.settle();
  const pushed = pusher.stats;
  await pushManifests(conn.targets, content.manifests, pushOpts);
  pushOpts.log(
    `blobs: ${pushed.uploaded} uploaded, ${pushed.mounted} mounted, ${pushed.skipped} already there`,
  );
  return pushed;
}

/** A staging folder for the layout when no output was asked for; removed when the push is done. */
async function layoutFolder(opts: PushImageOptions): Promise<{ dir: string; remove(): Promise<void> }> {
  if (opts.output) return { dir: opts.output, remove: async () => {} };
  const staging = await makeStagingFolder(opts.tempDir, 'oep-push-');
  opts.temps?.track(staging);
  return {
    dir: join(staging, `layout-${randomBytes(4).toString('hex')}`),
    remove: async () => {
      await removeFolder(staging);
      opts.temps?.untrack(staging);
    },
  };
}

/** The decryptability gate on what landed; when it fails, a layout also written (`output`) goes too. */
async function gate(opts: PushImageOptions, conn: Connection, digest: string, log: (line: string) => void) {
  try {
    return await gateRegistry(conn.targets, digest, opts.verifyKeys ?? [], log, opts.signal);
  } catch (err) {
    if (opts.output) await removeFolder(opts.output).catch(() => {}); // the gate's error is the one to report
    throw err;
  }
}

export async function pushImage(opts: PushImageOptions): Promise<PushReport> {
  const log = opts.log ?? (() => {});
  const refs = pushTargets(opts.image, opts.tags);
  const conn = await connect(refs, opts, log);
  let folder: Awaited<ReturnType<typeof layoutFolder>> | undefined;
  try {
    // Refused credentials fail now, in a second, not after encrypting a gigabyte.
    await verifyPushAccess(conn.targets, conn.retry);
    folder = await layoutFolder(opts);
    const pushOpts = {
      retry: conn.retry,
      concurrency: Math.min(4, opts.concurrency ?? defaultConcurrency()),
      log,
    };
    const { report, result, pusher } = await encryptUploading(opts, folder.dir, conn, pushOpts);
    const content = { manifests: result.documents, blobs: result.blobs.map((b) => b.desc) };
    const root = content.manifests[content.manifests.length - 1]!;
    const pushed = await pushEverything(conn, content, pusher, pushOpts);
    // Content is checked by digest before any tag moves: a tag never points at something that failed.
    const encrypted = report.platforms.flatMap((p) => p.layers.filter((l) => l.action === 'encrypted'));
    const digests = new Set(encrypted.map((l) => l.digest));
    if (opts.verify) await verifyPushed(conn.targets, content, { digests, intact: encryptionIntact });
    // Pushed by digest, no tag yet: an image the verify keys cannot open is never tagged.
    if (opts.verifyKeys?.length) report.gate = await gate(opts, conn, root.desc.digest, log);
    await pushTags(conn.targets, root, pushOpts);
    if (opts.verify) {
      await verifyTags(conn.targets, root);
      log(`verified ${root.desc.digest} in ${[...new Set(refs.map(repositoryName))].join(', ')}`);
    }
    const imageName = repositoryName(refs[0]!);
    return {
      ...report,
      ...(opts.output ? {} : { output: undefined }),
      image: imageName,
      imageRef: `${imageName}@${report.digest}`,
      tags: refs.filter((r) => r.tag).map(formatReference),
      verified: opts.verify,
      pushed,
    };
  } finally {
    await folder?.remove();
    await conn.close();
  }
}
