/** Inspect use case: what is in a layout, per platform and layer, and who each encrypted layer opens for. */
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME, ANNOTATION_REFERENCE_DIGEST, isAttestationManifest } from '../oci/model.js';
import { formatPlatform } from '../oci/platform.js';
import { loadImage, manifestNodes, type ManifestNode } from '../oci/tree.js';
import { describeLayer } from '../ocicrypt/layer.js';
import { openSource, type SourceOptions } from './registry-source.js';
import type { ImageReport, PlatformReport } from './result.js';

export interface InspectOptions extends SourceOptions {
  refName?: string;
}

/** A manifest as it is (no layer changed): its platform, and who each encrypted layer opens for. */
export async function platformReport(node: ManifestNode): Promise<PlatformReport> {
  return {
    platform: formatPlatform(node.platform),
    digest: node.desc.digest,
    mediaType: node.doc.mediaType,
    // Promise.all keeps the layers in manifest order.
    layers: await Promise.all(
      node.doc.layers.map(async (l, index) => {
        const encrypted = isEncryptedMediaType(l.mediaType);
        return {
          index,
          mediaType: l.mediaType,
          size: l.size,
          digest: l.digest,
          sourceDigest: l.digest,
          encrypted,
          action: encrypted ? 'already-encrypted' : 'kept',
          ...(encrypted ? { recipients: (await describeLayer(l)).protocols } : {}),
        };
      }),
    ),
  };
}

export async function inspectImage(opts: InspectOptions): Promise<ImageReport> {
  const source = await openSource(opts);
  let image;
  try {
    image = await loadImage(source, { refName: opts.refName });
  } finally {
    await source.close();
  }
  const nodes = manifestNodes(image.root);
  const platforms = await Promise.all(
    nodes.filter((n) => !isAttestationManifest(n.desc)).map(platformReport),
  );
  const attestations = nodes
    .filter((n) => isAttestationManifest(n.desc))
    .map((n) => ({
      digest: n.desc.digest,
      reference: n.desc.annotations?.[ANNOTATION_REFERENCE_DIGEST] ?? '',
    }));
  const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
  return {
    digest: image.root.desc.digest,
    mediaType: image.root.doc.mediaType,
    size: image.root.desc.size,
    ...(refName ? { refName } : {}),
    platforms,
    skippedPlatforms: [],
    attestations,
  };
}
