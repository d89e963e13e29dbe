/**
 * Encrypt and push use case: layout in → encrypted layout on disk (the ciphertext is made once, here) → every
 * blob and manifest to every repository → tags → verification of what landed → the digest. A digest is only
 * reported after the registry has served back exactly the bytes we pushed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OepError } from '../errors.js';
import { trackTemp, untrackTemp } from '../temps.js';
import { openLayout } from '../oci/layout/source.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { parseManifestOrIndex, type Descriptor } from '../oci/model.js';
import type { BlobHandle } from '../oci/layout/writer.js';
import { loadImage, manifestNodes, nodesBottomUp, type TreeNode } from '../oci/tree.js';
import { ANNOTATION_KEYS_PREFIX, ANNOTATION_PUBOPTS } from '../ocicrypt/options.js';
import { BlobPusher, pushManifests, pushTags, type PushStats, type PushTarget } from '../registry/push.js';
import {
  formatReference,
  parseReference,
  repositoryName,
  resolveTag,
  type Reference,
} from '../registry/reference.js';
import { RegistryError } from '../registry/transport/errors.js';
import { withRetry } from '../registry/transport/retry.js';
import { encryptImage, type EncryptOptions } from './encrypt.js';
import { defaultConcurrency } from './layer-workers.js';
import { connectClients, retryPolicy, type RegistryOptions } from './registry-session.js';
import type { ImageReport } from './result.js';
import { uploadChunks } from './layer-files.js';
import { isExternal } from './rewrite.js';

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
    throw new OepError('E_REFERENCE', `image ${image} names a digest; a push needs a repository and tag`, {
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

/** Every manifest and index of the tree, children first, root last, each once. */
/** The configs and layers of every manifest under a node, each digest once. */
function blobsOf(node: TreeNode): Descriptor[] {
  const out = new Map<string, Descriptor>();
  for (const m of manifestNodes(node)) for (const d of [m.doc.config, ...m.doc.layers]) out.set(d.digest, d);
  return [...out.values()];
}

/**
 * Read back what landed, by digest: every manifest byte-identical, every blob present with its size, and every
 * layer this run encrypted served as +encrypted with its key and pubopts annotations.
 */
async function verifyPushed(
  targets: PushTarget[],
  manifests: { desc: Descriptor; bytes: Buffer }[],
  blobs: Descriptor[],
  encrypted: Set<string>,
): Promise<void> {
  const done = new Set<string>();
  for (const { ref, client } of targets) {
    const name = repositoryName(ref);
    if (done.has(name)) continue;
    done.add(name);
    for (const m of manifests) {
      const got = await client.getManifest(ref.repository, m.desc.digest);
      if (!got.bytes.equals(m.bytes) || (got.digest && got.digest !== m.desc.digest)) {
        throw new RegistryError(
          'E_VERIFY',
          `${name} serves manifest ${m.desc.digest} with other bytes than were pushed`,
        );
      }
      const doc = parseManifestOrIndex(got.bytes, `${name}@${m.desc.digest}`, m.desc.mediaType);
      if (doc.kind !== 'manifest') continue;
      for (const l of doc.layers) {
        if (!encrypted.has(l.digest)) continue;
        const keys = Object.keys(l.annotations ?? {}).some((k) => k.startsWith(ANNOTATION_KEYS_PREFIX));
        if (!isEncryptedMediaType(l.mediaType) || !keys || !l.annotations?.[ANNOTATION_PUBOPTS]) {
          throw new RegistryError(
            'E_VERIFY',
            `${name}: layer ${l.digest} landed without its encryption media type or annotations`,
          );
        }
      }
    }
    for (const b of blobs) {
      if (!(await client.blobExists(ref.repository, b))) {
        throw new RegistryError('E_VERIFY', `${name}: blob ${b.digest} is missing after the push`);
      }
    }
  }
}

/** Every tag, of every repository, must now serve the root's exact bytes. */
async function verifyTags(targets: PushTarget[], root: { desc: Descriptor; bytes: Buffer }): Promise<void> {
  for (const { ref, client } of targets) {
    if (!ref.tag) continue;
    const tagged = await client.getManifest(ref.repository, ref.tag);
    if (!tagged.bytes.equals(root.bytes)) {
      throw new RegistryError(
        'E_VERIFY',
        `${repositoryName(ref)}:${ref.tag} does not point at ${root.desc.digest}`,
      );
    }
  }
}

