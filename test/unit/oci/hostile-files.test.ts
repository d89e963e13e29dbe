/**
 * Local files are what they claim: oci-layout, index.json and blobs must be regular files inside the layout (no
 * FIFO that hangs a read, no link that reads elsewhere), within size caps; an archive's metadata records are
 * capped before anything is allocated, and FIFOs or devices in an archive are refused.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { openSync, closeSync, renameSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { openLayout } from '../../../src/oci/layout/source.js';
import { buildTar } from '../../../src/oci/layout/tar.js';
import { loadImage } from '../../../src/oci/tree.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { keyPair, makeLayout, tempDir } from '../../helpers/fixtures.js';
import { assertNothingWritten, recipients } from '../pipeline/support.js';

const fails =
  (code: ErrorCode, ...mentions: string[]) =>
  (e: unknown) =>
    isOepError(e, code) && mentions.every((m) => e.describe().includes(m));

function fresh(dir: string, name: string) {
  const layout = join(dir, name);
  const img = makeLayout(layout, { layers: [{ files: { a: 'secret' } }] });
  return { layout, img, blob: (d: string) => join(layout, 'blobs', 'sha256', d.slice(7)) };
}

function fifo(path: string): void {
  rmSync(path, { force: true });
  execFileSync('mkfifo', [path]);
}

describe('layout folders: regular files inside the layout only', { timeout: 20_000 }, () => {
  const dir = tempDir();
  const kp = keyPair('p256');

  it('a FIFO as oci-layout is E_LAYOUT, without hanging', async () => {
    const { layout } = fresh(dir, 'fifo-marker');
    fifo(join(layout, 'oci-layout'));
    await assert.rejects(openLayout(layout), fails('E_LAYOUT', 'oci-layout'));
  });

  it('a FIFO as index.json is E_LAYOUT, without hanging', async () => {
    const { layout } = fresh(dir, 'fifo-index');
    fifo(join(layout, 'index.json'));
    await assert.rejects(async () => loadImage(await openLayout(layout)), fails('E_LAYOUT', 'index.json'));
  });

  it('a FIFO as a manifest blob is E_LAYOUT naming it, without hanging', async () => {
    const { layout, img, blob } = fresh(dir, 'fifo-blob');
    fifo(blob(img.manifest.digest));
    await assert.rejects(
      async () => loadImage(await openLayout(layout)),
      fails('E_LAYOUT', img.manifest.digest),
    );
  });

  it('a symlinked oci-layout or index.json is E_LAYOUT', async () => {
    const a = fresh(dir, 'link-marker');
    writeFileSync(join(dir, 'marker'), '{"imageLayoutVersion":"1.0.0"}');
    rmSync(join(a.layout, 'oci-layout'));
    symlinkSync(join(dir, 'marker'), join(a.layout, 'oci-layout'));
    await assert.rejects(openLayout(a.layout), fails('E_LAYOUT', 'oci-layout'));
    const b = fresh(dir, 'link-index');
    renameSync(join(b.layout, 'index.json'), join(dir, 'index-elsewhere.json'));
    symlinkSync(join(dir, 'index-elsewhere.json'), join(b.layout, 'index.json'));
    await assert.rejects(async () => loadImage(await openLayout(b.layout)), fails('E_LAYOUT', 'index.json'));
  });

  it('a symlinked blob is E_LAYOUT naming it', async () => {
    const { layout, img, blob } = fresh(dir, 'link-blob');
    const p = blob(img.manifest.digest);
    renameSync(p, join(dir, 'manifest-elsewhere'));
    symlinkSync(join(dir, 'manifest-elsewhere'), p);
    await assert.rejects(
      async () => loadImage(await openLayout(layout)),
      fails('E_LAYOUT', img.manifest.digest),
    );
  });

  it('a symlinked blobs/ folder is E_LAYOUT, and encrypt writes nothing', async () => {
    const { layout, img } = fresh(dir, 'link-blobs');
    renameSync(join(layout, 'blobs'), join(dir, 'blobs-elsewhere'));
    symlinkSync(join(dir, 'blobs-elsewhere'), join(layout, 'blobs'));
    await assert.rejects(
      async () => loadImage(await openLayout(layout)),
      fails('E_LAYOUT', img.manifest.digest),
    );
    const output = join(dir, 'link-blobs-out');
    await assert.rejects(encryptImage({ layout, output, recipients: recipients(kp) }), fails('E_LAYOUT'));
    assertNothingWritten(output);
  });

  it('a symlinked blobs/sha256 folder is E_LAYOUT', async () => {
    const { layout, img } = fresh(dir, 'link-alg');
    renameSync(join(layout, 'blobs', 'sha256'), join(dir, 'alg-elsewhere'));
    symlinkSync(join(dir, 'alg-elsewhere'), join(layout, 'blobs', 'sha256'));
    await assert.rejects(
      async () => loadImage(await openLayout(layout)),
      fails('E_LAYOUT', img.manifest.digest),
    );
  });

  it('a blobs/sha256 folder linked to where nothing is is refused as a link, not followed to "missing"', async () => {
    // Following it would look the blob up at the link's target (an automounted or hung network path waits).
    const { layout, img } = fresh(dir, 'link-nowhere');
    rmSync(join(layout, 'blobs', 'sha256'), { recursive: true });
    symlinkSync(join(dir, 'nowhere', 'sha256'), join(layout, 'blobs', 'sha256'));
    await assert.rejects(
      async () => loadImage(await openLayout(layout)),
      fails('E_LAYOUT', img.manifest.digest, 'blobs/sha256 is a link'),
    );
  });

  it('an oversized oci-layout is E_LAYOUT', async () => {
    const { layout } = fresh(dir, 'big-marker');
    writeFileSync(join(layout, 'oci-layout'), `{"imageLayoutVersion":"1.0.0"}${' '.repeat(1 << 20)}`);
    await assert.rejects(openLayout(layout), fails('E_LAYOUT', 'oci-layout'));
  });
});

/** A ustar header block of `type` announcing `size` bytes of data (the checksum is not checked by readers here). */
function rawHeader(name: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\x0000', 257, 'binary');
  return h;
}

