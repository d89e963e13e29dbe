/**
 * Encrypt use case: layout in → encrypted layout out. (The registry push builds on the layout this writes:
 * the ciphertext is produced once, on disk, and every retry, tag and registry reuses the same bytes.)
 */
import { OepError } from '../errors.js';
import { openLayout } from '../oci/layout/source.js';
import { LayoutWriter } from '../oci/layout/writer.js';
import { isEncryptableLayer, isEncryptedMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME } from '../oci/model.js';
import { formatPlatform, type Platform } from '../oci/platform.js';
import { imageManifestNodes, loadImage, type ManifestNode } from '../oci/tree.js';
import type { Recipient } from '../ocicrypt/keys.js';
import { encryptLayer } from '../ocicrypt/layer.js';
import { settleAttestations, type AttestationMode } from './attestations.js';
import { rewriteRuntime, startWorkers } from './layer-workers.js';
import { pick, toImageReport } from './report.js';
import type { ImageReport } from './result.js';
import { isExternal, rewriteImage, type BlobListener } from './rewrite.js';
import { resolveLayerIndexes } from './selection.js';

export interface EncryptOptions {
  layout: string;
  refName?: string;
  output: string;
  recipients: Recipient[];
  /** Indexes as given (negative from the top); undefined means every layer. */
  encryptLayers?: number[];
  platforms?: Platform[];
  /** BuildKit attestation manifests: left out (the default: ocicrypt cannot encrypt them) or kept plaintext. */
  attestations?: AttestationMode;
  concurrency?: number;
  /**
   * The front end's entry script, which serves layer jobs when started as a worker (see layer-workers.ts).
   * With it, large layers are processed on all cores; without it, on this thread.
   */
  workerScript?: string;
  /** See RewriteOptions.onBlob. */
  onBlob?: BlobListener;
  /** See RewriteOptions.signal. */
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export async function encryptImage(opts: EncryptOptions): Promise<ImageReport> {
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

  // Check every selection before writing anything.
  const selected = new Map<ManifestNode, Set<number>>();
  for (const m of imageManifestNodes(image.root)) {
    const name = `the ${formatPlatform(m.platform)} image`;
    const indexes = resolveLayerIndexes(opts.encryptLayers, m.doc.layers.length, name);
    for (const i of [...indexes]) {
      const layer = m.doc.layers[i]!;
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
        indexes.delete(i);
        log(`layer ${i} of ${name} is a foreign layer hosted at ${layer.urls![0]}: left as it is`);
        continue;
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
    }
    selected.set(m, indexes);
  }
  if (image.skippedPlatforms.length) log(`left out (not selected): ${image.skippedPlatforms.join(', ')}`);

  const chosen = new Set(
    [...selected].flatMap(([m, indexes]) => [...indexes].map((i) => m.doc.layers[i]!.digest)),
  );
  const writer = await LayoutWriter.create(opts.output);
  const workers = startWorkers(opts);
  try {
    const result = await rewriteImage(
      source,
      image,
      writer,
      {
        verb: 'encrypted',
        convertDockerToOci: true,
        // By digest, as imgcrypt filters: a blob selected anywhere (another platform, a repeated layer) is
        // encrypted everywhere it appears, so no selected layer also ships as plaintext elsewhere.
        select: (layer) =>
          chosen.has(layer.digest) && !isEncryptedMediaType(layer.mediaType) ? 'transform' : 'copy',
        prepare: (layer) => encryptLayer(layer, opts.recipients),
      },
      {
        ...rewriteRuntime(opts, workers),
        log,
        ...(opts.onBlob ? { onBlob: opts.onBlob } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
    // The report first: nothing that can fail may come after the layout is in place.
    const report = toImageReport(
      result,
      { output: writer.path, ...(refName ? { refName } : {}), droppedAttestations },
      image.skippedPlatforms,
    );
    report.recipients = opts.recipients.map((r) => ({
      type: r.type,
      alg: r.alg,
      fingerprint: r.fingerprint,
      source: r.source,
    }));
    await writer.commit([image.entry ? { ...image.entry, ...pick(result.root) } : result.root]);
    return report;
  } catch (err) {
    await writer.abort().catch(() => {}); // the first error is the one to report
    throw err;
  } finally {
    await workers?.close();
  }
}
