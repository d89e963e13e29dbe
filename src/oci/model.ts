/**
 * The OCI model: descriptors, manifests and indexes, parsed from untrusted JSON into checked values.
 * Pure: no I/O. Unknown fields are kept (the raw object travels with the typed view) so that rewriting a
 * manifest never drops what another tool put there.
 */
import { OepError, quote } from '../errors.js';
import { parseDigest } from './digest.js';
import { isIndexMediaType, isManifestMediaType, MT } from './mediatypes.js';
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

export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
/** BuildKit marks attestation manifests in an index with these. */
export const ANNOTATION_REFERENCE_TYPE = 'vnd.docker.reference.type';
export const ANNOTATION_REFERENCE_DIGEST = 'vnd.docker.reference.digest';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype
  );
}

function stringMap(v: unknown, where: string): Record<string, string> | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new OepError('E_MANIFEST', `${where}: annotations must be an object of strings`);
  }
  return { ...(v as Record<string, string>) };
}

export function parseDescriptor(v: unknown, where: string): Descriptor {
  if (!isPlainObject(v)) throw new OepError('E_MANIFEST', `${where}: descriptor is not an object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') {
    throw new OepError('E_MANIFEST', `${where}: descriptor has no mediaType`);
  }
  parseDigest(digest, where);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new OepError(
      'E_MANIFEST',
      `${where}: descriptor size ${quote(size)} is not a non-negative integer`,
    );
  }
  const out: Descriptor = { ...v, mediaType, digest: digest as string, size };
  const annotations = stringMap(v.annotations, where);
  if (annotations) out.annotations = annotations;
  else delete out.annotations;
  if (v.platform !== undefined) {
    const p = v.platform;
    if (!isPlainObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') {
      throw new OepError('E_MANIFEST', `${where}: platform needs os and architecture`);
    }
    out.platform = { ...(p as unknown as Platform) };
  }
  return out;
}

function parseJson(bytes: Uint8Array, where: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new OepError('E_MANIFEST', `${where} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(v)) throw new OepError('E_MANIFEST', `${where} is not a JSON object`);
  return v;
}

/**
 * Parse a manifest or an index. `declared` is the media type of the descriptor that pointed at it (absent for
 * a layout's index.json); the document's own `mediaType` must agree with it when both are present.
 */
export function parseManifestOrIndex(bytes: Uint8Array, where: string, declared?: string): ImageDocument {
  const raw = parseJson(bytes, where);
  if (raw.schemaVersion !== 2) {
    throw new OepError('E_MANIFEST', `${where}: schemaVersion must be 2, got ${quote(raw.schemaVersion)}`);
  }
  const own = raw.mediaType;
  if (own !== undefined && typeof own !== 'string')
    throw new OepError('E_MANIFEST', `${where}: mediaType is not a string`);
  if (own && declared && own !== declared) {
    throw new OepError('E_MANIFEST', `${where}: mediaType ${own} differs from its descriptor's ${declared}`);
  }
  const mediaType = own || declared || (Array.isArray(raw.manifests) ? MT.ociIndex : MT.ociManifest);
  if (isIndexMediaType(mediaType)) {
    if (!Array.isArray(raw.manifests))
      throw new OepError('E_MANIFEST', `${where}: index has no manifests array`);
    const manifests = raw.manifests.map((d, i) => parseDescriptor(d, `${where} manifests[${i}]`));
    return { kind: 'index', mediaType, manifests, raw };
  }
  if (isManifestMediaType(mediaType)) {
    if (!Array.isArray(raw.layers))
      throw new OepError('E_MANIFEST', `${where}: manifest has no layers array`);
    const config = parseDescriptor(raw.config, `${where} config`);
    const layers = raw.layers.map((d, i) => parseDescriptor(d, `${where} layers[${i}]`));
    return { kind: 'manifest', mediaType, config, layers, raw };
  }
  throw new OepError('E_UNSUPPORTED', `${where}: unsupported manifest media type ${mediaType}`, {
    hint: 'OCI and docker schema2 manifests and indexes are supported',
  });
}

/** Canonical bytes we write for a manifest or index: compact JSON, as containers/image writes them. */
export function serialize(doc: Record<string, unknown>): Buffer {
  return Buffer.from(JSON.stringify(doc), 'utf8');
}

export function isAttestationManifest(d: Descriptor): boolean {
  return d.annotations?.[ANNOTATION_REFERENCE_TYPE] === 'attestation-manifest';
}
