import type { Platform } from './platform.js';
export interface Descriptor {
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
    platform?: Platform;
    urls?: string[];
    artifactType?: string;
    [extra: string]: unknown;
}
export interface ImageManifest {
    kind: 'manifest';
    /** The media type the manifest is served as (from its own field, else its descriptor). */
    mediaType: string;
    config: Descriptor;
    layers: Descriptor[];
    raw: Record<string, unknown>;
}
/** What a manifest blob parses to: an image manifest or an index (`kind` tells which). */
export type ImageDocument = ImageManifest | ImageIndex;
export interface ImageIndex {
    kind: 'index';
    mediaType: string;
    manifests: Descriptor[];
    raw: Record<string, unknown>;
}
export declare const ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
/** BuildKit marks attestation manifests in an index with these. */
export declare const ANNOTATION_REFERENCE_TYPE = "vnd.docker.reference.type";
export declare const ANNOTATION_REFERENCE_DIGEST = "vnd.docker.reference.digest";
export declare function isPlainObject(v: unknown): v is Record<string, unknown>;
export declare function parseDescriptor(v: unknown, where: string): Descriptor;
/**
 * Parse a manifest or an index. `declared` is the media type of the descriptor that pointed at it (absent for
 * a layout's index.json); the document's own `mediaType` must agree with it when both are present.
 */
export declare function parseManifestOrIndex(bytes: Uint8Array, where: string, declared?: string): ImageDocument;
/** Canonical bytes we write for a manifest or index: compact JSON, as containers/image writes them. */
export declare function serialize(doc: Record<string, unknown>): Buffer;
export declare function isAttestationManifest(d: Descriptor): boolean;
