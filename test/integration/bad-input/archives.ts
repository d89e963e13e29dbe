/** Rows: OCI archives (.tar) that are truncated, not tar, or try to escape or exhaust the reader. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTar } from '../../../src/oci/layout/tar.js';
import { rawTar } from './tarball.js';
import { encryptArgs, type Case, type Ctx } from './support.js';

/** The good layout's files as archive entries. */
function layoutEntries(ctx: Ctx): { name: string; data: Buffer }[] {
  const names = ['oci-layout', 'index.json'];
  const blobs = [ctx.img.manifest.digest, ...ctx.img.layers.map((l) => l.digest)];
  const manifest = JSON.parse(
    readFileSync(join(ctx.good, 'blobs', 'sha256', ctx.img.manifest.digest.slice(7)), 'utf8'),
  ) as { config: { digest: string } };
  blobs.push(manifest.config.digest);
  return [
    ...names.map((n) => ({ name: n, data: readFileSync(join(ctx.good, n)) })),
    ...blobs.map((d) => ({
      name: `blobs/sha256/${d.slice(7)}`,
      data: readFileSync(join(ctx.good, 'blobs', 'sha256', d.slice(7))),
    })),
  ];
}

export function archiveCases(ctx: Ctx): Case[] {
  const entries = layoutEntries(ctx);
  const whole = buildTar(entries);
  const row = (name: string, bytes: Buffer, mentions: (p: string) => string[] = (p) => [p]): Case => {
    const path = ctx.file(`${name.replace(/\W+/g, '-')}.tar`, bytes);
    return { group: 'archives', name, args: encryptArgs(ctx, path), mentions: mentions(path) };
  };
  const withEntry = (extra: Parameters<typeof rawTar>[0][number]) =>
    Buffer.concat([rawTar([extra], { end: false }), whole]);
  const layer0 = `blobs/sha256/${ctx.img.layers[0]!.digest.slice(7)}`;
  return [
    row('a truncated archive', whole.subarray(0, Math.floor(whole.length / 2) + 100)),
    row('an archive of random bytes', Buffer.alloc(4096, 0x5a)),
    row('an archive without index.json', buildTar(entries.filter((e) => e.name !== 'index.json')), (p) => [
      p,
      'index.json',
    ]),
    row('an archive with a ../ entry', withEntry({ name: '../escape', data: Buffer.from('x') })),
    row('an archive with an absolute entry', withEntry({ name: '/etc/evil', data: Buffer.from('x') })),
    row(
      'an archive whose layer blob is a symlink',
      Buffer.concat([
        // Without the closing zero blocks, so the symlink entry follows the others.
        buildTar(entries.filter((e) => e.name !== layer0)).subarray(0, -1024),
        rawTar([{ name: layer0, type: '2', linkname: '/etc/passwd' }]),
      ]),
    ),
    row(
      'an archive with a PAX header claiming 100 MiB',
      withEntry({
        name: 'PaxHeaders/x',
        type: 'x',
        data: Buffer.from('30 path=blobs/sha256/abc\n'),
        sizeField: 100 * 1024 * 1024,
      }),
    ),
    row(
      'an archive with a GNU long name claiming 100 MiB',
      withEntry({ name: '././@LongLink', type: 'L', data: Buffer.from('x'), sizeField: 100 * 1024 * 1024 }),
    ),
    row(
      'an archive whose index.json is a FIFO entry',
      Buffer.concat([
        rawTar([{ name: 'index.json', type: '6' }], { end: false }),
        buildTar(entries.filter((e) => e.name !== 'index.json')),
      ]),
    ),
  ];
}
