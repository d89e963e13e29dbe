import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { openLayout } from '../../../src/oci/layout/source.js';
import { LayoutWriter } from '../../../src/oci/layout/writer.js';
import { sha256, tempDir } from '../../helpers/fixtures.js';

function staging(dir: string, name: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(`.${name}.oep-`));
}

describe('LayoutWriter', () => {
  const dir = tempDir();

  it('writes blobs under their digests and a layout our reader accepts, only at commit', async () => {
    const out = join(dir, 'out');
    const w = await LayoutWriter.create(out);
    const a = await w.writeStream(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    assert.deepEqual(a, { digest: sha256(Buffer.from('hello world')), size: 11 });
    const upper = new Transform({
      transform(chunk: Buffer, _e, cb) {
        cb(null, Buffer.from(chunk.toString('utf8').toUpperCase()));
      },
    });
    const b = await w.writeStream(Readable.from([Buffer.from('abc')]), [upper]);
    assert.deepEqual(b, { digest: sha256(Buffer.from('ABC')), size: 3 }, 'the digest is of what was written');
    const m = await w.writeBytes(Buffer.from('{"x":1}'));
    assert.equal(w.has(m.digest), true);
    assert.equal(existsSync(out), false, 'nothing at the destination before commit');
    assert.equal(staging(dir, 'out').length, 1);

    await w.commit([{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }]);
    assert.deepEqual(staging(dir, 'out'), []);
    assert.deepEqual(
      readdirSync(join(out, 'blobs', 'sha256')).sort(),
      [a, b, m].map((x) => x.digest.slice(7)).sort(),
    );
    assert.equal(readFileSync(join(out, 'oci-layout'), 'utf8'), '{"imageLayoutVersion":"1.0.0"}');
    const src = await openLayout(out);
    const idx = JSON.parse((await src.indexJson()).toString('utf8')) as {
      schemaVersion: number;
      manifests: unknown[];
    };
    assert.equal(idx.schemaVersion, 2);
    assert.deepEqual(idx.manifests, [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }]);
    assert.deepEqual(await src.read(b), Buffer.from('ABC'));
    await w.abort(); // after commit: does nothing
    assert.ok(existsSync(join(out, 'index.json')));
  });

  it('hands out blob handles that read the same bytes before, during and after the commit', async () => {
    const out = join(dir, 'handles');
    const w = await LayoutWriter.create(out);
    const bytes = Buffer.from('a blob that is read while the layout moves');
    const { digest } = await w.writeBytes(bytes);
    const handle = w.handle(digest);
    assert.deepEqual([handle.digest, handle.size], [digest, bytes.length]);
    const read = async (): Promise<Buffer> => {
      const fh = await handle.open();
      try {
        return (await fh.read(Buffer.alloc(handle.size), 0, handle.size, 0)).buffer;
      } finally {
        await fh.close();
      }
    };
    const before = await handle.open(); // held open across the move
    // Readers that keep opening the blob while the commit runs: some open is always under way when it moves.
    let moved = false;
    const keepReading = async (): Promise<Buffer[]> => {
      const got: Buffer[] = [];
      while (!moved) got.push(await read());
      return got;
    };
    const readers = Array.from({ length: 4 }, keepReading);
    await w.commit([]);
    moved = true;
    const during = (await Promise.all(readers)).flat();
    const after = await read();
    const held = (await before.read(Buffer.alloc(handle.size), 0, handle.size, 0)).buffer;
    await before.close();
    for (const b of [...during, after, held]) assert.deepEqual(b, bytes);
    assert.throws(() => w.handle(sha256(Buffer.from('never written'))), /was not written here/);
  });

  it('abort removes everything', async () => {
    const out = join(dir, 'aborted');
    const w = await LayoutWriter.create(out);
    await w.writeBytes(Buffer.from('x'));
    await w.abort();
    assert.equal(existsSync(out), false);
    assert.deepEqual(staging(dir, 'aborted'), []);
  });

  it('a failing stream leaves no temp file and no blob', async () => {
    const out = join(dir, 'failing');
    const w = await LayoutWriter.create(out);
    const boom = new Transform({
      transform(_c, _e, cb) {
        cb(new Error('boom'));
      },
    });
    await assert.rejects(w.writeStream(Readable.from([Buffer.from('data')]), [boom]), /boom/);
    const [stage] = staging(dir, 'failing');
    assert.ok(stage);
    assert.deepEqual(readdirSync(join(dir, stage, 'blobs')), ['sha256']);
    assert.deepEqual(readdirSync(join(dir, stage, 'blobs', 'sha256')), []);
    await w.abort();
    assert.deepEqual(staging(dir, 'failing'), []);
  });

  it('an aborted signal stops a stream and leaves no temp file', async () => {
    const out = join(dir, 'signalled');
    const w = await LayoutWriter.create(out);
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(w.writeStream(Readable.from([Buffer.from('data')]), [], ac.signal));
    const [stage] = staging(dir, 'signalled');
    assert.deepEqual(readdirSync(join(dir, stage!, 'blobs', 'sha256')), []);
    assert.deepEqual(
      readdirSync(join(dir, stage!, 'blobs')).filter((f) => f.startsWith('.tmp-')),
      [],
    );
    await w.abort();
  });

  it('refuses a non-empty folder or a file as destination, touching nothing', async () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'mine'), 'x');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const out of [full, file]) {
      await assert.rejects(
        LayoutWriter.create(out),
        (e: unknown) => isOepError(e, 'E_OUTPUT') && e.message.includes(out),
      );
    }
    assert.deepEqual(readdirSync(full), ['mine']);
    assert.equal(readFileSync(file, 'utf8'), 'x');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.oep-')),
      [],
    );
  });

  it('uses an existing empty folder', async () => {
    const out = join(dir, 'empty');
    mkdirSync(out);
    const w = await LayoutWriter.create(out);
    const m = await w.writeBytes(Buffer.from('{}'));
    await w.commit([{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }]);
    assert.ok(existsSync(join(out, 'index.json')));
  });

  it('cannot create under a file: E_OUTPUT', async () => {
    const file = join(dir, 'plainfile');
    writeFileSync(file, 'x');
    await assert.rejects(LayoutWriter.create(join(file, 'out')), (e: unknown) => isOepError(e, 'E_OUTPUT'));
  });
});
