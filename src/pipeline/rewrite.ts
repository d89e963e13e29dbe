/**
 * Rewrite an image into a new layout, layer by layer: the shared core of encrypt and decrypt. Each layer is
 * either transformed (encrypted or decrypted, streamed through the engine) or copied verified; configs are
 * copied; manifests and indexes are rebuilt bottom-up only where something below them changed, so untouched
 * parts keep their exact bytes and digests. Layers run in parallel; each distinct blob is processed once.
 */
import { Transform } from 'node:stream';
import type { BlobLocation, BlobSource } from '../oci/source.js';
import type { LayoutWriter, WrittenBlob } from '../oci/layout/writer.js';
import { isEncryptedMediaType, MT, ociLayerMediaType } from '../oci/mediatypes.js';
import {
  ANNOTATION_REFERENCE_DIGEST,
  isAttestationManifest,
  serialize,
  type Descriptor,
} from '../oci/model.js';
import { formatPlatform } from '../oci/platform.js';
import {
  manifestNodes,
  type IndexNode,
  type LoadedImage,
  type ManifestNode,
  type TreeNode,
} from '../oci/tree.js';
import { OepError } from '../errors.js';
import { mapLimit } from '../limit.js';
import { withoutAttestationMark } from '../oci/attestation.js';
import { assertEncryptedLayer, type LayerOperation } from '../ocicrypt/layer.js';
import { LayerStream } from '../ocicrypt/loop.js';
import { runFileJob, type FileJob } from './layer-files.js';
import type { LayerWorkers } from './layer-workers.js';

/**
 * The engine's prepared layer: parameters for the layer loop, run by the file loop (layouts and archives,
 * inline or in a worker) or as a stream stage (registries), and the finalizer that gives its descriptor.
 */
export type LayerTransform = LayerOperation;

export interface LayerOps {
  /** What to do with layer `index` of an image manifest: transform it, or copy it as it is. */
  select(layer: Descriptor, index: number, manifest: ManifestNode): 'transform' | 'copy';
  /** Set up the transform for one layer (called once per distinct blob). */
  prepare(layer: Descriptor): Promise<LayerTransform>;
  /** Convert docker schema2 manifests that get a transformed layer to OCI (encryption needs OCI). */
  convertDockerToOci: boolean;
  /** Word for the log and report ("encrypted", "decrypted"). */
  verb: string;
}

export interface LayerOutcome {
  index: number;
  action: 'transformed' | 'copied' | 'external';
  source: Descriptor;
  result: Descriptor;
}

export interface ManifestOutcome {
  platform: string;
  source: Descriptor;
  result: Descriptor;
  layers: LayerOutcome[];
}

export interface RewriteResult {
  root: Descriptor;
  manifests: ManifestOutcome[];
  attestations: { digest: string; reference: string }[];
}

export interface RewriteOptions {
  concurrency: number;
  log: (line: string) => void;
  /** Worker threads for large layers; without them every layer runs on this thread. */
  workers?: LayerWorkers;
  /** Stops the run from outside (a push whose upload failed), failing it with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Told of each layer and config blob as soon as it is final in the output (not of manifests), with where to
   * read it: a push can start uploading while later layers are still being encrypted.
   */
  onBlob?: BlobListener;
}

export type BlobListener = (desc: Descriptor, locate: () => BlobLocation) => void;

/** A non-distributable layer with URLs may legitimately be absent from the layout: its descriptor passes as is. */
export function isExternal(d: Descriptor): boolean {
  const foreign = d.mediaType.includes('nondistributable') || d.mediaType.includes('foreign');
  return foreign && Array.isArray(d.urls) && d.urls.length > 0;
}

/** Layers this large get progress lines, every 256 MiB, so a CI log shows the run is alive. */
const PROGRESS_FROM = 512 * 1024 * 1024;
const PROGRESS_STEP = 256 * 1024 * 1024;
/** Below this a worker's start and message round trip cost more than they save. */
const WORKER_FROM = 4 * 1024 * 1024;

function progressLogger(
  layer: Descriptor,
  verb: string,
  log: (line: string) => void,
): (bytes: number) => void {
  let next = PROGRESS_STEP;
  return (bytes) => {
    if (bytes >= next && bytes < layer.size) {
      log(
        `${verb.replace(/ed$/, 'ing')} layer ${layer.digest.slice(0, 19)}: ${mib(bytes)} of ${mib(layer.size)}`,
      );
      while (next <= bytes) next += PROGRESS_STEP;
    }
  };
}

function progressStage(onProgress: (bytes: number) => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      onProgress(seen);
      cb(null, chunk);
    },
  });
}

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

