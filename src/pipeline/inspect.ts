/** Inspect use case: what is in a layout, per platform and layer, and who each encrypted layer opens for. */
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME, ANNOTATION_REFERENCE_DIGEST, isAttestationManifest } from '../oci/model.js';
import { formatPlatform } from '../oci/platform.js';
import { loadImage, type TreeNode } from '../oci/tree.js';
import { describeLayer } from '../ocicrypt/layer.js';
import { openSource, type SourceOptions } from './registry-source.js';
import type { ImageReport, PlatformReport } from './result.js';

export interface InspectOptions extends SourceOptions {
  refName?: string;
}

function collect(node: TreeNode, out: PlatformReport[], attestations: ImageReport['attestations']): void {
  if (node.kind === 'index') {
    for (const c of node.children) if (c) collect(c, out, attestations);
    return;
  }
  if (isAttestationManifest(node.desc)) {
    attestations.push({
      digest: node.desc.digest,
      reference: node.desc.annotations?.[ANNOTATION_REFERENCE_DIGEST] ?? '',
    });
    return;
  }
  out.push({
    platform: formatPlatform(node.platform),
    digest: node.desc.digest,
    mediaType: node.doc.mediaType,
    layers: node.doc.layers.map((l, index) => {
      const encrypted = isEncryptedMediaType(l.mediaType);
      return {
        index,
        mediaType: l.mediaType,
        size: l.size,
        digest: l.digest,
        sourceDigest: l.digest,
        encrypted,
        action: encrypted ? 'already-encrypted' : 'kept',
        ...(encrypted ? { recipients: describeLayer(l).protocols } : {}),
      };
    }),
  });
}

export async function inspectImage(opts: InspectOptions): Promise<ImageReport> {
  const source = await openSource(opts);
  let image;
  try {
    image = await loadImage(source, { refName: opts.refName });
  } finally {
    await source.close();
  }
  const platforms: PlatformReport[] = [];
  const attestations: ImageReport['attestations'] = [];
  collect(image.root, platforms, attestations);
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
