/**
 * Decrypted output is private: the staging folder and every folder of the output are 0700 and every file 0600,
 * set when each is created, so even a permissive umask (0o000 here) cannot expose plaintext to other users.
 * Plaintext that failed its MAC never outlives the temp file it was written to.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LayoutWriter } from '../../../src/oci/layout/writer.js';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { keyPair, makeLayout, readBlob, tempDir } from '../../helpers/fixtures.js';
import { assertNothingWritten, decryptionKeys, onlyManifest, recipients, rejectsWith } from './support.js';

const WORKER = fileURLToPath(new URL('../../../src/host/layer-worker.ts', import.meta.url));
const MiB = 1024 * 1024;
const MARKER = 'plaintext-marker-';
const kp = keyPair('p256');

let umask: number;
before(() => {
  umask = process.umask(0o000);
});
after(() => {
  process.umask(umask);
});

function mode(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** Every folder and file under root (root included), with its permission bits. */
function modes(root: string): { dirs: Map<string, string>; files: Map<string, string> } {
  const dirs = new Map([[root, mode(root)]]);
  const files = new Map<string, string>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    (e.isDirectory() ? dirs : files).set(p, mode(p));
  }
  return { dirs, files };
}

function assertPrivate(root: string): void {
  const { dirs, files } = modes(root);
  assert.ok(files.size > 0, `${root} holds no file`);
  for (const [p, m] of dirs) assert.equal(m, '0700', `folder ${p} is ${m}`);
  for (const [p, m] of files) assert.equal(m, '0600', `file ${p} is ${m}`);
}

/** A small layer (decrypted on this thread) and a 5 MiB one (in a worker), each with the marker. */
async function encrypted(dir: string): Promise<string> {
  makeLayout(join(dir, 'src'), {
    layers: [
      { files: { small: `${MARKER}small` }, compression: 'none' },
      {
        files: { big: Buffer.concat([Buffer.from(`${MARKER}big`), randomBytes(5 * MiB)]) },
        compression: 'none',
      },
    ],
  });
  const enc = join(dir, 'enc');
  await encryptImage({ layout: join(dir, 'src'), output: enc, recipients: recipients(kp) });
  return enc;
}

describe('decrypt output permissions, under umask 0o000', () => {
  test('the staging folder is 0700 with 0600 files while layers land, and so is the final output', async () => {
    const dir = tempDir();
    const enc = await encrypted(dir);
    const out = join(dir, 'dec');
    const seen: string[] = [];
    await decryptImage({
      layout: enc,
      output: out,
      keys: decryptionKeys(kp),
      workerScript: WORKER,
      concurrency: 2,
      // Called once a layer's plaintext is in the staging folder: look at it then.
      log: () => {
        const staging = readdirSync(dir).filter((f) => f.startsWith('.dec.oep-'));
        assert.equal(staging.length, 1, 'one staging folder');
        assertPrivate(join(dir, staging[0]!));
        seen.push(staging[0]!);
      },
    });
    assert.equal(seen.length, 2, 'both layers were looked at in staging');
    assertPrivate(out);
    assert.ok(existsSync(join(out, 'index.json')));
  });

  test('a blob streamed into a private writer (a registry source) is 0600 in 0700 folders', async () => {
    const out = join(tempDir(), 'dec');
    const writer = await LayoutWriter.create(out, { private: true });
    await writer.writeStream(Readable.from([Buffer.from(`${MARKER}streamed`)]));
    await writer.writeBytes(Buffer.from('{}'));
    await writer.commit([]);
    assertPrivate(out);
  });
});

/** Flip a byte of layer `i`'s ciphertext and re-point the manifest at it, so only the MAC can tell. */
function tamper(enc: string, i: number): void {
  const { desc, doc } = onlyManifest(enc);
  const blob = readBlob(enc, doc.layers[i]!.digest);
  blob[blob.length - 1] = blob[blob.length - 1]! ^ 0x01;
  const put = (bytes: Buffer) => {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    writeFileSync(join(enc, 'blobs', 'sha256', digest.slice(7)), bytes);
    return digest;
  };
  const digest = put(blob);
  const manifest = Buffer.from(
    JSON.stringify({ ...doc, layers: doc.layers.map((l, j) => (j === i ? { ...l, digest } : l)) }),
  );
  const index = { schemaVersion: 2, manifests: [{ ...desc, digest: put(manifest), size: manifest.length }] };
  writeFileSync(join(enc, 'index.json'), JSON.stringify(index));
}

/** Files under root (skipping `skip`) whose bytes hold the plaintext marker. */
function plaintextFiles(root: string, skip: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !join(e.parentPath, e.name).startsWith(skip))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => readFileSync(p).includes(MARKER));
}

describe('plaintext that fails its MAC is removed', () => {
  for (const [what, layer] of [
    ['on this thread', 0],
    ['in a worker', 1],
  ] as const) {
    test(`a tampered layer decrypted ${what}: E_INTEGRITY, no plaintext in the output's folder or TMPDIR`, async () => {
      const dir = tempDir();
      const enc = await encrypted(dir);
      tamper(enc, layer);
      const tmp = tempDir('oep-tmpdir-');
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      const out = join(dir, 'dec');
      try {
        await rejectsWith(
          decryptImage({ layout: enc, output: out, keys: decryptionKeys(kp), workerScript: WORKER }),
          'E_INTEGRITY',
        );
      } finally {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      }
      assertNothingWritten(out);
      assert.deepEqual(plaintextFiles(dirname(out), join(dir, 'src')), []);
      assert.deepEqual(plaintextFiles(tmp, '\0'), []); // tsx keeps its own cache there
    });
  }
});