/** A small valid OCI archive (the layout made by makeLayout, as a tar). */
function layoutTar(dir: string, name: string): Buffer {
  const { layout } = fresh(dir, name);
  const out = join(dir, `${name}.tar`);
  execFileSync('tar', ['-cf', out, '-C', layout, '--format=ustar', '.']);
  return execFileSync('cat', [out]);
}

describe('OCI archives: capped metadata, no special files', { timeout: 20_000 }, () => {
  const dir = tempDir();

  for (const type of ['x', 'g', 'L', 'K']) {
    it(`a '${type}' record announcing 100 MiB is E_LAYOUT before anything is read`, async () => {
      const size = 100 * 1024 * 1024;
      const path = join(dir, `big-${type}.tar`);
      const tail = layoutTar(dir, `big-${type}`);
      writeFileSync(path, rawHeader('././@PaxHeader', size, type));
      const fd = openSync(path, 'r+');
      writeSync(fd, tail, 0, tail.length, 512 + size); // sparse: the 100 MiB are a hole
      closeSync(fd);
      await assert.rejects(openLayout(path), fails('E_LAYOUT', path, '1 MiB'));
    });
  }

  for (const [type, what] of [
    ['6', 'FIFO'],
    ['3', 'device'],
    ['4', 'device'],
  ] as const) {
    it(`a ${what} entry (type ${type}) named index.json is E_LAYOUT naming it`, async () => {
      const path = join(dir, `special-${type}.tar`);
      const good = buildTar([
        { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
        { name: 'blobs', dir: true },
      ]);
      writeFileSync(path, Buffer.concat([rawHeader('index.json', 0, type), good]));
      await assert.rejects(openLayout(path), fails('E_LAYOUT', 'index.json'));
    });
  }

  it('the tail archive itself is valid (so the cases above fail for their record, not for it)', async () => {
    const path = join(dir, 'plain.tar');
    writeFileSync(path, layoutTar(dir, 'plain'));
    const img = await loadImage(await openLayout(path));
    assert.equal(img.root.kind, 'manifest');
  });
});
