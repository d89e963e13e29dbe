/**
 * Fuzz: the OCI archive indexer (indexTar in src/oci/layout/tar.ts). Archives are untrusted: random and mutated
 * 512-byte headers, huge and base-256 size fields, PAX records with wrong lengths, GNU long names, links,
 * escaping paths, truncation.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildTar, indexTar, type TarEntry } from '../../src/oci/layout/tar.js';
import { tempDir } from '../helpers/fixtures.js';
import { fuzzAsync, mutatedBytes, parsesOrTypedAsync } from './support.js';

const BLOCK = 512;

const entryName = fc.oneof(
  fc.constantFrom(
    'index.json',
    'oci-layout',
    'blobs/sha256/' + 'a'.repeat(64),
    './blobs/',
    '../etc/passwd',
    '/abs',
    'a/../../b',
    'x'.repeat(100),
    'dir/',
    '',
  ),
  fc.string({ maxLength: 120 }),
);

/** A size field: valid octal, octal with junk, GNU base-256 (up to 2^88), spaces or empty. */
const sizeField = fc.oneof(
  fc.integer({ min: 0, max: 4096 }).map((n) => Buffer.from(n.toString(8).padStart(11, '0') + '\0')),
  fc
    .constantFrom('77777777777\0', '           \0', '', '0x10', '-1', '1e9', '00000001000 ')
    .map((s) => Buffer.from(s)),
  fc
    .uint8Array({ minLength: 11, maxLength: 11 })
    .map((b) => Buffer.concat([Buffer.of(0x80 | (b[0]! & 0x7f)), Buffer.from(b)]).subarray(0, 12)),
  fc.uint8Array({ minLength: 12, maxLength: 12 }).map((b) => Buffer.from(b)),
);

const typeflag = fc.oneof(
  fc.constantFrom(0x30, 0x00, 0x31, 0x32, 0x35, 0x37, 0x78, 0x67, 0x4c, 0x4b),
  fc.integer({ min: 0, max: 255 }),
);

function header(name: string, size: Buffer, type: number, prefix: string): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  size.copy(h, 124, 0, 12);
  h.write('        ', 148, 'ascii');
  h[156] = type;
  h.write('ustar\x0000', 257, 'binary');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer {
  return Buffer.concat([data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK)]);
}

/** A PAX record, with a right or a wrong length prefix. */
const paxRecord = fc
  .tuple(
    fc.oneof(fc.constantFrom('path', 'size', 'linkpath', 'mtime', '', '='), fc.string({ maxLength: 8 })),
    fc.oneof(
      entryName,
      fc.constantFrom('0', '512', '99999999999999999999', '-5', '1.5', ' 12', '9007199254740993'),
    ),
    fc.oneof(fc.constant(0), fc.integer({ min: -40, max: 40 }), fc.constantFrom(-1e9, 1e12)),
  )
  .map(([k, v, skew]) => {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    len = Buffer.byteLength(body) + String(len).length;
    return Buffer.concat([Buffer.from(String(len + skew)), Buffer.from(body)]);
  });

/** One member: a plain header with data, a PAX header, or a GNU long name, followed by its data. */
const member = fc.oneof(
  fc
    .tuple(
      entryName,
      sizeField,
      typeflag,
      fc.oneof(fc.constant(''), entryName),
      fc.integer({ min: 0, max: 1500 }),
    )
    .map(([n, s, t, p, len]) => Buffer.concat([header(n, s, t, p), padded(Buffer.alloc(len, 0x61))])),
  fc.tuple(fc.array(paxRecord, { maxLength: 4 }), fc.constantFrom(0x78, 0x67)).map(([recs, t]) => {
    const data = Buffer.concat(recs);
    return Buffer.concat([
      header('PaxHeader', Buffer.from(data.length.toString(8) + '\0'), t, ''),
      padded(data),
    ]);
  }),
  fc.tuple(entryName, fc.boolean()).map(([n, nul]) => {
    const data = Buffer.from(nul ? `${n}\0` : n);
    return Buffer.concat([
      header('././@LongLink', Buffer.from(data.length.toString(8) + '\0'), 0x4c, ''),
      padded(data),
    ]);
  }),
);

const archive = fc
  .tuple(fc.array(member, { maxLength: 6 }), fc.integer({ min: 0, max: 2 }))
  .map(([ms, ends]) => Buffer.concat([...ms, Buffer.alloc(BLOCK * ends)]));

/** A valid archive as buildTar writes it, to mutate. */
const valid = fc
  .array(
    fc.record({
      name: fc.constantFrom(
        'oci-layout',
        'index.json',
        'blobs/sha256/' + 'b'.repeat(64),
        'a/' + 'c'.repeat(120),
      ),
      data: fc.uint8Array({ maxLength: 700 }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((files) => buildTar(files));

function checkEntries(entries: Map<string, TarEntry>, fileSize: number): void {
  for (const [key, e] of entries) {
    assert.equal(key, e.name);
    assert.ok(!e.name.startsWith('/'), `absolute name ${e.name}`);
    assert.ok(!e.name.split('/').includes('..'), `escaping name ${e.name}`);
    assert.ok(Number.isSafeInteger(e.size) && e.size >= 0, `size ${e.size}`);
    assert.ok(Number.isSafeInteger(e.offset) && e.offset % BLOCK === 0, `offset ${e.offset}`);
    assert.ok(e.offset + e.size <= fileSize, `entry ${e.name} runs past the end`);
  }
}

describe('fuzz: tar archives', () => {
  const dir = tempDir('oep-fuzz-tar-');
  const path = join(dir, 'a.tar');

  async function check(bytes: Buffer): Promise<void> {
    writeFileSync(path, bytes);
    await parsesOrTypedAsync(
      () => indexTar(path),
      (entries) => checkEntries(entries, bytes.length),
      ['E_LAYOUT'],
    );
  }

  it('indexTar indexes structured archives (PAX, GNU long names, huge sizes) or refuses them with E_LAYOUT', async () => {
    await fuzzAsync('tar.structured', [archive], check, 0.5);
  });

  it('indexTar on mutated valid archives', async () => {
    await fuzzAsync('tar.mutated', [mutatedBytes(valid)], check, 0.5);
  });

  it('indexTar on random bytes and random 512-byte headers', async () => {
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 2048 }),
      fc
        .array(fc.uint8Array({ minLength: BLOCK, maxLength: BLOCK }), { maxLength: 3 })
        .map((bs) => Buffer.concat([...bs.map((b) => Buffer.from(b)), Buffer.alloc(BLOCK * 2)])),
    );
    await fuzzAsync('tar.random', [raw.map((b) => Buffer.from(b))], check, 0.25);
  });
});
