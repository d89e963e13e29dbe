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

function refused(path: string, code: 'EINVAL' | 'EFBIG'): Error {
  const what = code === 'EINVAL' ? 'not a regular file' : 'larger than 1 MiB';
  return Object.assign(new Error(`${path} is ${what}`), { code });
}

/**
 * The bytes of a regular file of at most 1 MiB. Opened without blocking, as a FIFO would wait forever for a
 * writer, and checked on the open descriptor, so that swapping the path between the check and the read changes
 * nothing; a file that grows past the cap while read is refused too. Errors are the system's (ENOENT, EACCES),
 * or EINVAL (a FIFO, device, socket or folder) and EFBIG.
 */
function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw refused(path, 'EINVAL');
    if (st.size > MAX_INPUT_FILE) throw refused(path, 'EFBIG');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > MAX_INPUT_FILE) throw refused(path, 'EFBIG');
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

/**
 * The files of `dir` and of its folders one level down (actions/download-artifact gives each artifact its own
 * folder unless merge-multiple is set), each with its text, sorted by path: the digest files of a matrix's jobs.
 * Nothing is skipped, so that no digest is silently left out: a folder two levels down fails (EISDIR). Errors
 * are the system's (ENOENT, ENOTDIR, EACCES), EISDIR, or EINVAL and EFBIG as readKeyFile's; `entry` on the error
 * names the entry at fault, relative to `dir`.
 */
export function readFolderFiles(dir: string): { name: string; text: string }[] {
  const out: { name: string; text: string }[] = [];
  const visit = (rel: string, depth: number): void => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${e.name}` : e.name;
      try {
        if (e.isDirectory() && depth > 0)
          throw Object.assign(new Error(`${name} is a folder`), { code: 'EISDIR' });
        if (e.isDirectory()) visit(name, depth + 1);
        else out.push({ name, text: readRegularFile(join(dir, name)).toString('utf8') });
      } catch (err) {
        (err as { entry?: string }).entry ??= name;
        throw err;
      }
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
