/**
 * The decryptability gate (`--verify-key`, `verify-private-keys`): before a tag moves (or, for a layout only,
 * before the run reports success), what landed must open for every verify key. Every encrypted layer's key must
 * unwrap with each key, and the smallest encrypted layer of each platform is read back from where it landed and
 * decrypted in full, its HMAC checked, the plaintext discarded. A push that production cannot open fails here,
 * untagged, instead of at deploy time.
 */
import type { Readable } from 'node:stream';
import { OepError } from '../errors.js';
import { removeFolder } from '../host/files.js';
import { openLayout } from '../oci/layout/source.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import type { Descriptor } from '../oci/model.js';
import { formatPlatform } from '../oci/platform.js';
import { imageManifestNodes, loadImage, type LoadedImage } from '../oci/tree.js';
import { DigestVerifier } from '../oci/verifier.js';
import { decryptLayer, type LayerOperation } from '../ocicrypt/layer.js';
import { LayerLoop } from '../ocicrypt/loop.js';
import type { PushTarget } from '../registry/push.js';
import { repositoryName } from '../registry/reference.js';
import { registrySource } from './registry-source.js';
import type { VerifyKey } from './verify-keys.js';

export type { VerifyKey } from './verify-keys.js';

/** Where the image landed, read back. */
export interface GateTarget {
  /** For messages: the repository, or the output folder. */
  name: string;
  image: LoadedImage;
  /** The blob as stored there: the gate checks the HMAC first, then the digest. */
  openBlob(desc: Descriptor): Promise<Readable>;
  signal?: AbortSignal;
}

/** What the gate proved, for the report. */
export interface GateReport {
  /** The verify keys' fingerprints. */
  keys: string[];
  /** Encrypted layers (distinct) whose key every verify key unwrapped. */
  layersUnwrapped: number;
  /** The layers read back and decrypted in full, HMAC checked: the smallest encrypted one of each platform. */
  layersDecrypted: { platform: string; digest: string; size: number }[];
}

interface Layer {
  desc: Descriptor;
  /** `layer 1 (sha256:…) of linux/amd64`. */
  name: string;
}

/** Each key must open the layer on its own; the operation of the first one decrypts it. */
async function unwrapEach(layer: Layer, keys: readonly VerifyKey[], where: string): Promise<LayerOperation> {
  let op: LayerOperation | undefined;
  for (const k of keys) {
    try {
      const opened = await decryptLayer(layer.desc, [k.key]);
      op ??= opened;
    } catch (err) {
      const why = err instanceof OepError ? err.message : String(err);
      throw new OepError(
        'E_GATE',
        `decryptability gate: verify key ${k.fingerprint} (${k.key.source}) does not open ${layer.name} in ${where}: ${why}; no tag was pushed and no digest is reported`,
        {
          hint: 'the image was not encrypted for this key: add its public key to the recipients (or, if the verify key is wrong, fix verify-private-keys)',
        },
      );
    }
  }
  return op!;
}

/** Read the layer as stored and decrypt it in full: its HMAC first (the authenticated check), then its digest. */
async function decryptFully(layer: Layer, op: LayerOperation, target: GateTarget): Promise<void> {
  const loop = new LayerLoop(op.params, { hashOutput: false });
  const digest = new DigestVerifier(layer.desc, target.name);
  const stream = await target.openBlob(layer.desc);
  try {
    for await (const chunk of stream) {
      target.signal?.throwIfAborted();
      loop.update(chunk as Buffer);
      digest.update(chunk as Buffer);
    }
    loop.finish();
    digest.finish();
  } catch (err) {
    stream.destroy();
    if (!(err instanceof OepError) || (err.code !== 'E_INTEGRITY' && err.code !== 'E_DIGEST')) throw err;
    throw new OepError(
      err.code,
      `decryptability gate: ${layer.name}, as read back from ${target.name}, ${err.code === 'E_INTEGRITY' ? 'fails its HMAC check' : 'does not match its digest'}: the ciphertext was altered; no tag was pushed and no digest is reported`,
      { hint: 'push again; if it repeats, the registry or a proxy in between corrupts blobs', cause: err },
    );
  }
}

/** Run the gate on what landed at `target`; throws E_GATE (a key), E_INTEGRITY or E_DIGEST (a layer). */
export async function runGate(
  target: GateTarget,
  keys: readonly VerifyKey[],
  log: (line: string) => void,
): Promise<GateReport> {
  const unwrapped = new Set<string>();
  const decrypted: GateReport['layersDecrypted'] = [];
  for (const m of imageManifestNodes(target.image.root)) {
    const platform = formatPlatform(m.platform);
    const layers: Layer[] = m.doc.layers
      .map((desc, i) => ({ desc, name: `layer ${i} (${desc.digest}) of ${platform}` }))
      .filter((l) => isEncryptedMediaType(l.desc.mediaType));
    if (layers.length === 0) continue;
    const ops = new Map<Layer, LayerOperation>();
    for (const l of layers) {
      ops.set(l, await unwrapEach(l, keys, target.name));
      unwrapped.add(l.desc.digest);
    }
    const smallest = layers.reduce((a, b) => (b.desc.size < a.desc.size ? b : a));
    if (!decrypted.some((d) => d.digest === smallest.desc.digest)) {
      await decryptFully(smallest, ops.get(smallest)!, target);
    }
    decrypted.push({ platform, digest: smallest.desc.digest, size: smallest.desc.size });
  }
  log(
    `decryptability gate: ${keys.map((k) => k.fingerprint).join(', ')} open all ${unwrapped.size} encrypted layer(s) in ${target.name}; ${decrypted.length} decrypted in full, HMAC checked`,
  );
  return {
    keys: keys.map((k) => k.fingerprint),
    layersUnwrapped: unwrapped.size,
    layersDecrypted: decrypted,
  };
}

/**
 * The gate on an encrypted layout as written (`--output` without a push). On failure the layout is removed: a
 * layout that does not open for the verify keys must not be left for a later step to ship.
 */
export async function gateLayout(
  output: string,
  keys: readonly VerifyKey[],
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<GateReport> {
  try {
    const source = await openLayout(output);
    const image = await loadImage(source);
    const target = { name: output, image, openBlob: (d: Descriptor) => source.open(d) };
    return await runGate(signal ? { ...target, signal } : target, keys, log);
  } catch (err) {
    await removeFolder(output).catch(() => {}); // the gate's error is the one to report
    throw err;
  }
}

/**
 * The gate on an image pushed by digest (before any tag): each repository it went to is read back from the
 * registry, manifests by digest and blobs as stored. When it fails, a layout also written (`output`) is removed:
 * nothing of a run that failed its gate stays behind.
 */
export async function gateRegistry(
  targets: readonly PushTarget[],
  digest: string,
  keys: readonly VerifyKey[],
  log: (line: string) => void,
  opts: { signal?: AbortSignal | undefined; output?: string | undefined } = {},
): Promise<GateReport> {
  const repos = new Map(targets.map((t) => [repositoryName(t.ref), t]));
  let report: GateReport | undefined;
  try {
    for (const [name, { ref, client }] of repos) {
      const { tag: _tag, ...byDigest } = ref;
      const image = await loadImage(registrySource(client, { ...byDigest, digest }));
      const target = { name, image, openBlob: (d: Descriptor) => client.getBlob(ref.repository, d.digest) };
      const r = await runGate(opts.signal ? { ...target, signal: opts.signal } : target, keys, log);
      report ??= r;
    }
  } catch (err) {
    if (opts.output) await removeFolder(opts.output).catch(() => {}); // the gate's error is the one to report
    throw err;
  }
  return report!;
}
