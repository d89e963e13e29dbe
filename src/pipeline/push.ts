/**
 * Encrypt and push use case: layout in → each layer encrypted as it streams to the registry (or, with an output,
 * an encrypted layout on disk, uploaded from there) → every blob and manifest to every repository → tags →
 * verification of what landed → the digest. A digest is only reported after the registry has served back
 * exactly the bytes we pushed.
 */
import { OepError } from '../errors.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import type { Descriptor } from '../oci/model.js';
import { ANNOTATION_KEYS_PREFIX, ANNOTATION_PUBOPTS } from '../ocicrypt/options.js';
import {
  BlobPusher,
  pushManifests,
  pushTags,
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
import {
  beforePublish,
  encryptInto,
  encryptToLayout,
  planEncryption,
  type EncryptOptions,
} from './encrypt.js';
import { anySignal } from './host.js';
import { connectClients, retryPolicy, type RegistryOptions } from './registry-session.js';
import type { ImageReport, LayerReport } from './result.js';
import { StagedBlobs, uploadSink } from './push-blobs.js';

export type { PushStats };
export { StagedBlobs, uploadSink };

export interface PushImageOptions extends Omit<EncryptOptions, 'output'> {
  /** REPO[:TAG]; no tag means latest. */
  image: string;
  /** More tags: bare tags for the same repository, or full references (other repositories too). */
  tags?: string[];
  /** Also write the encrypted layout here (and upload from it); otherwise nothing is written. */
  output?: string;
  registry: RegistryOptions;
  verify: boolean;
  /** Push blobs and manifests by digest and tag nothing (a matrix job's platform, for a later `index`). */
  pushByDigest?: boolean;
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

/**
 * Parse every reference before any work: a typo fails in a second, not after encrypting a gigabyte. By digest,
 * the repository alone, untagged (the request refuses a tag with push-by-digest).
 */
export function pushTargets(image: string, tags: string[] = [], byDigest = false): Reference[] {
  const main = parseReference(image);
  if (main.digest) {
    throw new OepError('E_IMAGE_REF', `image ${image} names a digest; a push needs a repository and tag`, {
      hint: 'write REPO[:TAG]; the digest is an output',
    });
  }
  if (byDigest) return [{ registry: main.registry, apiHost: main.apiHost, repository: main.repository }];
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

/** Where and how any push goes (an encryption's or a rewrap's): the options of PushImageOptions that are not encryption's. */
export type PushTargetOptions = Pick<
  PushImageOptions,
  | 'image'
  | 'tags'
  | 'output'
  | 'registry'
  | 'verify'
  | 'log'
  | 'temps'
  | 'concurrency'
  | 'signal'
  | 'verifyKeys'
  | 'pushByDigest'
  | 'beforePublish'
>;

/**
 * Blob uploads at once (besides the layers streamed as they are made): they wait on the network and the
 * registry, not on our cores, so as many as the connection pool keeps per registry (transport/http.ts).
 */
const UPLOADS_AT_ONCE = 8;

/** The layer actions by which a run wrote a layer's encryption: each such layer must land with it intact. */
const WROTE_ENCRYPTION = new Set<LayerReport['action']>(['encrypted', 'rewrapped', 'rekeyed']);

/** A layer as served still carries its encryption: the +encrypted media type, wrapped keys and pubopts. */
export function encryptionIntact(l: Descriptor): boolean {
  const keys = Object.keys(l.annotations ?? {}).some((k) => k.startsWith(ANNOTATION_KEYS_PREFIX));
  return isEncryptedMediaType(l.mediaType) && keys && Boolean(l.annotations?.[ANNOTATION_PUBOPTS]);
}

/** The registries of a push, reached (and their auth schemes learnt) before anything is encrypted. */
async function connect(refs: Reference[], opts: PushTargetOptions, log: (line: string) => void) {
  const clients = await connectClients(refs, opts.registry, log);
  const targets: PushTarget[] = refs.map((ref) => ({ ref, client: clients.get(ref.apiHost)! }));
  const retry = retryPolicy(opts.registry, log);
  const close = () => Promise.all([...clients.values()].map((c) => c.close().catch(() => {})));
  const destroy = () => Promise.all([...clients.values()].map((c) => c.destroy()));
  return { clients, targets, retry, close, destroy };
}
type Connection = Awaited<ReturnType<typeof connect>>;

/** An image made ready to push: its report, its documents (the root last) and blobs, and the pusher at work. */
export interface PushPlan {
  report: ImageReport;
  content: PushContent;
  pusher: BlobPusher;
}

/** Uploads to feed while an image is being made: `feed` starts a blob's upload once it is final. */
export interface Uploads {
  signal: AbortSignal;
  feed(desc: Pick<Descriptor, 'digest' | 'size'>): void;
}

/** What a use case gets to make the image a push sends. */
export interface PushStage {
  targets: PushTarget[];
  pushOpts: PushOptions;
  /**
   * Run `make` while its blobs go up, later layers still being made. A failed upload stops `make` too (through
   * the signal): the run has failed, the rest of the layers are wasted work. A failed `make` stops the uploads
   * under way (they would only leave orphan blobs) and waits for them.
   */
  uploading<T>(pusher: BlobPusher, make: (u: Uploads) => Promise<T>): Promise<T>;
}

function uploadingWith(conn: Connection, outer: AbortSignal | undefined): PushStage['uploading'] {
  return async (pusher, make) => {
    const stop = new AbortController();
    try {
      return await make({
        signal: anySignal(stop.signal, outer)!,
        feed: (desc) => {
          pusher.push(desc).catch((err: unknown) => stop.abort(err)); // also thrown by settle()
        },
      });
    } catch (err) {
      pusher.abort();
      await conn.destroy();
      await pusher.settle().catch(() => {});
      throw err;
    }
  };
}

/** Encrypt into the output folder too; each blob goes up from there as soon as it is final on disk. */
async function encryptUploading(
  opts: PushImageOptions & { output: string },
  stage: PushStage,
): Promise<PushPlan> {
  const staged = new StagedBlobs();
  const pusher = new BlobPusher(stage.targets, staged, stage.pushOpts);
  const { report, result } = await stage.uploading(pusher, ({ signal, feed }) =>
    encryptToLayout({
      ...opts,
      output: opts.output,
      signal,
      onBlob: (desc, handle) => {
        staged.add(desc, handle);
        feed(desc);
      },
    }),
  );
  for (const b of result.blobs) staged.add(b.desc, b.handle);
  return { report, pusher, content: { manifests: result.documents, blobs: result.blobs.map((b) => b.desc) } };
}

/**
 * Encrypt without writing anything: each layer goes up as it is encrypted (BlobPusher.pushMade), and is
 * encrypted again from the layout for a retry or another registry; configs and layers kept as they are go up
 * from the layout.
 */
async function encryptStreaming(opts: PushImageOptions, stage: PushStage): Promise<PushPlan> {
  const plan = await planEncryption(opts);
  const pusher = new BlobPusher(stage.targets, plan.source, stage.pushOpts);
  const { report, result } = await stage.uploading(pusher, (uploads) =>
    encryptInto(plan, uploadSink(pusher, uploads), { concurrency: opts.concurrency, signal: uploads.signal }),
  );
  return { report, pusher, content: { manifests: result.documents, blobs: result.blobs } };
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

export function pushImage(opts: PushImageOptions): Promise<PushReport> {
  const { output } = opts;
  return pushPlanned(opts, (stage) =>
    output ? encryptUploading({ ...opts, output }, stage) : encryptStreaming(opts, stage),
  );
}

/**
 * Push the image `make` makes (an encryption, a rewrap): the registries reached and push access checked first,
 * then every blob and manifest, the read-back, the tags last; the digest only once all of that verified.
 */
export async function pushPlanned(
  opts: PushTargetOptions,
  make: (stage: PushStage) => Promise<PushPlan>,
): Promise<PushReport> {
  const log = opts.log ?? (() => {});
  const refs = pushTargets(opts.image, opts.tags, opts.pushByDigest);
  const conn = await connect(refs, opts, log);
  try {
    // Refused credentials fail now, in a second, not after encrypting a gigabyte.
    await verifyPushAccess(conn.targets, conn.retry);
    const pushOpts = {
      retry: conn.retry,
      concurrency: UPLOADS_AT_ONCE,
      log,
    };
    const stage = { targets: conn.targets, pushOpts, uploading: uploadingWith(conn, opts.signal) };
    const { report, content, pusher } = await make(stage);
    const root = content.manifests[content.manifests.length - 1]!;
    const pushed = await pushEverything(conn, content, pusher, pushOpts);
    // Content is checked by digest before any tag moves: a tag never points at something that failed.
    const encrypted = report.platforms.flatMap((p) => p.layers.filter((l) => WROTE_ENCRYPTION.has(l.action)));
    const digests = new Set(encrypted.map((l) => l.digest));
    const encryption = { digests, intact: encryptionIntact };
    if (opts.verify) await verifyPushed(conn.targets, content, encryption, pusher.confirmed);
    // Pushed by digest, no tag yet: an image the verify keys cannot open is never tagged.
    if (opts.verifyKeys?.length) {
      const { signal, output } = opts;
      report.gate = await gateRegistry(conn.targets, root.desc.digest, opts.verifyKeys, log, {
        signal,
        output,
      });
    }
    // The last step before a tag makes the image visible (a KBS registers its KEKs): a failure above leaves
    // the KBS as it was, and a failure here leaves no tag and no output.
    await beforePublish(opts, opts.output);
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
    await conn.close();
  }
}
