/**
 * Which manifests are BuildKit attestations. The index annotation alone proves nothing (anyone can write it):
 * a manifest counts as an attestation only when every layer is an in-toto document, so an image cannot dodge
 * encryption by carrying the annotation. Pure: no I/O.
 */
import {
  ANNOTATION_REFERENCE_TYPE,
  isAttestationManifest,
  type Descriptor,
  type ImageManifest,
} from './model.js';

/** What BuildKit writes (docs/attestations/attestation-storage.md: "currently, the only supported option"). */
export const IN_TOTO_STATEMENT = 'application/vnd.in-toto+json';
/** docker/attest's signed variants: a DSSE envelope per predicate (`spdx`, `provenance`, `vsa`, …). */
const IN_TOTO_DSSE = /^application\/vnd\.in-toto\.[a-z0-9][a-z0-9.-]*\+dsse$/;

export function isInTotoMediaType(mt: string): boolean {
  return mt === IN_TOTO_STATEMENT || IN_TOTO_DSSE.test(mt);
}

/** An attestation manifest: annotated as one by its index, and holding in-toto documents only. */
export function isAttestation(desc: Descriptor, doc: ImageManifest): boolean {
  return isAttestationManifest(desc) && doc.layers.every((l) => isInTotoMediaType(l.mediaType));
}

/** The descriptor without the attestation mark, for a manifest that turned out to be an image. */
export function withoutAttestationMark(desc: Descriptor): Descriptor {
  const { [ANNOTATION_REFERENCE_TYPE]: _mark, ...rest } = desc.annotations ?? {};
  const out: Descriptor = { ...desc, annotations: rest };
  if (Object.keys(rest).length === 0) delete out.annotations;
  return out;
}
