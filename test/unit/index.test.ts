// The library entry (src/index.ts): option objects named like the CLI's flags, the request layer's checks and
// messages, host concerns from createEngine, and silence unless a logger is given.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  createEngine,
  decrypt,
  encrypt,
  inspect,
  isOepError,
  parseRecipients,
  push,
  rewrap,
} from '../../src/index.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../helpers/fixtures.js';

function fixture() {
  const dir = tempDir();
  const layout = join(dir, 'src');
  makeLayout(layout, { layers: [{ files: { a: randomBytes(2048) } }, { files: { b: randomBytes(2048) } }] });
  const kp = keyPair('p256');
  return { dir, layout, kp, key: writeKeyPair(dir, 'k', kp) };
}

describe('library', () => {
  it('encrypts a layout with a recipient spec, and decrypts it back', async () => {
    const { dir, layout, key } = fixture();
    const r = await encrypt({ layout, recipients: [`jwe:${key.pub}`], output: join(dir, 'out') });
    assert.match(r.digest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      r.platforms[0]!.layers.map((l) => l.action),
      ['encrypted', 'encrypted'],
    );
    const seen = await inspect({ layout: join(dir, 'out') });
    assert.equal(seen.digest, r.digest);
    const back = await decrypt({ layout: join(dir, 'out'), keys: [key.priv], output: join(dir, 'plain') });
    assert.deepEqual(
      back.platforms[0]!.layers.map((l) => l.action),
      ['decrypted', 'decrypted'],
    );
  });

  it('takes public key text and layer lists as arrays, and logs only through the host logger', async () => {
    const { dir, layout, kp } = fixture();
    const lines: string[] = [];
    const engine = createEngine({ log: (l) => lines.push(l), concurrency: 1 });
    const r = await engine.encrypt({
      layout,
      publicKeys: kp.publicPem,
      encryptLayers: [-1],
      output: join(dir, 'out'),
    });
    assert.deepEqual(
      r.platforms[0]!.layers.map((l) => l.action),
      ['kept', 'encrypted'],
    );
    assert.ok(lines.length > 0);
    // The report's form is expect-recipients': sha256: and the hex of the public key's DER.
    assert.equal(
      r.recipients?.[0]?.fingerprint,
      `sha256:${parseRecipients(kp.publicPem, 'k')[0]!.fingerprint}`,
    );
  });

  it('fails with the request layer’s codes and messages, as a rejected promise', async () => {
    const { dir, layout, key } = fixture();
    const out = join(dir, 'out');
    await assert.rejects(encrypt({ layout, output: out }), (e) => isOepError(e, 'E_NO_RECIPIENT'));
    await assert.rejects(
      encrypt({ layout, recipients: [key.pub], output: out, retries: 99, image: 'localhost:1/x' }),
      (e) => isOepError(e, 'E_USAGE') && /^retries: "99" is not a whole number/.test(e.message),
    );
    await assert.rejects(
      push({ layout, recipients: [key.pub], image: ' ' }),
      (e) => isOepError(e, 'E_USAGE') && /^image: is required/.test(e.message),
    );
    await assert.rejects(
      encrypt({ layout, recipients: [key.pub], output: out, ca: 'x', caFile: 'y', image: 'localhost:1/x' }),
      (e) => isOepError(e, 'E_USAGE') && /^ca-cert: ca and caFile/.test(e.message),
    );
    await assert.rejects(decrypt({ layout, keys: [], output: out }), (e) => isOepError(e, 'E_USAGE'));
    assert.equal(existsSync(out), false);
  });

  it('stops on the engine’s signal and leaves no staging folder', async () => {
    const { dir, layout, key } = fixture();
    const stop = new AbortController();
    stop.abort(new Error('stopped by the host'));
    const engine = createEngine({ signal: stop.signal });
    await assert.rejects(
      engine.encrypt({ layout, recipients: [key.pub], output: join(dir, 'out') }),
      /stopped by the host/,
    );
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.oep-')),
      [],
    );
  });

  it('has no side effects at import: no signal handlers, no temp registry, nothing printed', () => {
    const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const script = `const before = process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
      await import(${JSON.stringify(entry)});
      console.log(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM') - before);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '0\n');
    assert.equal(r.stderr, '');
  });
});

describe('library: key text where a path belongs', () => {
  it('is refused without echoing the key, for recipients and for decryption keys', async () => {
    const { dir, layout, kp } = fixture();
    const body = kp.privatePem.split('\n')[1]!;
    for (const run of [
      () => encrypt({ layout, recipients: [kp.privatePem], output: join(dir, 'o1') }),
      () => decrypt({ layout, keys: [kp.privatePem], output: join(dir, 'o2') }),
    ]) {
      await assert.rejects(run(), (e) => {
        assert.ok(isOepError(e, 'E_USAGE'), String(e));
        assert.ok(!e.describe().includes(body), 'the key text is in the message');
        assert.match(e.message, /key text/);
        return true;
      });
    }
    assert.equal(existsSync(join(dir, 'o1')), false);
  });
});

describe('library: ca is PEM text only', () => {
  it('never reads a path given as ca (a path goes in caFile)', async () => {
    const { layout } = fixture();
    await assert.rejects(inspect({ layout, ca: '/etc/passwd' }), (e) => {
      assert.ok(isOepError(e, 'E_USAGE'), String(e));
      assert.match(e.message, /ca is not PEM text/);
      return true;
    });
  });
});

describe('library: rewrap', () => {
  it('rewraps an encrypted layout for other keys (rewrap from the package, and on an engine)', async () => {
    const { dir, layout, key } = fixture();
    const other = writeKeyPair(dir, 'other', keyPair('rsa2048'));
    await encrypt({ layout, recipients: [key.pub], output: join(dir, 'enc') });
    const r = await rewrap({
      layout: join(dir, 'enc'),
      keys: [key.priv],
      recipients: [other.pub],
      output: join(dir, 'rw'),
    });
    assert.deepEqual(
      r.platforms[0]!.layers.map((l) => [l.action, l.digest === l.sourceDigest]),
      [
        ['rewrapped', true],
        ['rewrapped', true],
      ],
    );
    await assert.rejects(
      decrypt({ layout: join(dir, 'rw'), keys: [key.priv], output: join(dir, 'no') }),
      (e) => isOepError(e, 'E_DECRYPT'),
    );
    const k = await createEngine({ concurrency: 1 }).rewrap({
      layout: join(dir, 'rw'),
      keys: [other.priv],
      publicKeys: keyPair('p256').publicPem,
      rekey: true,
      output: join(dir, 'rk'),
    });
    assert.deepEqual(
      k.platforms[0]!.layers.map((l) => l.action),
      ['rekeyed', 'rekeyed'],
    );
  });
});
