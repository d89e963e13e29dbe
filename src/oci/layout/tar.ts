/**
 * Just enough tar to read an OCI archive in place: we index the entries (ustar, pax `path`/`size` records and
 * GNU long names) and later read each blob straight from its offset, so nothing is extracted to disk.
 * Links, absolute paths and `..` are refused outright: an archive is untrusted input.
 * Also a small ustar writer, used to build sample images and fixtures without external tools.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { OepError } from '../../errors.js';

export interface TarEntry {
  name: string;
  offset: number; // of the data
  size: number;
}

const BLOCK = 512;
/** pax and GNU long-name/long-link records hold a few paths: refuse larger ones before allocating them. */
export const MAX_TAR_META = 1024 * 1024;
/** Entry types of links, devices and FIFOs: never a file of an OCI archive. */
const SPECIAL_TYPES: Record<string, string> = {
  '1': 'a hard link',
  '2': 'a symbolic link',
  '3': 'a character device',
  '4': 'a block device',
  '6': 'a FIFO',
};

function cstr(buf: Buffer, start: number, len: number): string {
  const slice = buf.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul === -1 ? len : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, len: number, where: string): number {
  const field = buf.subarray(start, start + len);
  if ((field[0]! & 0x80) !== 0) {
    // GNU base-256 for sizes over 8 GiB.
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = cstr(buf, start, len).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new OepError('E_LAYOUT', `${where}: corrupt tar header`);
  return parseInt(text, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space === -1) break;
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Normalise an entry name and refuse anything that could escape the archive's root. */
export function safeEntryName(name: string, where: string): string {
  const clean = name.replace(/^\.\//, '').replace(/\/+$/, '');
  if (name.startsWith('/') || clean.split('/').some((p) => p === '..')) {
    throw new OepError('E_LAYOUT', `${where}: entry ${JSON.stringify(name)} escapes the archive`, {
      hint: 'OCI archives hold only relative paths',
    });
  }
  return clean;
}

async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, offset);
  return buf.subarray(0, bytesRead);
}

/** The size of the entry a header starts: its pax `size` record, when there is one, wins over the header's. */
function entrySize(header: Buffer, pax: Record<string, string>, path: string): number {
  const size = octal(header, 124, 12, path);
  if (pax.size === undefined) return size;
  const paxSize = Number(pax.size);
  if (!/^\d+$/.test(pax.size) || !Number.isSafeInteger(paxSize)) {
    throw new OepError('E_LAYOUT', `${path}: corrupt tar header (pax size ${JSON.stringify(pax.size)})`);
  }
  return paxSize;
}

export async function indexTar(path: string): Promise<Map<string, TarEntry>> {
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new OepError('E_LAYOUT', `${path} is not a regular file`);
    const fileSize = st.size;
    const entries = new Map<string, TarEntry>();
    let offset = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    for (;;) {
      const header = await readAt(fh, offset, BLOCK);
      if (header.length < BLOCK) throw new OepError('E_LAYOUT', `${path}: truncated tar archive`);
      if (header.every((b) => b === 0)) break;
      const type = String.fromCharCode(header[156] || 0x30);
      const size = entrySize(header, pax, path);
      const prefix = cstr(header, 345, 155);
      let name =
        longName ?? pax.path ?? (prefix ? `${prefix}/${cstr(header, 0, 100)}` : cstr(header, 0, 100));
      const dataOffset = offset + BLOCK;
      if (dataOffset + size > fileSize) throw new OepError('E_LAYOUT', `${path}: truncated tar archive`);
      const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
        if (size > MAX_TAR_META) {
          throw new OepError(
            'E_LAYOUT',
            `${path}: a tar metadata record (type ${type}) of ${size} bytes exceeds the 1 MiB cap`,
            { hint: 'OCI archives hold short paths; this archive is corrupt or hostile' },
          );
        }
        const data = await readAt(fh, dataOffset, size);
        if (type === 'x') pax = parsePax(data);
        if (type === 'L') longName = cstr(data, 0, data.length);
        offset = next;
        continue;
      }
      name = safeEntryName(name, path);
      if (SPECIAL_TYPES[type]) {
        throw new OepError('E_LAYOUT', `${path}: entry ${JSON.stringify(name)} is ${SPECIAL_TYPES[type]}`, {
          hint: 'OCI archives must hold regular files only',
        });
      }
      if (type === '0' || type === '\0' || type === '7')
        entries.set(name, { name, offset: dataOffset, size });
      pax = {};
      longName = undefined;
      offset = next;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(type === '5' ? '0000755\0' : '0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\x0000', 257, 'binary');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** Build a small ustar archive in memory (fixtures and sample images only: never used for layers we read). */
export function buildTar(files: { name: string; data?: Uint8Array; dir?: boolean }[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const data = Buffer.from(f.data ?? new Uint8Array());
    parts.push(header(f.name, f.dir ? 0 : data.length, f.dir ? '5' : '0'));
    if (!f.dir && data.length) {
      parts.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
