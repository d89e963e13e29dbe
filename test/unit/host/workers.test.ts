// Large layers run in worker threads (the path the CLI, the Action and Tekton take): the same results, the same
// digest and MAC checks, and nothing left behind when a worker's job fails.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { keyPair, makeLayout, readBlob, tempDir } from '../../helpers/fixtures.js';
import {
  assertNothingWritten,
  decryptionKeys,
  onlyManifest,
  recipients,
  rejectsWith,
} from '../pipeline/support.js';

const WORKER = fileURLToPath(new URL('../../../src/host/layer-worker.ts', import.meta.url));
const MiB = 1024 * 1024;

/** Three uncompressed layers big enough (> 4 MiB) to be sent to workers, with a marker in each. */
function bigLayout(dir: string) {
  return makeLayout(join(dir, 'src'), {
    layers: [0, 1, 2].map((i) => ({
      files: { [`blob${i}`]: Buffer.concat([Buffer.from(`marker-${i}-`), randomBytes(5 * MiB)]) },
      compression: 'none' as const,
    })),
  });
}

describe('layer workers', () => {
  const kp = keyPair('p256');

  it('encrypt and decrypt through workers give back every layer byte for byte, with no marker in the ciphertext', async () => {
    const dir = tempDir();
    const built = bigLayout(dir);
    const lines: string[] = [];
    const enc = await encryptImage({
      layout: join(dir, 'src'),
      output: join(dir, 'enc'),
      recipients: recipients(kp),
      workerScript: WORKER,
      concurrency: 3,
      log: (l) => lines.push(l),
    });
    assert.equal(enc.platforms[0]!.layers.filter((l) => l.action === 'encrypted').length, 3);
    for (const l of enc.platforms[0]!.layers) {
      const bytes = readBlob(join(dir, 'enc'), l.digest);
      assert.equal(bytes.length, l.size);
      assert.ok(!bytes.includes('marker-'), 'plaintext marker in an encrypted blob');
    }
    const dec = await decryptImage({
      layout: join(dir, 'enc'),
      output: join(dir, 'dec'),
      keys: decryptionKeys(kp),
      workerScript: WORKER,
      concurrency: 3,
    });
    assert.deepEqual(
      dec.platforms[0]!.layers.map((l) => l.digest),
      built.layers.map((l) => l.digest),
    );
    assert.equal(lines.filter((l) => l.startsWith('encrypted layer')).length, 3);
  });

  it('a corrupt source blob fails with E_DIGEST from the worker, and nothing is written', async () => {
    const dir = tempDir();
    const built = bigLayout(dir);
    const path = join(dir, 'src', 'blobs', 'sha256', built.layers[1]!.digest.slice(7));
    const bytes = readFileSync(path);
    bytes[3 * MiB] = bytes[3 * MiB]! ^ 0xff;
    writeFileSync(path, bytes);
    const out = join(dir, 'enc');
    await rejectsWith(
      encryptImage({
        layout: join(dir, 'src'),
        output: out,
        recipients: recipients(kp),
        workerScript: WORKER,
        concurrency: 3,
      }),
      'E_DIGEST',
      [built.layers[1]!.digest],
    );
    assertNothingWritten(out);
  });

  it('tampered ciphertext with a matching digest fails its MAC in the worker (E_INTEGRITY), and nothing is written', async () => {
    const dir = tempDir();
    bigLayout(dir);
    await encryptImage({ layout: join(dir, 'src'), output: join(dir, 'enc'), recipients: recipients(kp) });
    // Flip a byte of one encrypted layer and re-point the manifest at it, so only the MAC can tell.
    const enc = join(dir, 'enc');
    const { desc, doc } = onlyManifest(enc);
    const layer = doc.layers[1]!; // jobs start in order: layers 0 and 1 go to the two workers, 2 runs inline
    const blob = readBlob(enc, layer.digest);
    blob[MiB] = blob[MiB]! ^ 0x01;
    const { createHash } = await import('node:crypto');
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    writeFileSync(join(enc, 'blobs', 'sha256', digest.slice(7)), blob);
    const manifest = { ...doc, layers: doc.layers.map((l, i) => (i === 1 ? { ...l, digest } : l)) };
    const mbytes = Buffer.from(JSON.stringify(manifest));
    const mdigest = `sha256:${createHash('sha256').update(mbytes).digest('hex')}`;
    writeFileSync(join(enc, 'blobs', 'sha256', mdigest.slice(7)), mbytes);
    writeFileSync(
      join(enc, 'index.json'),
      JSON.stringify({ schemaVersion: 2, manifests: [{ ...desc, digest: mdigest, size: mbytes.length }] }),
    );
    const out = join(dir, 'dec');
    await rejectsWith(
      decryptImage({
        layout: enc,
        output: out,
        keys: decryptionKeys(kp),
        workerScript: WORKER,
        concurrency: 3,
      }),
      'E_INTEGRITY',
    );
    assertNothingWritten(out);
  });
});
