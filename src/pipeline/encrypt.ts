/**
 * Encrypt use case: layout in → encrypted layout out, or (for a push without an output) each encrypted layer
 * handed to a sink as it is made, nothing written: a push streams it to the registry (push.ts).
 */
import { OepError } from '../errors.js';
import { removeFolder } from '../host/files.js';
import { openLayout } from '../oci/layout/source.js';
import { LayoutWriter } from '../oci/layout/writer.js';
import { isEncryptableLayer, isEncryptedMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME, type Descriptor } from '../oci/model.js';
import { formatPlatform, type Platform } from '../oci/platform.js';
import { imageManifestNodes, loadImage, type LoadedImage } from '../oci/tree.js';
import type { BlobSource } from '../oci/source.js';
import type { Recipient } from '../ocicrypt/keys.js';
import { ATTESTATION_AGENT_SCHEME, assertCocoMediaType } from '../ocicrypt/keywrap/attestation-agent.js';
import { encryptLayer } from '../ocicrypt/layer.js';
import { settleAttestations, type AttestationMode } from './attestations.js';
import { checkConfigSecrets, type ConfigSecretsMode } from './config-check.js';
import { gateLayout, type VerifyKey } from './decrypt-gate.js';
import type { RunHost } from './host.js';
import { rewriteRuntime, startWorkers } from '../host/layer-workers.js';
import type { ImageReport } from './result.js';
import { recipientFingerprint } from './recipient-pins.js';
import {
  isExternal,
  rewriteInPlace,
  rewriteToLayout,
  type BlobListener,
  type InPlaceResult,
  type LayerOps,
  type LayerSink,
  type RewriteResult,
} from './rewrite.js';
import { toImageReport } from './report.js';
import { resolveLayerIndexes } from './selection.js';

export interface EncryptOptions extends RunHost {
  layout: string;
  refName?: string;
  output: string;
  recipients: Recipient[];
  /** Indexes as given (negative from the top); undefined means every layer. */
  encryptLayers?: number[];
  platforms?: Platform[];
  /** BuildKit attestation manifests: left out (the default: ocicrypt cannot encrypt them) or kept plaintext. */
  attestations?: AttestationMode;
  /** Told of each layer and config as soon as it is final in the output: a push starts uploading it. */
  onBlob?: BlobListener;
  /**
   * Awaited last, before anything becomes visible: once the layout is written and gated, or a push's image is in
   * the registry by digest, verified and gated, before its tags (a KBS registers the KEKs). On failure the output
   * is removed and no tag is pushed.
   */
  beforePublish?: () => Promise<void>;
  /** The config-leak check: warn (the default), fail before anything is written, or off. */
  configSecrets?: ConfigSecretsMode;
  /** The decryptability gate: what was written (or pushed) must open for each of these keys. */
  verifyKeys?: VerifyKey[];
}

/** Whether layer `i` can be encrypted as selected; false for a foreign layer left at its URLs. */
async function encryptable(
  source: BlobSource,
  layer: Descriptor,
  where: { i: number; name: string },
  opts: Pick<EncryptOptions, 'encryptLayers' | 'recipients'>,
  log: (line: string) => void,
): Promise<boolean> {
  const { i, name } = where;
  // A foreign layer (e.g. a Windows base) may live only at its URLs: there is nothing here to encrypt.
  if (isExternal(layer) && !(await source.has(layer))) {
    if (opts.encryptLayers) {
      throw new OepError(
        'E_UNSUPPORTED',
        `layer ${i} of ${name} is a foreign layer that is not in the layout, so it cannot be encrypted`,
        {
          hint: 'leave it out with --encrypt-layers',
        },
      );
    }
    log(`layer ${i} of ${name} is a foreign layer hosted at ${layer.urls![0]}: left as it is`);
    return false;
  }
  if (!isEncryptedMediaType(layer.mediaType) && !isEncryptableLayer(layer.mediaType)) {
    throw new OepError(
      'E_UNSUPPORTED',
      `layer ${i} of ${name} has media type ${layer.mediaType}, which ocicrypt cannot encrypt`,
      {
        hint: 'leave it out with --encrypt-layers',
      },
    );
  }
  // Confidential Containers guests open only tar and tar+gzip: refused before anything is written.
  if (
    !isEncryptedMediaType(layer.mediaType) &&
    opts.recipients.some((r) => r.scheme === ATTESTATION_AGENT_SCHEME)
  ) {
    assertCocoMediaType(layer.mediaType, `layer ${i} of ${name}`);
  }
  return true;
}

/** Check every selection before writing anything: the digests of the layers selected, in any image. */
async function chooseLayers(
  source: BlobSource,
  image: LoadedImage,
  opts: Pick<EncryptOptions, 'encryptLayers' | 'recipients'>,
  log: (line: string) => void,
): Promise<Set<string>> {
  const chosen = new Set<string>();
  for (const m of imageManifestNodes(image.root)) {
    const name = `the ${formatPlatform(m.platform)} image`;
    const indexes = resolveLayerIndexes(opts.encryptLayers, m.doc.layers.length, name);
    for (const i of [...indexes]) {
      if (!(await encryptable(source, m.doc.layers[i]!, { i, name }, opts, log))) indexes.delete(i);
    }
    for (const i of indexes) chosen.add(m.doc.layers[i]!.digest);
  }
  return chosen;
}

