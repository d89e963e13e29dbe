/**
 * Reading an OCI image layout, from a folder or from an OCI archive (`.tar`) read in place. Both give the same
 * interface: the top-level index and digest-verified blob streams. Nothing here trusts the layout.
 */
import { constants, createReadStream } from 'node:fs';
import { lstat, open as openFile, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isOepError, OepError } from '../../errors.js';
import { parseDigest } from '../digest.js';
import type { Descriptor } from '../model.js';
import { MAX_JSON_BLOB, readSmall, type BlobLocation, type BlobSource } from '../source.js';
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

function notRegular(name: string, rel: string, why: string): OepError {
  return new OepError('E_LAYOUT', `${name}: ${rel} is not a regular file inside the layout (${why})`, {
    hint: 'layouts must hold regular files only: no links, FIFOs or devices',
  });
}

/** Refuse `rel` unless every folder on its way is a folder (no link) and the file itself regular. */
async function checkComponents(root: string, rel: string, name: string): Promise<void> {
  const parts = rel.split('/');
  let at = root;
  for (const [i, part] of parts.entries()) {
    at = join(at, part);
    const st = await lstat(at);
    const last = i === parts.length - 1;
    if (last ? !st.isFile() : !st.isDirectory())
      throw notRegular(name, rel, `${parts.slice(0, i + 1).join('/')} is a link or special file`);
  }
}

/** An open regular file of the layout, with its size as opened. */
interface Opened {
  fh: FileHandle;
  size: number;
}

/**
 * Open `rel` under `root` (a real path) only if it is a regular file reached through no link. lstat first, so
 * that no device or FIFO is ever opened; then O_NOFOLLOW, O_NONBLOCK (a FIFO swapped in must not block the
 * open), fstat of what was opened, and, on Linux, the path of the open descriptor (/proc/self/fd), which
 * differs from `root/rel` if any folder on the way was a link. That check is of what was opened, so a swap
 * after the lstat does not help, and it costs one call where walking the folders costs one each (a hundred
 * small layers are hundreds of calls). Without /proc, the walk stands in. `undefined` if absent.
 */
async function openRegular(root: string, rel: string, name: string): Promise<Opened | undefined> {
  const at = join(root, rel);
  try {
    if (!(await lstat(at)).isFile()) throw notRegular(name, rel, `${rel} is a link or special file`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw code === 'ENOTDIR' ? notRegular(name, rel, 'a folder on its way is a file') : err;
  }
  const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
  const fh = await openFile(at, flags).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? err : notRegular(name, rel, err.code ?? err.message);
  });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw notRegular(name, rel, 'it changed while being opened');
    const real = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => undefined);
    if (real === undefined) await checkComponents(root, rel, name);
    else if (real !== at) throw notRegular(name, rel, `it resolves to ${real}`);
    return { fh, size: st.size };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** The whole of a small file, refused when it holds more than `cap` bytes (read at most cap + 1). */
async function readCapped(fh: FileHandle, cap: number, what: string): Promise<Buffer> {
  try {
    const buf = Buffer.alloc(cap + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > cap) throw new OepError('E_LAYOUT', `${what} is larger than ${cap} bytes`);
    }
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

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
  constructor(
    readonly name: string,
    private readonly root: string,
  ) {}

  static async open(name: string, root: string): Promise<DirSource> {
    const real = await realpath(root);
    const opened = await openRegular(real, 'oci-layout', name);
    const marker = opened
      ? (await readCapped(opened.fh, MAX_MARKER, `${name}: oci-layout`)).toString('utf8')
      : undefined;
    checkLayoutMarker(name, marker);
    return new DirSource(name, real);
  }

  async indexJson(): Promise<Buffer> {
    const opened = await openRegular(this.root, 'index.json', this.name);
    if (!opened) {
      throw new OepError('E_LAYOUT', `${this.name}: cannot read index.json: it does not exist`, {
        hint: 'an OCI layout needs an index.json next to oci-layout',
      });
    }
    return readCapped(opened.fh, MAX_JSON_BLOB, `${this.name}: index.json`);
  }

  /** Blobs must be regular files inside the layout: a symlink could point anywhere. */
  async #checkedPath(digest: string): Promise<string | undefined> {
    return (await this.#checked(digest))?.path;
  }

  async #checked(digest: string): Promise<BlobLocation | undefined> {
    const rel = blobPath(digest, this.name);
    const opened = await openRegular(this.root, rel, this.name).catch((err: unknown) => {
      throw isOepError(err, 'E_LAYOUT') ? blobNotRegular(this.name, digest, err) : err;
    });
    if (!opened) return undefined;
    await opened.fh.close();
    return { path: join(this.root, rel), offset: 0, size: opened.size };
  }

  async has(desc: Pick<Descriptor, 'digest'>): Promise<boolean> {
    return (await this.#checkedPath(desc.digest)) !== undefined;
  }

  async locate(desc: Pick<Descriptor, 'digest'>): Promise<BlobLocation> {
    const loc = await this.#checked(desc.digest);
    if (!loc) throw missing(this.name, desc.digest);
    return loc;
  }

  async open(desc: Pick<Descriptor, 'digest' | 'size'>): Promise<Readable> {
    const opened = await openRegular(this.root, blobPath(desc.digest, this.name), this.name).catch(
      (err: unknown) => {
        throw isOepError(err, 'E_LAYOUT') ? blobNotRegular(this.name, desc.digest, err) : err;
      },
    );
    if (!opened) throw missing(this.name, desc.digest);
    // Read from the checked descriptor, not the path again.
    return verified(opened.fh.createReadStream({ highWaterMark: 1024 * 1024 }), desc, this.name);
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
