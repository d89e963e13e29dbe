/**
 * Rewrap use case: an encrypted image (a layout, or a registry image) → the same image with every encrypted
 * layer's key wrapped for exactly the new recipients, written as a layout or pushed. The ciphertext is not
 * touched (same blobs, same digests, same public options): only manifests and indexes change, so a push sends
 * manifests alone and finds the blobs in the target repository, or mounts them from the source's. Plain layers
 * stay as they are. With `rekey`, each encrypted layer is decrypted and encrypted again with a fresh key in one
 * pass (no plaintext on disk) and goes up as a new blob: what revoking a recipient needs, since a rewrap leaves
 * the layer key as it was and whoever kept it still opens the blob.
 *
 * Every encrypted layer is opened with the keys before anything is written or pushed: a layer no key opens
 * fails the run, naming it, with nothing left behind.
 */
import { OepError } from '../errors.js';
import { startWorkers, rewriteRuntime } from '../host/layer-workers.js';
import { LayoutWriter } from '../oci/layout/writer.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME } from '../oci/model.js';
import { formatPlatform } from '../oci/platform.js';
import type { BlobSource } from '../oci/source.js';
import { imageManifestNodes, loadImage, type LoadedImage } from '../oci/tree.js';
import type { LayerOperation } from '../ocicrypt/layer.js';
import { rewrapLayer } from '../ocicrypt/rewrap.js';
import { BlobPusher } from '../registry/push.js';
import { parseReference } from '../registry/reference.js';
import type { RunHost } from './host.js';
import type { DecryptionKey, Recipient } from './keys.js';
import { recipientFingerprint } from './recipient-pins.js';
import {
  pushPlanned,
  uploadSink,
  type PushPlan,
  type PushReport,
  type PushStage,
  type PushTargetOptions,
} from './push.js';
import { openSource, type SourceOptions } from './registry-source.js';
import { toImageReport } from './report.js';
import type { ImageReport, LayerReport } from './result.js';
import { rewriteInPlace, rewriteToLayout, type LayerOps } from './rewrite.js';

export interface RewrapImageOptions extends RunHost {
  /** The image to rewrap: a layout, or a registry image (`image` with its registry options). */
  source: SourceOptions;
  refName?: string;
  /** Private keys (or key providers) that open the layers. */
  keys: DecryptionKey[];
  /** Exactly who the layers open for afterwards. */
  recipients: Recipient[];
  /** Re-encrypt every encrypted layer with a fresh key (new blobs) instead of rewrapping its key. */
  rekey?: boolean;
  /** Write the rewrapped image as a layout here… */
  output?: string;
  /** …or push it here. */
  push?: Pick<PushTargetOptions, 'image' | 'tags' | 'registry' | 'verify'>;
}

type Host = Pick<RewrapImageOptions, 'concurrency' | 'workerScript' | 'temps' | 'signal'> & {
  log: (line: string) => void;
};

/**
 * Open every encrypted layer (each distinct blob once) with the keys and wrap its key for the recipients:
 * the operations the rewrite runs. A layer that fails is named by its platform and index.
 */
async function prepareLayers(
  source: BlobSource,
  image: LoadedImage,
  opts: RewrapImageOptions,
): Promise<LayerOps> {
  const prepared = new Map<string, LayerOperation>();
  for (const m of imageManifestNodes(image.root)) {
    for (const [i, layer] of m.doc.layers.entries()) {
      if (!isEncryptedMediaType(layer.mediaType) || prepared.has(layer.digest)) continue;
      try {
        prepared.set(layer.digest, await rewrapLayer(layer, { ...opts, rekey: opts.rekey ?? false }));
      } catch (err) {
        if (!(err instanceof OepError)) throw err;
        const where = `${source.name}: layer ${i} of the ${formatPlatform(m.platform)} image`;
        throw new OepError(err.code, `${where}: ${err.message}`, { hint: err.hint, cause: err });
      }
    }
  }
  if (prepared.size === 0) {
    throw new OepError(
      'E_UNSUPPORTED',
      `${source.name}: no layer is encrypted, so there is nothing to rewrap`,
      {
        hint: 'encrypt the image instead: oci-encrypt-push encrypt',
      },
    );
  }
  return {
    verb: opts.rekey ? 'rekeyed' : 'rewrapped',
    convertDockerToOci: false,
    select: (layer) => (prepared.has(layer.digest) ? 'transform' : 'copy'),
    prepare: async (layer) => prepared.get(layer.digest)!,
  };
}

