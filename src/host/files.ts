/**
 * The user's files, as the Node host reads and writes them for the use cases: key and CA files named in a
 * request, result files, and outputs removed when a gate refuses them. With host/temps.ts and the layer file loop, this folder is
 * where the file system is touched besides the layout reader/writer (oci/layout) and the front ends; the use
 * cases in pipeline/ never import node:fs (a lint rule keeps it so).
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fstatSync,
  opendirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OepError } from '../errors.js';

/** Whether a path exists (a key spec like `key.pem:env=VAR` is first taken as a file name). */
export function pathExists(path: string): boolean {
  return existsSync(path);
}

/** Key, certificate, CA and configuration files are a few KB: a cap, so that a huge file cannot fill memory. */
const MAX_INPUT_FILE = 1024 * 1024;

function refused(path: string, code: 'EINVAL' | 'EFBIG', max: number): Error {
  const cap = max % 1048576 === 0 ? `${max / 1048576} MiB` : `${max / 1024} KiB`;
  const what = code === 'EINVAL' ? 'not a regular file' : `larger than ${cap}`;
  return Object.assign(new Error(`${path} is ${what}`), { code });
}

/**
 * The bytes of a regular file of at most `max` bytes (1 MiB). Opened without blocking, as a FIFO would wait
 * forever for a writer, and checked on the open descriptor, so that swapping the path between the check and the
 * read changes nothing; a file that grows past the cap while read is refused too. With `noFollow`, a link is not
 * opened (ELOOP). Errors are the system's (ENOENT, EACCES, ELOOP), or EINVAL (a FIFO, device, socket or folder)
 * and EFBIG.
 */
function readRegularFile(path: string, opts: { max?: number; noFollow?: boolean } = {}): Buffer {
  const max = opts.max ?? MAX_INPUT_FILE;
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (opts.noFollow ? constants.O_NOFOLLOW : 0);
  const fd = openSync(path, flags);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refused(path, 'EINVAL', max);
    if (st.size > max) throw refused(path, 'EFBIG', max);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, max + 1));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > max) throw refused(path, 'EFBIG', max);
    }
  } finally {
    closeSync(fd);
  }
}

/** Read a key (or certificate, CA, configuration) file, with an error that names the input it came from. */
export function readKeyFile(path: string, input: string): Buffer {
  try {
    return readRegularFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'EFBIG') {
      const why = code === 'EINVAL' ? 'not a regular file (a FIFO, device or folder)' : 'larger than 1 MiB';
      throw new OepError('E_KEY', `${input} ${path}: the file is ${why}`, {
        hint: 'give the path of the file itself: a key, certificate or configuration of a few KB',
      });
    }
    throw new OepError('E_KEY', `${input} ${path}: cannot read the file (${code ?? 'error'})`, {
      hint: 'check the path',
    });
  }
}

/**
 * The text of a CA file, or of the *.crt and *.pem files of a folder (a mounted Secret: its `..data` entries
 * are skipped), one after the other; a folder with none gives the empty list. Errors are the system's, or
 * EINVAL and EFBIG for an entry that is not a regular file of at most 1 MiB.
 */
export function readCaPath(path: string): string[] {
  if (!statSync(path).isDirectory()) return [readRegularFile(path).toString('utf8')];
  return readdirSync(path)
    .filter((n) => !n.startsWith('.') && /\.(crt|pem)$/.test(n))
    .sort()
    .map((n) => readRegularFile(join(path, n)).toString('utf8'));
}

/** A matrix uploads one digest file per platform: thousands of entries are not a download of digest artifacts. */
export const MAX_FOLDER_ENTRIES = 4096;
/** A digest file holds one `REPO@sha256:…` at most: a few hundred bytes. */
export const MAX_DIGEST_FILE = 4096;

function entryError(message: string, code: string, entry?: string): Error {
  return Object.assign(new Error(message), { code, ...(entry ? { entry } : {}) });
}

/**
 * The files of `dir` and of its folders one level down (actions/download-artifact gives each artifact its own
 * folder unless merge-multiple is set), each with its text, sorted by path: the digest files of a matrix's jobs.
 * Nothing is skipped, so that no digest is silently left out: a folder two levels down fails (EISDIR). No link is
 * followed, to a file or a folder (ELOOP): one could read any file of the runner, a key say, into the index or an
 * error message. At most MAX_FOLDER_ENTRIES entries (ETOOMANY) and MAX_DIGEST_FILE bytes a file (EFBIG). Errors
 * are the system's (ENOENT, ENOTDIR, EACCES), these, or EINVAL as readKeyFile's; `entry` on the error names the
 * entry at fault, relative to `dir`. `dir` itself is the user's to name, link or not.
 */
export function readFolderFiles(dir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  let entries = 0;
  const visit = (rel: string, depth: number): void => {
    const folder = opendirSync(join(dir, rel));
    try {
      for (let e = folder.readSync(); e; e = folder.readSync()) {
        if (++entries > MAX_FOLDER_ENTRIES) throw entryError(`${dir} holds too many entries`, 'ETOOMANY');
        const name = rel ? `${rel}/${e.name}` : e.name;
        try {
          if (e.isSymbolicLink()) throw entryError(`${name} is a link`, 'ELOOP');
          if (e.isDirectory() && depth > 0) throw entryError(`${name} is a folder`, 'EISDIR');
          if (e.isDirectory()) visit(name, depth + 1);
          else {
            const bytes = readRegularFile(join(dir, name), { max: MAX_DIGEST_FILE, noFollow: true });
            out.push({ name, text: bytes.toString('utf8') });
          }
        } catch (err) {
          if ((err as { code?: string }).code !== 'ETOOMANY') (err as { entry?: string }).entry ??= name;
          throw err;
        }
      }
    } finally {
      folder.closeSync();
    }
  };
  visit('', 0);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Throws the system's error (EACCES, ENOENT, ENOTDIR) unless `dir` is a folder we may write in. */
export function checkWritableFolder(dir: string): void {
  accessSync(dir, constants.W_OK);
  if (!statSync(dir).isDirectory())
    throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR' });
}

/** Write a result file; `name` is the input that asked for it. */
export function writeResultFile(name: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new OepError(
      'E_OUTPUT',
      `${name}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: 'give a path in an existing, writable folder' },
    );
  }
}

/** Remove a folder and all in it (an output a gate or a hook refused). */
export async function removeFolder(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
