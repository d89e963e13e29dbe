/**
 * An image in a registry as a BlobSource, so inspect and decrypt read `--image` exactly as they read a layout:
 * the tree loader sees a one-entry index.json naming the manifest the reference resolves to, and every
 * manifest and blob is verified against its digest and size as it streams in.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { OepError } from '../errors.js';
import { openLayout } from '../oci/layout/source.js';
import { verified } from '../oci/layout/verify.js';
import { isIndexMediaType, isManifestMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME, type Descriptor } from '../oci/model.js';
import { readSmall, type BlobSource } from '../oci/source.js';
import { pullScope, type RegistryClient } from '../registry/client.js';
import { formatReference, parseReference, type Reference } from '../registry/reference.js';
import { connectClients, type RegistryOptions } from './registry-session.js';

type Want = Pick<Descriptor, 'digest' | 'size'> & { mediaType?: string };

class RegistrySource implements BlobSource {
  readonly name: string;
  readonly #client: RegistryClient;
  readonly #ref: Reference;
  readonly #manifests = new Map<string, Buffer>();

  constructor(client: RegistryClient, ref: Reference) {
    this.name = formatReference(ref);
    this.#client = client;
    this.#ref = ref;
  }

  async indexJson(): Promise<Buffer> {
    const reference = this.#ref.digest ?? this.#ref.tag ?? 'latest';
    const got = await this.#client.getManifest(this.#ref.repository, reference);
    const digest = `sha256:${createHash('sha256').update(got.bytes).digest('hex')}`;
    if (this.#ref.digest && this.#ref.digest !== digest) {
      throw new OepError('E_DIGEST', `${this.name}: the registry served a manifest that hashes to ${digest}`);
    }
    if (!isIndexMediaType(got.mediaType) && !isManifestMediaType(got.mediaType)) {
      throw new OepError(
        'E_UNSUPPORTED',
        `${this.name} is a ${got.mediaType || 'untyped'} document, not an image`,
      );
    }
    this.#manifests.set(digest, got.bytes);
    const entry: Descriptor = { mediaType: got.mediaType, digest, size: got.bytes.length };
    if (this.#ref.tag) entry.annotations = { [ANNOTATION_REF_NAME]: this.#ref.tag };
    return Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  }

  async open(desc: Want): Promise<Readable> {
    let raw: Readable;
    const cached = this.#manifests.get(desc.digest);
    if (cached) raw = Readable.from([cached]);
    else if (desc.mediaType && (isIndexMediaType(desc.mediaType) || isManifestMediaType(desc.mediaType))) {
      raw = Readable.from([(await this.#client.getManifest(this.#ref.repository, desc.digest)).bytes]);
    } else raw = await this.#client.getBlob(this.#ref.repository, desc.digest);
    return verified(raw, desc, this.name);
  }

  async read(desc: Want): Promise<Buffer> {
    return readSmall(() => this.open(desc), desc, this.name);
  }

  async has(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<boolean> {
    return this.#client.blobExists(this.#ref.repository, desc, [pullScope(this.#ref.repository)]);
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}

/** A connected client's image as a source (the caller closes the client, not the source). */
export function registrySource(client: RegistryClient, ref: Reference): BlobSource {
  return new RegistrySource(client, ref);
}

export interface SourceOptions {
  /** An OCI layout folder or archive. */
  layout?: string;
  /** Or an image in a registry. */
  image?: string;
  registry?: RegistryOptions;
  /** Where registry notices go (credential sources, plain-HTTP warnings). */
  log?: (line: string) => void;
}

/** The source a use case reads: a layout, or a registry image. Call close() when done. */
export async function openSource(opts: SourceOptions): Promise<BlobSource & { close(): Promise<void> }> {
  if (opts.image) {
    if (!opts.registry)
      throw new OepError('E_USAGE', 'reading an image from a registry needs registry options');
    const ref = parseReference(opts.image);
    const clients = await connectClients([ref], opts.registry, opts.log);
    return new RegistrySource(clients.get(ref.apiHost)!, ref);
  }
  if (!opts.layout) throw new OepError('E_USAGE', 'give a layout or an image to read');
  const layout = await openLayout(opts.layout);
  return Object.assign(layout, { close: async () => {} });
}
