/** Turning a rewrite's outcome into the ImageReport every front end formats. */
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { describeLayer } from '../ocicrypt/layer.js';
import type { ImageReport, LayerReport } from './result.js';
import type { LayerOutcome, Mutation } from '../oci/mutate.js';

async function layerReport(l: LayerOutcome): Promise<LayerReport> {
  const encrypted = isEncryptedMediaType(l.result.mediaType);
  const action =
    l.action === 'external'
      ? 'external'
      : l.action === 'transformed'
        ? encrypted
          ? 'encrypted'
          : 'decrypted'
        : encrypted
          ? 'already-encrypted'
          : 'kept';
  const report: LayerReport = {
    index: l.index,
    mediaType: l.result.mediaType,
    size: l.result.size,
    digest: l.result.digest,
    sourceDigest: l.source.digest,
    encrypted,
    action,
  };
  if (encrypted) report.recipients = (await describeLayer(l.result)).protocols;
  return report;
}

export async function toImageReport(
  r: Pick<Mutation, 'root' | 'manifests' | 'attestations'>,
  extra: Partial<ImageReport>,
  skipped: string[],
): Promise<ImageReport> {
  // Promise.all keeps the order of its input: platforms and layers are reported in manifest order.
  const platforms = await Promise.all(
    r.manifests.map(async (m) => ({
      platform: m.platform,
      digest: m.result.digest,
      mediaType: m.result.mediaType,
      layers: await Promise.all(m.layers.map(layerReport)),
    })),
  );
  return {
    digest: r.root.digest,
    mediaType: r.root.mediaType,
    size: r.root.size,
    ...extra,
    platforms,
    skippedPlatforms: skipped,
    attestations: r.attestations,
  };
}

/** The fields of a rewritten root that replace those of its index.json entry (annotations stay the entry's). */
export function pick(d: { mediaType: string; digest: string; size: number }): {
  mediaType: string;
  digest: string;
  size: number;
} {
  return { mediaType: d.mediaType, digest: d.digest, size: d.size };
}