/** An encryption checked and ready to run: nothing written yet. */
export interface EncryptionPlan {
  source: BlobSource;
  image: LoadedImage;
  ops: LayerOps;
  /** What the report adds to the rewrite's. */
  extras: Partial<ImageReport>;
  recipients: NonNullable<ImageReport['recipients']>;
  log: (line: string) => void;
}

/**
 * Every check before anything is written or sent: the recipients, the image, the attestations, the config, the
 * layers selected.
 */
export async function planEncryption(opts: Omit<EncryptOptions, 'output'>): Promise<EncryptionPlan> {
  const log = opts.log ?? (() => {});
  if (opts.recipients.length === 0) {
    throw new OepError('E_NO_RECIPIENT', 'no recipient given: nothing to encrypt for', {
      hint: 'give at least one public key (--recipient jwe:pub.pem, or the public-keys input)',
    });
  }
  const source = await openLayout(opts.layout);
  const image = await loadImage(source, { refName: opts.refName, platforms: opts.platforms });
  const droppedAttestations = await settleAttestations(source, image, {
    mode: opts.attestations ?? 'drop',
    platforms: opts.platforms,
  });
  // The config stays plaintext: a leak found with `fail` stops the run before anything is written.
  const configSecrets = checkConfigSecrets(image, opts.configSecrets ?? 'warn', log);
  const chosen = await chooseLayers(source, image, opts, log);
  if (image.skippedPlatforms.length) log(`left out (not selected): ${image.skippedPlatforms.join(', ')}`);
  const ops: LayerOps = {
    verb: 'encrypted',
    convertDockerToOci: true,
    // By digest, as imgcrypt filters: a blob selected anywhere (another platform, a repeated layer) is
    // encrypted everywhere it appears, so no selected layer also ships as plaintext elsewhere.
    select: (layer: Descriptor) =>
      chosen.has(layer.digest) && !isEncryptedMediaType(layer.mediaType) ? 'transform' : 'copy',
    prepare: (layer: Descriptor) => encryptLayer(layer, opts.recipients),
  };
  const extras = { droppedAttestations, ...(configSecrets.length ? { configSecrets } : {}) };
  const recipients = opts.recipients.map((r) => ({
    type: r.type,
    alg: r.alg,
    fingerprint: recipientFingerprint(r),
    source: r.source,
  }));
  return { source, image, ops, extras, recipients, log };
}

/** Encrypt into a layout: its report, and the image written (documents and blob handles, for a push). */
export async function encryptToLayout(
  opts: EncryptOptions,
): Promise<{ report: ImageReport; result: RewriteResult }> {
  const { source, image, ops, extras, recipients, log } = await planEncryption(opts);
  const writer = await LayoutWriter.create(opts.output, opts.temps ? { temps: opts.temps } : {});
  const workers = startWorkers(opts);
  try {
    const out = await rewriteToLayout(source, image, writer, ops, {
      ...rewriteRuntime(opts, workers),
      log,
      ...(opts.onBlob ? { onBlob: opts.onBlob } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      report: extras,
    });
    out.report.recipients = recipients;
    return out;
  } catch (err) {
    await writer.abort().catch(() => {}); // the first error is the one to report
    throw err;
  } finally {
    await workers?.close();
  }
}

/**
 * Run a planned encryption without writing it: each encrypted layer goes to `sink` as it is made; configs and
 * copied layers stay in the source. The report, and the image (its documents, and every blob it needs).
 */
export async function encryptInto(
  plan: EncryptionPlan,
  sink: LayerSink,
  opts: Pick<EncryptOptions, 'concurrency' | 'signal'>,
): Promise<{ report: ImageReport; result: InPlaceResult }> {
  const { source, image, ops, extras, recipients, log } = plan;
  const result = await rewriteInPlace(source, image, undefined, ops, {
    ...rewriteRuntime(opts, undefined),
    log,
    sink,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
  const report = await toImageReport(
    result,
    { ...(refName ? { refName } : {}), ...extras },
    image.skippedPlatforms,
  );
  report.recipients = recipients;
  return { report, result };
}

/** Run the beforePublish hook; when it fails, the output written (if any) is removed: nothing partial lands. */
export async function beforePublish(
  opts: Pick<EncryptOptions, 'beforePublish'>,
  output?: string,
): Promise<void> {
  try {
    await opts.beforePublish?.();
  } catch (err) {
    if (output) await removeFolder(output).catch(() => {}); // the hook's error is the one to report
    throw err;
  }
}

/**
 * Encrypt into a layout; with verify keys, the layout as written must open for each (else it is removed). Then
 * beforePublish, the last step (else the layout is removed too).
 */
export async function encryptImage(opts: EncryptOptions): Promise<ImageReport> {
  const { report } = await encryptToLayout(opts);
  if (opts.verifyKeys?.length) {
    report.gate = await gateLayout(opts.output, opts.verifyKeys, opts.log ?? (() => {}), opts.signal);
  }
  await beforePublish(opts, opts.output);
  return report;
}