export async function rewriteImage(
  source: BlobSource,
  image: LoadedImage,
  writer: LayoutWriter,
  ops: LayerOps,
  opts: RewriteOptions,
): Promise<RewriteResult> {
  const manifests = manifestNodes(image.root);
  // 1. Plan: the action of every layer, and the distinct blob jobs.
  const plans = new Map<ManifestNode, ('transform' | 'copy')[]>();
  const jobs = new Map<string, { layer: Descriptor; action: 'transform' | 'copy' }>();
  for (const m of manifests) {
    const actions = m.doc.layers.map((layer, i) =>
      isAttestationManifest(m.desc) ? 'copy' : ops.select(layer, i, m),
    );
    // "Already encrypted" is checked, not trusted: a layer passed through as ciphertext must carry its keys.
    m.doc.layers.forEach((layer, i) => {
      if (actions[i] === 'copy' && isEncryptedMediaType(layer.mediaType)) {
        const where = `layer ${i} (${layer.digest}) of the ${formatPlatform(m.platform)} image (manifest ${m.desc.digest})`;
        assertEncryptedLayer(layer, `${source.name}: ${where}`);
      }
    });
    plans.set(m, actions);
    m.doc.layers.forEach((layer, i) =>
      jobs.set(`${actions[i]}:${layer.digest}`, { layer, action: actions[i]! }),
    );
  }

  // 2. Blobs: transformed or copied, in parallel, each once. Local files go through the file loop (in a
  // worker when large), other sources through stream stages; both check digests and sizes as they read.
  const moveBlob = async (
    layer: Descriptor,
    t: LayerTransform | undefined,
    signal: AbortSignal,
  ): Promise<{ written: WrittenBlob; hmac?: Uint8Array }> => {
    const onProgress = layer.size >= PROGRESS_FROM ? progressLogger(layer, ops.verb, opts.log) : undefined;
    const location = source.locate ? await source.locate(layer) : undefined;
    if (location) {
      const out = writer.tempPath();
      const job: FileJob = {
        ...(t ? t.params : { mode: 'copy' }),
        source: location,
        expected: { digest: layer.digest, size: layer.size },
        sourceName: source.name,
        out,
        fileMode: writer.fileMode,
      };
      const r =
        opts.workers && layer.size >= WORKER_FROM
          ? await opts.workers.run(job, signal, onProgress)
          : await runFileJob(job, onProgress);
      const written = await writer.adopt(out, { digest: r.digest, size: r.size });
      return { written, ...(r.hmac ? { hmac: r.hmac } : {}) };
    }
    // The source's reader checks the digest and the writer hashes the output: the loop does only the cipher.
    const loop = t ? new LayerStream(t.params, { hashOutput: false }) : undefined;
    const stages: Transform[] = loop ? [loop] : [];
    if (onProgress) stages.push(progressStage(onProgress));
    const written = await writer.writeStream(await source.open(layer), stages, signal);
    const hmac = loop?.result().hmac;
    return { written, ...(hmac ? { hmac } : {}) };
  };

  const done = new Map<string, { desc: Descriptor; action: LayerOutcome['action'] }>();
  await mapLimit(
    [...jobs.entries()],
    opts.concurrency,
    async ([key, { layer, action }], signal) => {
      if (action === 'copy') {
        if (writer.has(layer.digest)) {
          done.set(key, { desc: layer, action: 'copied' });
          return;
        }
        if (isExternal(layer) && !(await source.has(layer))) {
          done.set(key, { desc: layer, action: 'external' });
          return;
        }
        const { written } = await moveBlob(layer, undefined, signal);
        if (written.digest !== layer.digest) {
          // We write sha256 layouts: a blob under another algorithm would be stored where its descriptor does not point.
          throw new OepError(
            'E_UNSUPPORTED',
            `${source.name}: blob ${layer.digest} is not sha256; only sha256 blobs can be rewritten`,
          );
        }
        done.set(key, { desc: layer, action: 'copied' });
        opts.onBlob?.(layer, () => writer.locate(layer.digest));
        return;
      }
      const t = await ops.prepare(layer);
      const started = Date.now();
      const { written, hmac } = await moveBlob(layer, t, signal);
      const secs = (Date.now() - started) / 1000;
      opts.log(
        `${ops.verb} layer ${layer.digest.slice(0, 19)} (${mib(layer.size)}) in ${secs.toFixed(1)} s -> ${written.digest.slice(0, 19)}`,
      );
      const desc = t.finalize({ ...written, ...(hmac ? { hmac } : {}) });
      done.set(key, { desc, action: 'transformed' });
      opts.onBlob?.(desc, () => writer.locate(desc.digest));
    },
    opts.signal,
  );

  // 3. Configs are copied as they are (ocicrypt never encrypts them); the tree holds them verified.
  for (const m of manifests) {
    const w = await writer.writeBytes(m.config);
    if (w.digest !== m.doc.config.digest) {
      throw new OepError(
        'E_UNSUPPORTED',
        `${source.name}: config ${m.doc.config.digest} is not sha256; only sha256 blobs can be rewritten`,
      );
    }
    opts.onBlob?.(m.doc.config, () => writer.locate(m.doc.config.digest));
  }

  // 4. Manifests and indexes, bottom-up.
  const outcomes: ManifestOutcome[] = [];
  const attestations: RewriteResult['attestations'] = [];
  const newDigest = new Map<string, string>();

  async function emit(
    node: TreeNode,
    changed: boolean,
    doc: Record<string, unknown>,
    mediaType: string,
  ): Promise<Descriptor> {
    const bytes = changed || node.desc.digest === '' ? serialize(doc) : node.bytes;
    const w = await writer.writeBytes(bytes);
    return { ...node.desc, mediaType, digest: w.digest, size: w.size };
  }

  async function rebuildManifest(node: ManifestNode): Promise<Descriptor> {
    const actions = plans.get(node)!;
    const layers: LayerOutcome[] = node.doc.layers.map((layer, index) => {
      const d = done.get(`${actions[index]}:${layer.digest}`)!;
      // A copied layer keeps this manifest's own descriptor (annotations, urls), not another manifest's.
      return { index, action: d.action, source: layer, result: d.action === 'transformed' ? d.desc : layer };
    });
    const changed = layers.some((l) => l.action === 'transformed');
    let mediaType = node.doc.mediaType;
    const raw: Record<string, unknown> = { ...node.doc.raw, layers: layers.map((l) => l.result) };
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

  // A node shared by several parents (the tree is a DAG) is rebuilt once: O(n) in distinct manifests.
  const rebuilt = new Map<TreeNode, Promise<Descriptor>>();
  function rebuild(node: TreeNode): Promise<Descriptor> {
    let p = rebuilt.get(node);
    if (!p) {
      p = node.kind === 'manifest' ? rebuildManifest(node) : rebuildIndex(node);
      rebuilt.set(node, p);
    }
    return p;
  }
  /** A parent's own descriptor of a child (its annotations, platform), pointing at what the child became. */
  const repoint = (own: Descriptor, r: Descriptor): Descriptor => ({
    ...own,
    mediaType: r.mediaType,
    digest: r.digest,
    size: r.size,
  });

  async function rebuildIndex(node: IndexNode): Promise<Descriptor> {
    const kept: Descriptor[] = [];
    // Images first, so that attestations can point at their new digests.
    const results = new Map<number, Descriptor>();
    for (const [i, child] of node.children.entries()) {
      if (child && !isAttestationManifest(child.desc)) {
        // An image found under an attestation mark (settleAttestations) loses the mark in its parent too.
        results.set(i, repoint(withoutAttestationMark(node.doc.manifests[i]!), await rebuild(child)));
      }
    }
    for (const [i, child] of node.children.entries()) {
      if (!child || !isAttestationManifest(child.desc)) continue;
      const copied = repoint(node.doc.manifests[i]!, await rebuild(child));
      const ref = copied.annotations?.[ANNOTATION_REFERENCE_DIGEST] ?? '';
      const target = newDigest.get(ref) ?? ref;
      attestations.push({ digest: copied.digest, reference: target });
      results.set(i, {
        ...copied,
        annotations: { ...copied.annotations, [ANNOTATION_REFERENCE_DIGEST]: target },
      });
    }
    for (const [i] of node.children.entries()) if (results.has(i)) kept.push(results.get(i)!);
    const changed =
      kept.length !== node.doc.manifests.length ||
      kept.some((d, i) => JSON.stringify(d) !== JSON.stringify(node.doc.manifests[i]));
    let mediaType = node.doc.mediaType;
    const raw: Record<string, unknown> = { ...node.doc.raw, manifests: kept };
    if (changed && mediaType === MT.dockerManifestList && kept.some((d) => d.mediaType === MT.ociManifest)) {
      mediaType = MT.ociIndex;
      raw.mediaType = mediaType;
    }
    return emit(node, changed, raw, mediaType);
  }

  const root = await rebuild(image.root);
  return { root, manifests: outcomes, attestations };
}
