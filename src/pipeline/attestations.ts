/**
 * What becomes of BuildKit attestation manifests (SBOM: every package; provenance: the source repository) when an
 * image is encrypted. ocicrypt cannot encrypt them, so by default they are dropped, and the front ends say so;
 * `keep` ships them plaintext beside the encrypted image. A manifest merely annotated as an attestation (its
 * layers are not in-toto documents) is an image: it loses the mark and is encrypted like any other.
 */
import { OepError } from '../errors.js';
import { isAttestation, withoutAttestationMark } from '../oci/attestation.js';
import { isAttestationManifest, type Descriptor } from '../oci/model.js';
import { formatPlatform, platformMatches, type Platform } from '../oci/platform.js';
import type { BlobSource } from '../oci/source.js';
import {
  manifestNode,
  manifestNodes,
  readNode,
  type IndexNode,
  type LoadedImage,
  type ManifestNode,
} from '../oci/tree.js';

export type AttestationMode = 'drop' | 'keep';

/** The `attestations` input and `--attestations` flag: one message for every front end. */
export function parseAttestationMode(value: string | undefined): AttestationMode {
  const v = (value ?? '').trim();
  if (v === '' || v === 'drop') return 'drop';
  if (v === 'keep') return 'keep';
  throw new OepError('E_USAGE', `attestations: ${JSON.stringify(value)} is not drop or keep`, {
    hint: 'allowed values: drop, the default, or keep',
  });
}

/** The one line front ends print when attestations were dropped; `keepHow` is their own way to keep them. */
export function attestationNotice(dropped: number, keepHow: string): string {
  return `notice: dropped ${dropped} attestation manifest(s) (SBOM/provenance stay plaintext in ocicrypt); pass ${keepHow} to keep them`;
}

export interface SettleOptions {
  mode: AttestationMode;
  platforms?: Platform[] | undefined;
}

/**
 * Settle every attestation-marked manifest of a loaded image, in place: real attestations are dropped (or kept),
 * disguised images become images. Returns how many attestations were dropped.
 */
export async function settleAttestations(
  source: BlobSource,
  image: LoadedImage,
  opts: SettleOptions,
): Promise<number> {
  let dropped = 0;
  const visit = async (node: IndexNode): Promise<void> => {
    for (const [i, desc] of node.doc.manifests.entries()) {
      const child = node.children[i];
      if (child?.kind === 'index') await visit(child);
      if (child?.kind === 'index' || !isAttestationManifest(desc)) continue;
      // The tree loads an attestation only when its image is selected; an unloaded one may still be an image.
      const m = child ?? (await readManifest(source, desc));
      if (!m) continue;
      if (isAttestation(m.desc, m.doc)) {
        if (child && opts.mode === 'drop') {
          node.children[i] = undefined;
          dropped++;
        }
        continue;
      }
      node.children[i] = selectImage({ ...m, desc: withoutAttestationMark(m.desc) }, image, opts.platforms);
    }
  };
  settleRoot(image);
  if (image.root.kind === 'index') await visit(image.root);
  // Whatever still carries the mark is copied as plaintext: it must be an attestation in fact, not in name.
  for (const m of manifestNodes(image.root)) {
    if (isAttestationManifest(m.desc) && !isAttestation(m.desc, m.doc)) {
      throw new OepError(
        'E_MANIFEST',
        `${source.name}: ${m.desc.digest} is marked as an attestation but is not one`,
      );
    }
  }
  return dropped;
}

/**
 * index.json's own entry can carry the mark too. On an image (or an index) it means nothing: the mark goes and
 * the image is encrypted. A real attestation selected as the image is refused: there is nothing to encrypt.
 */
function settleRoot(image: LoadedImage): void {
  const { root, entry } = image;
  if (!isAttestationManifest(root.desc) && !(entry && isAttestationManifest(entry))) return;
  if (root.kind === 'manifest' && isAttestation(root.desc, root.doc)) {
    throw new OepError(
      'E_MANIFEST',
      `${root.desc.digest} is an attestation manifest (in-toto statements), not an image`,
      {
        hint: 'select the image it describes (--ref-name), or the index that holds both',
      },
    );
  }
  image.root = { ...root, desc: withoutAttestationMark(root.desc) };
  if (entry) image.entry = withoutAttestationMark(entry);
}

async function readManifest(source: BlobSource, desc: Descriptor): Promise<ManifestNode | undefined> {
  const read = await readNode(source, desc);
  // An index under the mark is left out, as the tree leaves it: nothing of it is written, plaintext or not.
  if (read.doc.kind !== 'manifest') return undefined;
  return manifestNode(source, desc, read.doc, read.bytes);
}

/** An image found under the attestation mark goes through the platform selection like the others. */
function selectImage(
  m: ManifestNode,
  image: LoadedImage,
  wanted: Platform[] | undefined,
): ManifestNode | undefined {
  if (!wanted?.length || wanted.some((p) => platformMatches(p, m.platform))) return m;
  image.skippedPlatforms.push(formatPlatform(m.platform));
  return undefined;
}
