/**
 * The first step of a rewrite: what to do with every layer of every manifest (transform it or copy it), and the
 * distinct blob jobs that follow, so that each blob is processed once however many manifests share it.
 */
import { OepError } from '../errors.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { isAttestationManifest, type Descriptor } from '../oci/model.js';
import { formatPlatform } from '../oci/platform.js';
import type { ManifestNode } from '../oci/tree.js';
import { assertEncryptedLayer } from '../ocicrypt/layer.js';

export type LayerAction = 'transform' | 'copy';

/** What to do with layer `index` of an image manifest: transform it, or copy it as it is. */
export type LayerSelector = (layer: Descriptor, index: number, manifest: ManifestNode) => LayerAction;

export interface BlobJob {
  layer: Descriptor;
  action: LayerAction;
}

export interface LayerPlan {
  /** The action of every layer, per manifest, in layer order. */
  actions: Map<ManifestNode, LayerAction[]>;
  /** The distinct jobs, by jobKey. */
  jobs: Map<string, BlobJob>;
}

export function jobKey(action: LayerAction, layer: Descriptor): string {
  return `${action}:${layer.digest}`;
}

/** A non-distributable layer with URLs may legitimately be absent from the layout: its descriptor passes as is. */
export function isExternal(d: Descriptor): boolean {
  const foreign = d.mediaType.includes('nondistributable') || d.mediaType.includes('foreign');
  return foreign && Array.isArray(d.urls) && d.urls.length > 0;
}

/** Plan every manifest (attestation manifests are copied); `sourceName` names the source in messages. */
export function planLayers(manifests: ManifestNode[], select: LayerSelector, sourceName: string): LayerPlan {
  const plan: LayerPlan = { actions: new Map(), jobs: new Map() };
  for (const m of manifests) {
    const actions = m.doc.layers.map((layer, i) =>
      isAttestationManifest(m.desc) ? 'copy' : select(layer, i, m),
    );
    // "Already encrypted" is checked, not trusted: a layer passed through as ciphertext must carry its keys.
    m.doc.layers.forEach((layer, i) => {
      if (actions[i] === 'copy' && isEncryptedMediaType(layer.mediaType)) {
        const where = `layer ${i} (${layer.digest}) of the ${formatPlatform(m.platform)} image (manifest ${m.desc.digest})`;
        assertEncryptedLayer(layer, `${sourceName}: ${where}`);
      }
    });
    plan.actions.set(m, actions);
    m.doc.layers.forEach((layer, i) =>
      plan.jobs.set(jobKey(actions[i]!, layer), { layer, action: actions[i]! }),
    );
  }
  assertNoTwins(plan, sourceName);
  return plan;
}

/**
 * A blob copied as it is must not also be one that is transformed: an attestation (copied) listing an image
 * layer's digest would ship that layer's plaintext beside its ciphertext.
 */
function assertNoTwins(plan: LayerPlan, sourceName: string): void {
  for (const { layer, action } of plan.jobs.values()) {
    if (action === 'copy' && plan.jobs.has(jobKey('transform', layer))) {
      throw new OepError(
        'E_MANIFEST',
        `${sourceName}: blob ${layer.digest} is a layer to encrypt in one manifest and copied as it is in another (an attestation listing an image layer?): it would ship in plaintext`,
        {
          hint: 'drop the attestations (the default), or rebuild the image so that no attestation lists a layer',
        },
      );
    }
  }
}
