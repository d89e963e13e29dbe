/**
 * Opening the files of a layout folder as what they claim to be: regular files inside it, reached through no
 * link, never a device or FIFO (a layout is input, and nothing in it is trusted).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { OepError } from '../../errors.js';

function notRegular(name: string, rel: string, why: string): OepError {
  return new OepError('E_LAYOUT', `${name}: ${rel} is not a regular file inside the layout (${why})`, {
    hint: 'layouts must hold regular files only: no links, FIFOs or devices',
  });
}

/** An open regular file of the layout: its path, and its size as opened. */
export interface Opened {
  fd: number;
  path: string;
  size: number;
}

/**
 * Refuse the folders on the way to `rel` unless each is a folder (lstat: a link is not), each once per
 * `checked` (the layout's set), before anything under them is looked up: a link found there is not followed
 * (to an automounted or hung network path, say). A folder swapped for a link later, while we run, is looked
 * through once, and refused by openRegular's check of what it opened. ENOENT: the file is absent.
 */
function checkFolders(root: string, rel: string, name: string, checked: Set<string>): boolean {
  const parts = rel.split('/').slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const folder = parts.slice(0, i).join('/');
    if (checked.has(folder)) continue;
    let st;
    try {
      st = lstatSync(join(root, folder));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return false;
      throw code === 'ENOTDIR' || code === 'ELOOP' ? notRegular(name, rel, `${folder}: ${code}`) : err;
    }
    if (!st.isDirectory()) throw notRegular(name, rel, `${folder} is a link or special file`);
    checked.add(folder);
  }
  return true;
}

/**
 * Open `rel` under `root` (a real path) only if it is a regular file reached through no link: its folders
 * checked once (checkFolders), then an lstat of the file, so that no link, device or FIFO is ever opened;
 * then O_NOFOLLOW, O_NONBLOCK (a FIFO swapped in must not block the open), fstat of what was opened, and, on
 * Linux, the path of the open descriptor (/proc/self/fd), which differs from `root/rel` if a folder on the way
 * was swapped for a link since it was checked. Without /proc, the whole walk again stands in. `undefined` if
 * absent.
 *
 * Synchronous on purpose: these calls ask the kernel about metadata it holds in memory, microseconds each,
 * while through the thread pool each costs ten times that in CPU (a hundred small layers spent 50 ms on it).
 */
export function openRegular(
  root: string,
  rel: string,
  name: string,
  checked = new Set<string>(),
): Opened | undefined {
  const at = join(root, rel);
  if (!checkFolders(root, rel, name, checked)) return undefined;
  let fd: number;
  try {
    if (!lstatSync(at).isFile()) throw notRegular(name, rel, `${rel} is a link or special file`);
    fd = openSync(at, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') throw notRegular(name, rel, 'a folder on its way is a file');
    throw code === 'ELOOP' ? notRegular(name, rel, code) : err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(name, rel, 'it changed while being opened');
    const real = procPath(fd);
    if (real === undefined) {
      // No /proc: walk the folders again, now that it is open, and the file itself.
      if (!checkFolders(root, rel, name, new Set()) || !lstatSync(at).isFile())
        throw notRegular(name, rel, 'it changed while being opened');
    } else if (real !== at) throw notRegular(name, rel, `it resolves to ${real}`);
    return { fd, path: at, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** The path of an open descriptor, where /proc says (Linux). */
function procPath(fd: number): string | undefined {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return undefined;
  }
}

/** The whole of a small file, refused when it holds more than `cap` bytes (read at most cap + 1); closes it. */
export function readCapped(fd: number, cap: number, what: string): Buffer {
  try {
    const buf = Buffer.alloc(cap + 1);
    let n = 0;
    for (;;) {
      const bytesRead = readSync(fd, buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n > cap) throw new OepError('E_LAYOUT', `${what} is larger than ${cap} bytes`);
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
