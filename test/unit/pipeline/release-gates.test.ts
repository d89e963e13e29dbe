/**
 * The release gates on an encrypted layout (no registry): the decryptability gate on the layout as written
 * (removed when it fails: fail closed), and the config-leak check (fail: nothing written; warn: findings in the
 * report, never the values).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { gateLayout, type VerifyKey } from '../../../src/pipeline/decrypt-gate.js';
import { fingerprintOf, keyPair, makeLayout, readBlob, tempDir } from '../../helpers/fixtures.js';
import { leakyImage } from '../../helpers/leaks.js';
import {
  assertNothingWritten,
  decryptionKeys,
  makeBuildKitLayout,
  onlyManifest,
  recipients,
  rejectsWith,
} from './support.js';

const alice = keyPair('rsa2048');
const bob = keyPair('p256');
const mallory = keyPair('p256');

const fp = fingerprintOf;
const verifyKeys = (...kps: (typeof alice)[]): VerifyKey[] =>
  kps.map((kp) => ({ key: decryptionKeys(kp)[0]!, fingerprint: fp(kp.publicKey) }));

function twoLayers(dir: string): string {
  const layout = join(dir, 'src');
  makeLayout(layout, {
    layers: [
      { files: { 'big.bin': 'x'.repeat(50_000) }, compression: 'none' },
      { files: { 'small.txt': 'hi' } },
    ],
  });
  return layout;
}

describe('the decryptability gate on a written layout', () => {
  test('each verify key opens every layer; the smallest layer of each platform is decrypted', async () => {
    const dir = tempDir();
    const output = join(dir, 'out');
    const report = await encryptImage({
      layout: twoLayers(dir),
      output,
      recipients: [...recipients(alice), ...recipients(bob)],
      verifyKeys: verifyKeys(alice, bob),
    });
    const layers = onlyManifest(output).doc.layers;
    const smallest = layers.reduce((a, b) => (b.size < a.size ? b : a));
    assert.deepEqual(report.gate, {
      keys: [fp(alice.publicKey), fp(bob.publicKey)],
      layersUnwrapped: 2,
      layersDecrypted: [{ platform: 'linux/amd64', digest: smallest.digest, size: smallest.size }],
    });
  });

  test('multi-platform: the smallest encrypted layer of each platform', async () => {
    const dir = tempDir();
    const layout = join(dir, 'src');
    makeBuildKitLayout(layout);
    const report = await encryptImage({
      layout,
      output: join(dir, 'out'),
      recipients: recipients(alice),
      verifyKeys: verifyKeys(alice),
    });
    assert.deepEqual(
      report.gate?.layersDecrypted.map((d) => d.platform),
      ['linux/amd64', 'linux/arm64/v8'],
    );
  });

  test('a key the image was not encrypted for: E_GATE naming its fingerprint and the layer; no output', async () => {
    const dir = tempDir();
    const output = join(dir, 'out');
    const err = await rejectsWith(
      encryptImage({
        layout: twoLayers(dir),
        output,
        recipients: recipients(alice),
        verifyKeys: verifyKeys(alice, mallory),
      }),
      'E_GATE',
      [`verify key ${fp(mallory.publicKey)}`, 'does not open layer 0 (sha256:', 'of linux/amd64', output],
    );
    assert.ok(!err.message.includes(fp(alice.publicKey)), 'the key that opens is not blamed');
    assertNothingWritten(output);
  });

  test('a layer changed after it was written fails the gate when read back, and the layout goes', async () => {
    const dir = tempDir();
    const output = join(dir, 'out');
    await encryptImage({ layout: twoLayers(dir), output, recipients: recipients(alice) });
    const layers = onlyManifest(output).doc.layers;
    const smallest = layers.reduce((a, b) => (b.size < a.size ? b : a));
    const file = join(output, 'blobs', 'sha256', smallest.digest.slice(7));
    const bytes = readBlob(output, smallest.digest);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(file, bytes);
    await rejectsWith(
      gateLayout(output, verifyKeys(alice), () => {}),
      'E_DIGEST',
      [`decryptability gate: layer 1 (${smallest.digest}) of linux/amd64, as read back from ${output}`],
    );
    assert.equal(existsSync(output), false, 'a layout that failed the gate is removed');
  });
});

describe('the config-leak check', () => {
  function leaky(dir: string) {
    const layout = join(dir, 'src');
    const { spec, secrets } = leakyImage();
    makeLayout(layout, { layers: [{ files: { a: 'a' } }], ...spec });
    return { layout, secrets };
  }

  test('fail: E_CONFIG_SECRET naming where and the rule, never a value; nothing written', async () => {
    const dir = tempDir();
    const { layout, secrets } = leaky(dir);
    const output = join(dir, 'out');
    const lines: string[] = [];
    const err = await rejectsWith(
      encryptImage({
        layout,
        output,
        recipients: recipients(alice),
        configSecrets: 'fail',
        log: (l) => lines.push(l),
      }),
      'E_CONFIG_SECRET',
      [
        'config-secrets: ',
        'linux/amd64 config Env DB_PASSWORD: secret-name',
        'and 4 more',
        'nothing was written',
      ],
    );
    assertNothingWritten(output);
    const text = [err.describe(), ...lines].join('\n');
    for (const s of secrets) assert.ok(!text.includes(s), 'a secret value reached a message or a log line');
    assert.deepEqual(
      lines.filter((l) => l.includes('secret-shaped')).map((l) => l.replace(/^.*config: /, '')),
      [
        'linux/amd64 config Env DB_PASSWORD: secret-name',
        'linux/amd64 config Env AWS_SECRET_ACCESS_KEY: aws-secret-access-key',
        'linux/amd64 config Labels org.example.ci-token: github-token',
        'linux/amd64 config Labels org.example.ci-token: secret-name',
        'linux/amd64 history[1]: npm-token',
        'linux/amd64 history[1] NPM_TOKEN: secret-name',
        'linux/amd64 manifest annotation org.example.session: jwt',
      ],
    );
  });

  test('warn (the default): the run goes on; the report lists the findings, without values', async () => {
    const dir = tempDir();
    const { layout, secrets } = leaky(dir);
    const report = await encryptImage({ layout, output: join(dir, 'out'), recipients: recipients(alice) });
    assert.equal(report.configSecrets?.length, 7);
    assert.deepEqual(report.configSecrets?.[0], {
      platform: 'linux/amd64',
      where: 'config Env DB_PASSWORD',
      rule: 'secret-name',
    });
    const json = JSON.stringify(report);
    for (const s of secrets) assert.ok(!json.includes(s), 'a secret value is in the report');
  });

  test('off: no check; a clean config: no findings field', async () => {
    const dir = tempDir();
    const { layout } = leaky(dir);
    const off = await encryptImage({
      layout,
      output: join(dir, 'off'),
      recipients: recipients(alice),
      configSecrets: 'off',
    });
    assert.equal(off.configSecrets, undefined);
    const clean = await encryptImage({
      layout: twoLayers(dir),
      output: join(dir, 'clean'),
      recipients: recipients(alice),
    });
    assert.equal(clean.configSecrets, undefined);
    assert.deepEqual(readdirSync(join(dir, 'clean')).sort(), ['blobs', 'index.json', 'oci-layout']);
  });
});
