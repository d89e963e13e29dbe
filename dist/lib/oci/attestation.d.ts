/**
 * Which manifests are BuildKit attestations. The index annotation alone proves nothing (anyone can write it):
 * a manifest counts as an attestation only when every layer is an in-toto document, so an image cannot dodge
 * encryption by carrying the annotation. Pure: no I/O.
 */
import { type Descriptor, type ImageManifest } from './model.js';
/** What BuildKit writes (docs/attestations/attestation-storage.md: "currently, the only supported option"). */
export declare const IN_TOTO_STATEMENT = "application/vnd.in-toto+json";
export declare function isInTotoMediaType(mt: string): boolean;
/** An attestation manifest: annotated as one by its index, and holding in-toto documents only. */
export declare function isAttestation(desc: Descriptor, doc: ImageManifest): boolean;
/** The descriptor without the attestation mark, for a manifest that turned out to be an image. */
export declare function withoutAttestationMark(desc: Descriptor): Descriptor;
