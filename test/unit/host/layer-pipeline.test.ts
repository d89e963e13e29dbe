// One layer across lanes (the path every large layer of the CLI, the Action and Tekton takes): the bytes and
// results of the one-thread loop for every mode and size around the ring's edges, the loop's checks in its
// order, nothing left behind on a failure or an abort, and a shared pool that neither hangs nor grows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isOepError } from '../../../src/errors.js';
import { LanePool } from '../../../src/host/lane-pool.js';
import { runFileJob, type FileJob, type FileJobResult } from '../../../src/host/layer-files.js';
import { runPipelined, SLOT_SIZE, SLOTS } from '../../../src/host/layer-pipeline.js';
import type { LayerParams } from '../../../src/ocicrypt/loop.js';
import { sha256, tempDir } from '../../helpers/fixtures.js';

const WORKER = fileURLToPath(new URL('../../../src/host/layer-worker.ts', import.meta.url));
const dir = tempDir();
const pool = new LanePool(WORKER, 3);
after(() => pool.close());

let n = 0;
function job(data: Buffer, params: LayerParams, digest = sha256(data)): FileJob {
  const path = join(dir, `in-${n++}`);
  writeFileSync(path, data);
  return {
    ...params,
    source: { path, offset: 0, size: data.length },
    expected: { digest, size: data.length },
    sourceName: 'layout',
    out: join(dir, `out-${n++}`),
  };
}

/** A result with its MAC as a Buffer (it comes from another thread as a plain Uint8Array). */
function plain(r: FileJobResult) {
  return { ...r, ...(r.hmac ? { hmac: Buffer.from(r.hmac) } : {}) };
}

/** The pipelined result and bytes (spread over lanes, or on one), and the one-thread loop's for the same job. */
async function bothWays(j: FileJob, split = true) {
  const piped = plain(await runPipelined(j, pool, { split }));
  const inline = plain(await runFileJob({ ...j, out: `${j.out}-inline` }));
  return { piped, inline, pipedBytes: readFileSync(j.out), inlineBytes: readFileSync(`${j.out}-inline`) };
}

const secrets = () => ({ key: randomBytes(32), nonce: randomBytes(16) });
const SIZES = [0, 1, SLOT_SIZE - 1, SLOT_SIZE, SLOTS * SLOT_SIZE + 3, 2 * SLOTS * SLOT_SIZE + SLOT_SIZE / 2];