export async function pushImage(opts: PushImageOptions): Promise<PushReport> {
  const log = opts.log ?? (() => {});
  const refs = pushTargets(opts.image, opts.tags);
  const main = refs[0]!;
  // Reach every registry (and learn its auth scheme) before encrypting anything.
  const clients = await connectClients(refs, opts.registry, log);
  const targets: PushTarget[] = refs.map((ref) => ({ ref, client: clients.get(ref.apiHost)! }));
  const retry = retryPolicy(opts.registry, log);
  let staging: string | undefined;
  try {
    // Refused credentials fail now, in a second, not after encrypting a gigabyte.
    for (const ref of new Map(refs.map((r) => [repositoryName(r), r])).values()) {
      await withRetry(`authenticating to ${repositoryName(ref)}`, retry, () =>
        clients.get(ref.apiHost)!.checkPushAccess(ref.repository),
      );
    }
    staging = opts.output ? undefined : await mkdtemp(join(opts.tempDir, 'oep-push-'));
    if (staging) trackTemp(staging);
    const layoutDir = opts.output ?? join(staging!, `layout-${randomBytes(4).toString('hex')}`);
    const pushOpts = { retry, concurrency: Math.min(4, opts.concurrency ?? defaultConcurrency()), log };
    // Blobs go up as soon as they are final on disk, while later layers are still being encrypted. Uploads
    // read our own staged files without hashing them again (see uploadChunks); anything else is verified.
    const staged = new Map<string, BlobHandle>();
    const reader = {
      open: async (desc: Descriptor) => {
        const handle = staged.get(desc.digest);
        if (!handle)
          throw new OepError('E_VERIFY', `internal: blob ${desc.digest} was not written by this run`);
        // Byte mode with a 1 MiB mark: Readable.from would otherwise read 16 chunks ahead of the socket.
        return Readable.from(uploadChunks(handle, desc), { objectMode: false, highWaterMark: 1024 * 1024 });
      },
    };
    const blobPusher = new BlobPusher(targets, reader, pushOpts);
    let report: ImageReport;
    // A failed upload stops the encryption too: the run has failed, the rest of the layers are wasted work.
    const stop = new AbortController();
    try {
      report = await encryptImage({
        ...opts,
        output: layoutDir,
        signal: stop.signal,
        onBlob: (desc, handle) => {
          staged.set(desc.digest, handle);
          blobPusher.push(desc).catch((err: unknown) => stop.abort(err)); // also thrown by settle() below
        },
      });
    } catch (err) {
      // Encryption failed: stop the uploads under way (they would only leave orphan blobs) and wait for them.
      blobPusher.abort();
      await Promise.all([...clients.values()].map((c) => c.destroy()));
      await blobPusher.settle().catch(() => {});
      throw err;
    }
    const source = await openLayout(layoutDir);
    const image = await loadImage(source);
    const manifests = nodesBottomUp(image.root).map((n) => ({ desc: n.desc, bytes: n.bytes }));
    const root = manifests[manifests.length - 1]!;
    if (root.desc.digest !== report.digest)
      throw new OepError('E_VERIFY', 'internal: the encrypted layout changed under us');
    // Foreign layers that live only at their URLs are referenced, not pushed (registries do the same).
    const blobs: Descriptor[] = [];
    for (const b of blobsOf(image.root)) if (!isExternal(b) || (await source.has(b))) blobs.push(b);
    log(
      `pushing ${blobs.length} blobs and ${manifests.length} manifests to ${[...new Set(refs.map(repositoryName))].join(', ')}`,
    );
    // Every blob the image needs (most are under way already), everywhere, before any manifest.
    await Promise.all(blobs.map((b) => blobPusher.push(b)));
    await blobPusher.settle();
    const pushed = blobPusher.stats;
    await pushManifests(targets, manifests, pushOpts);
    log(`blobs: ${pushed.uploaded} uploaded, ${pushed.mounted} mounted, ${pushed.skipped} already there`);
    // Content is checked by digest before any tag moves: a tag never points at something that failed.
    if (opts.verify) {
      const encrypted = new Set(
        report.platforms.flatMap((p) =>
          p.layers.filter((l) => l.action === 'encrypted').map((l) => l.digest),
        ),
      );
      await verifyPushed(targets, manifests, blobs, encrypted);
    }
    await pushTags(targets, root, pushOpts);
    if (opts.verify) {
      await verifyTags(targets, root);
      log(`verified ${root.desc.digest} in ${[...new Set(refs.map(repositoryName))].join(', ')}`);
    }
    const imageName = repositoryName(main);
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
    if (staging) {
      await rm(staging, { recursive: true, force: true });
      untrackTemp(staging);
    }
    await Promise.all([...clients.values()].map((c) => c.close().catch(() => {})));
  }
}

/** For front ends: remove every staging and temp folder of runs under way (on SIGINT/SIGTERM). */
export { removeTempsSync } from '../temps.js';