/** The report of a rewrap: its layers rewrapped or rekeyed (not "encrypted"), and the new recipients. */
function rewrapReport<T extends ImageReport>(report: T, opts: RewrapImageOptions): T {
  const action: LayerReport['action'] = opts.rekey ? 'rekeyed' : 'rewrapped';
  for (const p of report.platforms) {
    for (const l of p.layers) if (l.action === 'encrypted') l.action = action;
  }
  report.recipients = opts.recipients.map((r) => ({
    type: r.type,
    alg: r.alg,
    fingerprint: recipientFingerprint(r),
    source: r.source,
  }));
  return report;
}

async function intoLayout(
  source: BlobSource,
  image: LoadedImage,
  ops: LayerOps,
  output: string,
  host: Host,
): Promise<ImageReport> {
  const writer = await LayoutWriter.create(output, host.temps ? { temps: host.temps } : {});
  const workers = startWorkers(host);
  try {
    const { signal, log } = host;
    const runtime = { ...rewriteRuntime(host, workers), log, ...(signal ? { signal } : {}) };
    return (await rewriteToLayout(source, image, writer, ops, runtime)).report;
  } catch (err) {
    await writer.abort().catch(() => {}); // the first error is the one to report
    throw err;
  } finally {
    await workers?.close();
  }
}

/**
 * The push's image: rewritten in place. Each rekeyed layer goes up as it is made (and is made again from the
 * source for a retry), nothing written; every other blob is read from the source when the target lacks it, or
 * mounted from the source's repository when that is on the same registry.
 */
async function forPush(
  source: BlobSource,
  image: LoadedImage,
  ops: LayerOps,
  from: string | undefined,
  stage: PushStage,
  host: Host,
): Promise<PushPlan> {
  const origin = from ? parseReference(from) : undefined;
  const mountFrom = (_blob: unknown, host: string) =>
    origin && host === origin.apiHost ? origin.repository : undefined;
  const pusher = new BlobPusher(stage.targets, source, { ...stage.pushOpts, mountFrom });
  const result = await stage.uploading(pusher, (uploads) =>
    rewriteInPlace(source, image, undefined, ops, {
      ...rewriteRuntime(host, undefined),
      log: host.log,
      signal: uploads.signal,
      sink: uploadSink(pusher, uploads),
    }),
  );
  const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
  const report = await toImageReport(result, refName ? { refName } : {}, image.skippedPlatforms);
  return { report, pusher, content: { manifests: result.documents, blobs: result.blobs } };
}

/** Explicit credentials are for the target's registry, as a push's are: a source on another registry gets none. */
function sourceOptions(opts: RewrapImageOptions, log: (line: string) => void): SourceOptions {
  const s = { ...opts.source, log };
  if (!s.image || !s.registry || !opts.push) return s;
  if (parseReference(s.image).registry === parseReference(opts.push.image).registry) return s;
  const { username: _u, password: _p, ...registry } = s.registry;
  return { ...s, registry };
}

export async function rewrapImage(opts: RewrapImageOptions): Promise<ImageReport | PushReport> {
  const log = opts.log ?? (() => {});
  if (opts.recipients.length === 0) {
    throw new OepError('E_NO_RECIPIENT', 'no recipient given: nobody could open the rewrapped image', {
      hint: 'give every recipient the image is for (--recipient jwe:pub.pem, or the public-keys input)',
    });
  }
  const { push, output } = opts;
  if (!push === !output) throw new OepError('E_USAGE', 'a rewrap writes a layout (output) or pushes (image)');
  const host: Host = { ...opts, log };
  const source = await openSource(sourceOptions(opts, log));
  try {
    const image = await loadImage(source, opts.refName ? { refName: opts.refName } : {});
    const ops = await prepareLayers(source, image, opts);
    if (output) return rewrapReport(await intoLayout(source, image, ops, output, host), opts);
    const { temps, concurrency, signal } = opts;
    const target: PushTargetOptions = { ...push!, log, ...(temps ? { temps } : {}), concurrency, signal };
    return await pushPlanned(target, async (stage) => {
      const plan = await forPush(source, image, ops, opts.source.image, stage, host);
      return { ...plan, report: rewrapReport(plan.report, opts) };
    });
  } finally {
    await source.close();
  }
}
