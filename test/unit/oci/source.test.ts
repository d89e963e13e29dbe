import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { openLayout, type BlobSource } from '../../../src/oci/layout/source.js';
import { buildTar } from '../../../src/oci/layout/tar.js';
import { makeLayout, sha256, tempDir, writeIndexJson } from '../../helpers/fixtures.js';

async function drain(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function code(c: ErrorCode, ...mentions: string[]) {
  return (e: unknown) => isOepError(e, c) && mentions.every((m) => e.describe().includes(m));
}

function tarOf(layout: string, dest: string): string {
  execFileSync('tar', ['-cf', dest, '-C', layout, '.']);
  return dest;
}

describe('openLayout', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  const big = randomBytes(3 * 1024 * 1024 + 17);
  const img = makeLayout(layout, {
    layers: [{ files: { big }, compression: 'none' }, { files: { s: 'small' } }],
  });
  const archive = tarOf(layout, join(dir, 'layout.tar'));

  const sources: [string, () => Promise<BlobSource>][] = [
    ['a folder', () => openLayout(layout)],
    ['an archive', () => openLayout(archive)],
    [
      'a symlink to a folder (workspace mount)',
      async () => {
        const link = join(dir, 'link-to-layout');
        try {
          symlinkSync(layout, link);
        } catch {
          /* made by an earlier run of this case */
        }
        return openLayout(link);
      },
    ],
  ];

  for (const [name, open] of sources) {
    describe(`from ${name}`, () => {
      it('gives index.json and every blob verified', async () => {
        const src = await open();
        assert.deepEqual(src.indexJson && (await src.indexJson()), readFileSync(join(layout, 'index.json')));
        for (const l of img.layers) {
          const bytes = await drain(await src.open(l));
          assert.equal(sha256(bytes), l.digest);
          assert.equal(bytes.length, l.size);
        }
        const manifest = await src.read(img.manifest);
        assert.equal(sha256(manifest), img.manifest.digest);
        assert.equal(await src.has(img.layers[0]!), true);
        assert.equal(await src.has({ digest: sha256(Buffer.from('absent')) }), false);
      });

      it('fails a stream whose descriptor has the wrong digest', async () => {
        const src = await open();
        const l = img.layers[0]!;
        const wrong = { digest: sha256(Buffer.from('other')), size: l.size };
        // The file for `wrong` does not exist: that is a missing blob, not a mismatch.
        await assert.rejects(src.open(wrong), code('E_BLOB_MISSING', wrong.digest));
      });

      for (const delta of [-1, 1]) {
        it(`fails a stream whose descriptor size is off by ${delta}`, async () => {
          const src = await open();
          const l = img.layers[0]!;
          await assert.rejects(
            drain(await src.open({ digest: l.digest, size: l.size + delta })),
            code('E_DIGEST', l.digest),
          );
        });
      }

      it('refuses a manifest-sized read of a huge descriptor before reading it', async () => {
        const src = await open();
        await assert.rejects(
          src.read({ digest: img.layers[0]!.digest, size: 5 * 1024 * 1024 }),
          code('E_MANIFEST'),
        );
      });
    });
  }

  it('detects a corrupted blob in a folder and in an archive', async () => {
    const bad = join(dir, 'bad');
    execFileSync('cp', ['-r', layout, bad]);
    const l = img.layers[0]!;
    const p = join(bad, 'blobs', 'sha256', l.digest.slice(7));
    const b = readFileSync(p);
    b[b.length - 5] = b[b.length - 5]! ^ 0xff;
    writeFileSync(p, b);
    for (const src of [await openLayout(bad), await openLayout(tarOf(bad, join(dir, 'bad.tar')))]) {
      await assert.rejects(drain(await src.open(l)), code('E_DIGEST', src.name, l.digest, 'does not match'));
    }
  });

  it('refuses a blob that is a symlink inside a layout folder', async () => {
    const linked = join(dir, 'linked');
    execFileSync('cp', ['-r', layout, linked]);
    const l = img.layers[1]!;
    const p = join(linked, 'blobs', 'sha256', l.digest.slice(7));
    execFileSync('mv', [p, join(dir, 'elsewhere')]);
    symlinkSync(join(dir, 'elsewhere'), p);
    const src = await openLayout(linked);
    await assert.rejects(src.open(l), code('E_LAYOUT', l.digest, 'not a regular file'));
  });

  it('reads a 0-byte blob from an archive', async () => {
    // A 0-byte entry used to throw a RangeError from createReadStream({start: 1, end: 0}).
    const empty = Buffer.alloc(0);
    const d = sha256(empty);
    const tarPath = join(dir, 'empty-blob.tar');
    writeFileSync(
      tarPath,
      buildTar([
        { name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
        { name: 'index.json', data: Buffer.from('{"schemaVersion":2,"manifests":[]}') },
        { name: `blobs/sha256/${d.slice(7)}`, data: empty },
      ]),
    );
    const src = await openLayout(tarPath);
    assert.deepEqual(await drain(await src.open({ digest: d, size: 0 })), empty);
    assert.deepEqual(await src.read({ digest: d, size: 0 }), empty);
  });

  it('an empty oci-layout in an archive is a layout error, not a crash', async () => {
    const tarPath = join(dir, 'empty-marker.tar');
    writeFileSync(tarPath, buildTar([{ name: 'oci-layout', data: Buffer.alloc(0) }]));
    await assert.rejects(openLayout(tarPath), code('E_LAYOUT', tarPath, 'oci-layout'));
  });

  it(
    'closes the file when a consumer abandons a blob stream',
    { skip: process.platform !== 'linux' },
    async () => {
      const fds = () => readdirSync('/proc/self/fd').length;
      for (const src of [await openLayout(layout), await openLayout(archive)]) {
        const before = fds();
        for (let i = 0; i < 10; i++) {
          const s = await src.open(img.layers[0]!);
          await new Promise<void>((resolve) => s.once('data', () => resolve()));
          s.destroy();
        }
        await new Promise((r) => setTimeout(r, 100));
        assert.ok(fds() <= before + 1, `${src.name}: ${fds() - before} file descriptors leaked`);
      }
    },
  );

  describe('refusals', () => {
    it('a path that does not exist', async () => {
      const p = join(dir, 'missing');
      await assert.rejects(openLayout(p), code('E_LAYOUT', p, 'does not exist'));
    });

    it('a folder without oci-layout', async () => {
      const p = join(dir, 'plain-folder');
      mkdirSync(p);
      await assert.rejects(openLayout(p), code('E_LAYOUT', p, 'no oci-layout'));
    });

    it('a malformed or unknown oci-layout', async () => {
      for (const text of ['', 'not json', '{}', '{"imageLayoutVersion":"9"}', 'null']) {
        const p = join(dir, `marker-${Buffer.from(text).toString('hex') || 'empty'}`);
        mkdirSync(p);
        writeFileSync(join(p, 'oci-layout'), text);
        await assert.rejects(openLayout(p), code('E_LAYOUT', p, 'oci-layout'), JSON.stringify(text));
      }
    });

    it('a file that is not a tar archive', async () => {
      const p = join(dir, 'not-a-tar.tar');
      writeFileSync(p, 'hello, I am not a tar file');
      await assert.rejects(openLayout(p), code('E_LAYOUT', p));
    });

    it('index.json missing from a folder or an archive', async () => {
      const p = join(dir, 'no-index');
      mkdirSync(p);
      writeIndexJson(p, []);
      execFileSync('rm', [join(p, 'index.json')]);
      await assert.rejects((await openLayout(p)).indexJson(), code('E_LAYOUT', p, 'index.json'));
      const t = join(dir, 'no-index.tar');
      writeFileSync(
        t,
        buildTar([{ name: 'oci-layout', data: Buffer.from('{"imageLayoutVersion":"1.0.0"}') }]),
      );
      await assert.rejects((await openLayout(t)).indexJson(), code('E_LAYOUT', t, 'index.json'));
    });
  });
});
