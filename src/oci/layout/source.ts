/**
 * Reading an OCI image layout, from a folder or from an OCI archive (`.tar`) read in place. Both give the same
 * interface: the top-level index and digest-verified blob streams. Nothing here trusts the layout.
 */
import { closeSync, createReadStream } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isOepError, OepError } from '../../errors.js';
import { parseDigest } from '../digest.js';
import type { Descriptor } from '../model.js';
import { MAX_JSON_BLOB, readSmall, type BlobLocation, type BlobSource } from '../source.js';
import { openRegular, readCapped, type Opened } from './regular-file.js';
import { indexTar, type TarEntry } from './tar.js';
import { verified } from './verify.js';

function blobPath(digest: string, where: string): string {
  const { algorithm, hex } = parseDigest(digest, where);
  return `blobs/${algorithm}/${hex}`;
}

function missing(name: string, digest: string): OepError {
  return new OepError('E_BLOB_MISSING', `${name}: blob ${digest} is missing`, {
    hint: 'the layout is incomplete; rebuild or re-export it',
  });
}

/** oci-layout holds one small JSON object. */
const MAX_MARKER = 4096;

function blobNotRegular(name: string, digest: string, cause: OepError): OepError {
  return new OepError('E_LAYOUT', `${name}: blob ${digest} is not a regular file inside the layout`, {
    hint: `${cause.message}; layouts must not hold links, FIFOs or devices`,
  });
}

function checkLayoutMarker(name: string, text: string | undefined): void {
  if (text === undefined) {
    throw new OepError('E_LAYOUT', `${name} is not an OCI layout: no oci-layout file`, {
      hint: 'pass a folder or .tar written by buildah, buildx (--output type=oci), skopeo (oci:) or umoci',
    });
  }
  let version: unknown;
  try {
    version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
  } catch {
    version = undefined;
  }
  if (version !== '1.0.0') {
    throw new OepError('E_LAYOUT', `${name}: oci-layout is malformed or of an unknown version`, {
      hint: 'expected {"imageLayoutVersion":"1.0.0"}',
    });
  }
}

class DirSource implements BlobSource {
  /** The folders under blobs/ found to be folders, not links (openRegular checks each once). */
  readonly #folders = new Set<string>();

  constructor(
    readonly name: string,
    private readonly root: string,
  ) {}

  static async open(name: string, root: string): Promise<DirSource> {
    const real = await realpath(root);
    const opened = openRegular(real, 'oci-layout', name);
    const marker = opened
      ? readCapped(opened.fd, MAX_MARKER, `${name}: oci-layout`).toString('utf8')
      : undefined;
    checkLayoutMarker(name, marker);
    return new DirSource(name, real);
  }

  async indexJson(): Promise<Buffer> {
    const opened = openRegular(this.root, 'index.json', this.name);
    if (!opened) {
      throw new OepError('E_LAYOUT', `${this.name}: cannot read index.json: it does not exist`, {
        hint: 'an OCI layout needs an index.json next to oci-layout',
      });
    }
    return readCapped(opened.fd, MAX_JSON_BLOB, `${this.name}: index.json`);
  }

  /** The blob's file, open and checked (see openRegular: a link could point anywhere); `undefined` if absent. */
  #openBlob(digest: string): Opened | undefined {
    try {
      return openRegular(this.root, blobPath(digest, this.name), this.name, this.#folders);
    } catch (err) {
      throw isOepError(err, 'E_LAYOUT') ? blobNotRegular(this.name, digest, err) : err;
    }
  }

  async #checked(digest: string): Promise<BlobLocation | undefined> {
    const opened = this.#openBlob(digest);
    if (!opened) return undefined;
    closeSync(opened.fd);
    return { path: opened.path, offset: 0, size: opened.size };
  }

  async has(desc: Pick<Descriptor, 'digest'>): Promise<boolean> {
    return (await this.#checked(desc.digest)) !== undefined;
  }

  async locate(desc: Pick<Descriptor, 'digest'>): Promise<BlobLocation> {
    const loc = await this.#checked(desc.digest);
    if (!loc) throw missing(this.name, desc.digest);
    return loc;
  }

  async open(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable> {
    const opened = this.#openBlob(desc.digest);
    if (!opened) throw missing(this.name, desc.digest);
    // Read from the checked descriptor, not the path again (the stream closes it).
    const stream = createReadStream(opened.path, { fd: opened.fd, highWaterMark: 1024 * 1024 });
    return verified(stream, desc, this.name);
  }

  async read(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer> {
    return readSmall(() => this.open(desc), desc, this.name);
  }
}

class ArchiveSource implements BlobSource {
  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly entries: Map<string, TarEntry>,
  ) {}

  static async open(name: string, given: string): Promise<ArchiveSource> {
    // The archive may be given through a link (a workspace mount): resolve it once, so every later open of the
    // file (layer jobs refuse to follow links) reads the file that was indexed.
    const path = await realpath(given);
    const entries = await indexTar(path);
    const src = new ArchiveSource(name, path, entries);
    const marker = entries.get('oci-layout');
    checkLayoutMarker(
      name,
      marker && marker.size < 4096 ? (await src.#bytes(marker)).toString('utf8') : undefined,
    );
    return src;
  }

  async #bytes(e: TarEntry): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await pipeline(this.#stream(e), async function* (src) {
      for await (const c of src) chunks.push(c as Buffer);
    });
    return Buffer.concat(chunks);
  }

  #stream(e: TarEntry): Readable {
    // createReadStream cannot express an empty range (start > end throws): an empty entry is an empty stream.
    if (e.size === 0) return Readable.from([]);
    return createReadStream(this.path, {
      start: e.offset,
      end: e.offset + e.size - 1,
      highWaterMark: 1024 * 1024,
    });
  }

  async indexJson(): Promise<Buffer> {
    const e = this.entries.get('index.json');
    if (!e || e.size > MAX_JSON_BLOB) {
      throw new OepError('E_LAYOUT', `${this.name}: the archive has no usable index.json`, {
        hint: 'an OCI archive holds oci-layout, index.json and blobs/',
      });
    }
    return this.#bytes(e);
  }

  async has(desc: Pick<Descriptor, 'digest'>): Promise<boolean> {
    return this.entries.has(blobPath(desc.digest, this.name));
  }

  async locate(desc: Pick<Descriptor, 'digest'>): Promise<BlobLocation> {
    const e = this.entries.get(blobPath(desc.digest, this.name));
    if (!e) throw missing(this.name, desc.digest);
    return { path: this.path, offset: e.offset, size: e.size };
  }

  async open(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable> {
    const e = this.entries.get(blobPath(desc.digest, this.name));
    if (!e) throw missing(this.name, desc.digest);
    return verified(this.#stream(e), desc, this.name);
  }

  async read(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Buffer> {
    return readSmall(() => this.open(desc), desc, this.name);
  }
}

/** Open a layout folder or an OCI archive file. */
export async function openLayout(path: string): Promise<BlobSource> {
  let st;
  try {
    st = await lstat(path);
  } catch {
    throw new OepError('E_LAYOUT', `layout ${path} does not exist`, {
      hint: 'pass the folder or .tar that the build step wrote (e.g. buildx --output type=oci,dest=image.tar)',
    });
  }
  // The layout path itself may be a link (a workspace mount); links inside it are refused.
  if (st.isSymbolicLink()) st = await stat(path);
  if (st.isDirectory()) return DirSource.open(path, path);
  if (st.isFile()) return ArchiveSource.open(path, path);
  throw new OepError('E_LAYOUT', `layout ${path} is neither a folder nor a file`);
}

export { MAX_JSON_BLOB, type BlobSource };
