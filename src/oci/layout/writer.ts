/**
 * Writing an OCI image layout folder so that nothing partial ever lands: everything goes to a staging folder
 * next to the destination, each blob to a temp file renamed once its digest is known, and the staging folder
 * becomes the destination in one rename at the very end. On failure the staging folder is removed.
 * A private writer (decrypt output: plaintext) makes every folder 0700 and every file 0600 as it creates them,
 * whatever the umask, so no other user can read a byte of plaintext, verified or not.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, renameSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { internalError, OepError } from '../../errors.js';
import { parseDigest } from '../digest.js';
import { serialize, type Descriptor } from '../model.js';
import { DigestCounter } from './verify.js';

/** Who is told of staging folders, so that an interrupted run can remove them (host/temps.ts' Temps). */
export interface TempTracker {
  track(path: string): void;
  untrack(path: string): void;
}

export interface WrittenBlob {
  digest: string;
  size: number;
}

/**
 * A blob this writer wrote, readable for as long as the writer lives: before the commit from the staging folder,
 * after it from the destination. An open never races the move (the commit waits for opens under way, and an
 * open handle survives the rename), so readers need no retry.
 */
export interface BlobHandle {
  readonly digest: string;
  readonly size: number;
  open(): Promise<FileHandle>;
}

export interface WriterOptions {
  /** Folders 0700 and files 0600 (decrypted output). Otherwise the usual 0777/0666 less the umask. */
  private?: boolean;
  /** Told of the staging folder, so that a signal handler can remove it (see host/temps.ts). */
  temps?: TempTracker;
}

export class LayoutWriter {
  readonly #staging: string;
  readonly #final: string;
  /** The mode every file is created with; for a layer written elsewhere too (FileJob.fileMode). */
  readonly fileMode: number;
  /** digest -> size of every blob written so far. */
  readonly #known = new Map<string, number>();
  /** Opens of blob handles under way: the commit waits for them before it moves the folder. */
  readonly #opening = new Set<Promise<unknown>>();
  #done = false;
  readonly #temps: TempTracker | undefined;

  private constructor(final: string, staging: string, opts: WriterOptions) {
    this.#final = final;
    this.#staging = staging;
    this.fileMode = opts.private ? 0o600 : 0o666;
    this.#temps = opts.temps;
  }

  /** The destination must not exist, or be an empty folder: we never merge into or overwrite a layout. */
  static async create(output: string, opts: WriterOptions = {}): Promise<LayoutWriter> {
    const final = resolve(output);
    try {
      const st = await stat(final);
      if (!st.isDirectory() || (await readdir(final)).length > 0) {
        throw new OepError('E_OUTPUT', `output ${output} already exists and is not an empty folder`, {
          hint: 'choose a new path or remove the old one',
        });
      }
    } catch (err) {
      if (err instanceof OepError) throw err;
      // ENOTDIR (a file on the way), EACCES...: the user's --output is at fault, not us.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new OepError('E_OUTPUT', `cannot use output ${output}: ${(err as Error).message}`, {
          hint: 'choose a path inside a writable folder',
        });
      }
    }
    const staging = join(dirname(final), `.${basename(final)}.oep-${randomBytes(4).toString('hex')}`);
    opts.temps?.track(staging); // before it exists: a signal arriving while it is being made must still remove it
    try {
      const mode = opts.private ? 0o700 : 0o777;
      await mkdir(staging, { mode }); // not recursive: a missing parent is the user's to create, not ours to leave behind
      await mkdir(join(staging, 'blobs', 'sha256'), { recursive: true, mode });
    } catch (err) {
      opts.temps?.untrack(staging);
      throw new OepError('E_OUTPUT', `cannot create output ${output}: ${(err as Error).message}`, {
        hint: 'check that the parent folder exists and is writable',
      });
    }
    return new LayoutWriter(final, staging, opts);
  }

  get path(): string {
    return this.#final;
  }

  /**
   * Stream a blob into the layout through optional transforms (e.g. a cipher), hashing what is written.
   * The file appears under its digest only once the whole pipeline succeeded.
   */
  async writeStream(
    source: Readable,
    transforms: Transform[] = [],
    signal?: AbortSignal,
  ): Promise<WrittenBlob> {
    const tmp = this.tempPath();
    const counter = new DigestCounter();
    const sink = createWriteStream(tmp, { highWaterMark: 1024 * 1024, mode: this.fileMode });
    try {
      await pipeline([source, ...transforms, counter, sink], signal ? { signal } : {});
    } catch (err) {
      // The file is opened asynchronously: a pipeline failing at once (an aborted signal) rejects before the
      // open completes. Wait for the stream to close, or the file would appear after it was removed.
      if (!sink.closed) await new Promise<void>((r) => sink.once('close', () => r()));
      await rm(tmp, { force: true });
      throw err;
    }
    const digest = counter.digest();
    await rename(tmp, this.#blobPath(digest));
    this.#known.set(digest, counter.size);
    return { digest, size: counter.size };
  }

  /** A fresh temp file path inside the staging folder, for a blob written by someone else (a layer worker). */
  tempPath(): string {
    return join(this.#staging, 'blobs', `.tmp-${randomBytes(8).toString('hex')}`);
  }

  /** Take a temp file written elsewhere as the blob with this digest (the writer computed and checked it). */
  async adopt(tmp: string, written: WrittenBlob): Promise<WrittenBlob> {
    await rename(tmp, this.#blobPath(written.digest));
    this.#known.set(written.digest, written.size);
    return written;
  }

  async writeBytes(bytes: Uint8Array): Promise<WrittenBlob> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (!this.#known.has(digest)) {
      await writeFile(this.#blobPath(digest), bytes, { mode: this.fileMode });
      this.#known.set(digest, bytes.length);
    }
    return { digest, size: bytes.length };
  }

  has(digest: string): boolean {
    return this.#known.has(digest);
  }

  /** A stable handle on a written blob (see BlobHandle). */
  handle(digest: string): BlobHandle {
    const size = this.#known.get(digest);
    if (size === undefined) throw internalError(`blob ${digest} was not written here`);
    const { algorithm, hex } = parseDigest(digest, this.#final);
    return {
      digest,
      size,
      open: () => {
        const p = open(join(this.#done ? this.#final : this.#staging, 'blobs', algorithm, hex), 'r');
        this.#opening.add(p);
        return p.finally(() => this.#opening.delete(p));
      },
    };
  }

  #blobPath(digest: string): string {
    const { algorithm, hex } = parseDigest(digest, this.#final);
    return join(this.#staging, 'blobs', algorithm, hex);
  }

  /** Write index.json and oci-layout, then move the staging folder into place. */
  async commit(manifests: Descriptor[]): Promise<void> {
    await writeFile(
      join(this.#staging, 'index.json'),
      serialize({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
      { mode: this.fileMode },
    );
    await writeFile(join(this.#staging, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}', {
      mode: this.fileMode,
    });
    try {
      await rmdir(this.#final);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // No handle may be opening a staging path when the folder moves; the check, the move and the flag change
    // run in one synchronous step, so an open started after it uses the destination.
    while (this.#opening.size > 0) await Promise.allSettled([...this.#opening]);
    renameSync(this.#staging, this.#final);
    this.#done = true;
    this.#temps?.untrack(this.#staging);
  }

  /** Remove everything written so far. Safe to call after commit (does nothing then). */
  async abort(): Promise<void> {
    if (!this.#done) await rm(this.#staging, { recursive: true, force: true });
    this.#temps?.untrack(this.#staging);
  }
}
