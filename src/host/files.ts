/**
 * The user's files, as the Node host reads and writes them for the use cases: key and CA files named in a
 * request, result files, and push staging folders. With host/temps.ts and the layer file loop, this folder is
 * where the file system is touched besides the layout reader/writer (oci/layout) and the front ends; the use
 * cases in pipeline/ never import node:fs (a lint rule keeps it so).
 */
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OepError } from '../errors.js';

/** Whether a path exists (a key spec like `key.pem:env=VAR` is first taken as a file name). */
export function pathExists(path: string): boolean {
  return existsSync(path);
}

/** Read a key file, with an error that names the input it came from. */
export function readKeyFile(path: string, input: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new OepError(
      'E_KEY',
      `${input} ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: 'check the path' },
    );
  }
}

/**
 * The text of a CA file, or of the *.crt and *.pem files of a folder (a mounted Secret: its `..data` entries
 * are skipped), one after the other; a folder with none gives the empty list. Errors are the system's.
 */
export function readCaPath(path: string): string[] {
  if (!statSync(path).isDirectory()) return [readCaFile(path)];
  return readdirSync(path)
    .filter((n) => !n.startsWith('.') && /\.(crt|pem)$/.test(n))
    .sort()
    .map((n) => readCaFile(join(path, n)));
}

/** A CA bundle is a few KB; a FIFO or a device in its place must not hang us or fill memory. */
const MAX_CA_FILE = 1024 * 1024;

function readCaFile(path: string): string {
  const st = statSync(path);
  if (!st.isFile() || st.size > MAX_CA_FILE) {
    throw Object.assign(new Error(`${path} is not a regular file of at most 1 MiB`), { code: 'EINVAL' });
  }
  return readFileSync(path, 'utf8');
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

/** A fresh private folder under `parent` for a run's staging; remove it with removeFolder. */
export function makeStagingFolder(parent: string, prefix: string): Promise<string> {
  return mkdtemp(join(parent, prefix));
}

export async function removeFolder(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