describe('a layer across lanes', () => {
  for (const [size, split] of SIZES.flatMap((n) => [true, false].map((sp) => [n, sp] as const))) {
    it(`${size} bytes, ${split ? 'spread over lanes' : 'on one lane'}: encrypt, decrypt, rekey and copy give the one-thread loop's bytes, digest, size and MAC`, async () => {
      const plain = randomBytes(size);
      const s = secrets();
      const both = (j: FileJob) => bothWays(j, split);
      const enc = await both(job(plain, { mode: 'encrypt', ...s }));
      assert.deepEqual(enc.piped, enc.inline);
      assert.ok(enc.pipedBytes.equals(enc.inlineBytes));
      assert.equal(enc.piped.digest, sha256(enc.pipedBytes));
      assert.equal(enc.piped.size, size);
      const expectedHmac = enc.piped.hmac!;
      const dec = await both(job(enc.pipedBytes, { mode: 'decrypt', ...s, expectedHmac }));
      assert.deepEqual(dec.piped, dec.inline);
      assert.ok(dec.pipedBytes.equals(plain));
      const fresh = secrets();
      const rekey = { mode: 'rekey' as const, ...s, expectedHmac, newKey: fresh.key, newNonce: fresh.nonce };
      const re = await both(job(enc.pipedBytes, rekey));
      assert.deepEqual(re.piped, re.inline);
      assert.ok(re.pipedBytes.equals(re.inlineBytes));
      const copy = await both(job(plain, { mode: 'copy' }));
      assert.deepEqual(copy.piped, { digest: sha256(plain), size });
      assert.ok(copy.pipedBytes.equals(plain));
    });
  }

  for (const split of [true, false]) {
    it(`${split ? 'spread over lanes' : 'on one lane'}: the checks come in the one-thread loop's order, the digest (E_DIGEST) before the MAC (E_INTEGRITY); no output either way`, async () => {
      const s = secrets();
      const enc = job(randomBytes(3 * SLOT_SIZE + 7), { mode: 'encrypt', ...s });
      const { hmac } = await runPipelined(enc, pool);
      const ct = readFileSync(enc.out);
      ct[SLOT_SIZE + 5]! ^= 1;
      const wrong = job(ct, { mode: 'decrypt', ...s, expectedHmac: hmac! }, sha256(Buffer.from('other')));
      await assert.rejects(runPipelined(wrong, pool, { split }), (e) => isOepError(e, 'E_DIGEST'));
      assert.equal(existsSync(wrong.out), false);
      const mac = job(ct, { mode: 'decrypt', ...s, expectedHmac: hmac! });
      await assert.rejects(runPipelined(mac, pool, { split }), (e) => isOepError(e, 'E_INTEGRITY'));
      assert.equal(existsSync(mac.out), false);
    });
  }

  it('a file shorter than its descriptor fails with E_DIGEST', async () => {
    const data = randomBytes(2 * SLOT_SIZE);
    const j = job(data.subarray(0, SLOT_SIZE + 1), { mode: 'copy' });
    const short = {
      ...j,
      source: { ...j.source, size: data.length },
      expected: { digest: sha256(data), size: data.length },
    };
    await assert.rejects(
      runPipelined(short, pool),
      (e) => isOepError(e, 'E_DIGEST') && /ends after/.test(e.message),
    );
    assert.equal(existsSync(short.out), false);
  });

  it('an option the lane refuses (a MAC of the wrong length) fails the job with its code', async () => {
    for (const split of [true, false]) {
      const j = job(randomBytes(SLOT_SIZE), { mode: 'decrypt', ...secrets(), expectedHmac: randomBytes(5) });
      await assert.rejects(runPipelined(j, pool, { split }), (e) => isOepError(e, 'E_OPTIONS'));
      assert.equal(existsSync(j.out), false);
    }
  });

  it('an abort stops the job within a few chunks, removes its output, and the lanes serve the next job', async () => {
    const stop = new AbortController();
    const j = job(randomBytes(6 * SLOTS * SLOT_SIZE), { mode: 'encrypt', ...secrets() });
    let seen = 0;
    const onProgress = (bytes: number) => {
      seen = bytes;
      if (bytes >= 2 * SLOT_SIZE) stop.abort(new Error('stop here'));
    };
    await assert.rejects(runPipelined(j, pool, { signal: stop.signal, onProgress }), /stop here/);
    assert.ok(seen < 3 * SLOT_SIZE, `read ${seen} bytes after the abort`);
    assert.equal(existsSync(j.out), false);
    const next = await bothWays(job(randomBytes(3 * SLOT_SIZE), { mode: 'encrypt', ...secrets() }));
    assert.ok(next.pipedBytes.equals(next.inlineBytes));
  });

  it('six layers at once, spread or not, share the pool: the same bytes, and no more than its two worker threads', async () => {
    const jobs = Array.from({ length: 6 }, () =>
      job(randomBytes(2 * SLOTS * SLOT_SIZE), { mode: 'encrypt', ...secrets() }),
    );
    const results = await Promise.all(jobs.map((j, i) => runPipelined(j, pool, { split: i % 2 === 0 })));
    assert.ok(pool.workers <= 2, `${pool.workers} worker threads`);
    for (const [i, j] of jobs.entries()) {
      const inline = await runFileJob({ ...j, out: `${j.out}-inline` });
      assert.deepEqual(plain(results[i]!), plain(inline));
    }
  });

  it('a spread layer on two cores runs on this thread and one worker, on more on a thread each: the same bytes', async () => {
    for (const [cores, workers] of [
      [2, 1],
      [3, 2],
    ] as const) {
      const own = new LanePool(WORKER, 3);
      try {
        const j = job(randomBytes(2 * SLOTS * SLOT_SIZE + 7), { mode: 'encrypt', ...secrets() });
        const piped = plain(await runPipelined(j, own, { split: true, cores }));
        const inline = plain(await runFileJob({ ...j, out: `${j.out}-inline` }));
        assert.deepEqual(piped, inline);
        assert.ok(readFileSync(j.out).equals(readFileSync(`${j.out}-inline`)));
        assert.equal(own.workers, workers, `${cores} cores`);
      } finally {
        await own.close();
      }
    }
  });

  it('a spread layer whose hash lane dies closes its output only once no lane can write to it any more', async () => {
    // A hash lane dies on its second chunk while the chain lane (which writes) is slow: the job fails at once,
    // but the chain still has chunks queued. Were the output closed before they are answered, the chain would
    // write them (ciphertext, or plaintext when decrypting) into whatever file the process opens next on that fd.
    const script = join(dir, 'hash-dies.ts');
    const lanes = JSON.stringify(fileURLToPath(new URL('../../../src/host/lanes.ts', import.meta.url)));
    writeFileSync(
      script,
      [
        "import { parentPort } from 'node:worker_threads';",
        `import { laneHandler } from ${lanes};`,
        'const kinds = new Map<number, string>();',
        'let hashed = 0;',
        'const handle = laneHandler((r) => parentPort!.postMessage(r));',
        "parentPort!.on('message', (m: { op: string; stream: number; spec?: { kind: string } }) => {",
        "  if (m.op === 'open') kinds.set(m.stream, m.spec!.kind);",
        "  if (m.op === 'update' && kinds.get(m.stream) === 'hash' && ++hashed === 2) process.exit(7);",
        "  if (m.op === 'update' && kinds.get(m.stream) === 'chain') { const t = Date.now(); while (Date.now() - t < 150); }",
        '  handle(m as never);',
        '});',
      ].join('\n'),
    );
    const fourLanes = new LanePool(script, 4); // this thread and three workers: chain and both hashes each on one
    try {
      const j = job(randomBytes(4 * SLOT_SIZE), { mode: 'encrypt', ...secrets() });
      await assert.rejects(runPipelined(j, fourLanes, { split: true }), /exited with code 7/);
      // What the process opens next may get the output's fd number: it must stay as written.
      const victims = Array.from({ length: 4 }, (_, i) => join(dir, `victim-${i}`));
      const fds = victims.map((v) => openSync(v, 'w+'));
      for (const fd of fds) writeSync(fd, Buffer.from('untouched'));
      await sleep(800);
      for (const fd of fds) closeSync(fd);
      for (const v of victims) assert.equal(readFileSync(v, 'utf8'), 'untouched', v);
      assert.equal(existsSync(j.out), false);
    } finally {
      await fourLanes.close();
    }
  });

  it('a lane thread that dies fails the jobs on it, never hangs them', async () => {
    const script = join(dir, 'dies.mjs');
    writeFileSync(script, 'process.exit(3);\n');
    const dying = new LanePool(script, 3);
    try {
      const j = job(randomBytes(3 * SLOT_SIZE), { mode: 'encrypt', ...secrets() });
      await assert.rejects(runPipelined(j, dying), /exited with code 3/);
      assert.equal(existsSync(j.out), false);
    } finally {
      await dying.close();
    }
  });
});
