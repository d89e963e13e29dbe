/** A tiny ustar writer for hostile archives: any type flag, any size field, PAX records (test data only). */
const BLOCK = 512;

export interface RawEntry {
  name: string;
  type?: string;
  data?: Buffer;
  /** Written in the size field instead of data.length (a lie the reader must not trust). */
  sizeField?: number;
  linkname?: string;
}

function header(e: RawEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(e.name.slice(0, 100), 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  const size = e.sizeField ?? e.data?.length ?? 0;
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(e.type ?? '0', 156);
  if (e.linkname) h.write(e.linkname.slice(0, 100), 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

export function rawTar(entries: RawEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    const data = e.data ?? Buffer.alloc(0);
    if (data.length) parts.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}
