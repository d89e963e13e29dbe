/**
 * The release gates through the CLI against the real registry: the decryptability gate (--verify-key) lets a tag
 * move only when what landed opens for each key, and a layer that comes back altered fails its HMAC check;
 * recipient pinning (--expect-recipients) and the config-leak check (--config-secrets fail) stop the run before
 * anything is uploaded, as the registry's own access log shows.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fingerprintOf, keyPair, makeLayout, writeKeyPair } from '../../helpers/fixtures.js';
import { leakyImage } from '../../helpers/leaks.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import {
  assertNoTag,
  cli,
  printedDigest,
  sourceImage,
  storedRepositories,
  tagState,
  type ProcResult,
  type Source,
} from './support.js';

const fp = fingerprintOf;
const bob = keyPair('p256');

function errorLine(r: ProcResult): string {
  const errors = r.stderr.split('\n').filter((l) => /^error\[E_[A-Z_]+\]: /.test(l));
  assert.equal(errors.length, 1, r.stderr);
  return errors[0]!;
}

/** Upload requests the registry served, from its own access log. */
function uploadsLogged(reg: Registry): string[] {
  return reg.logs().match(/"(?:POST|PUT|PATCH) \/v2\/[^"]*"/g) ?? [];
}

async function setup(t: TestContext) {
  if (!needRegistry(t, 'plain')) return undefined;
  const reg = await useRegistry(t, { mode: 'plain' });
  const src = sourceImage();
  const bobKeys = writeKeyPair(src.dir, 'bob', bob);
  return { reg, src, bobKeys };
}

function encrypt(src: Source, host: string, ...more: string[]): Promise<ProcResult> {
  return cli([
    'encrypt',
    '--layout',
    src.layout,
    '--image',
    `${host}/team/app:v1`,
    '--recipient',
    `jwe:${src.pub}`,
    '--tls-verify=false',
    '--retries',
    '0',
    ...more,
  ]);
}

test('--verify-key: the right keys pass, the tag moves, the report says what the gate proved', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const report = join(s.src.dir, 'report.json');
  const r = await encrypt(
    s.src,
    s.reg.host,
    '--recipient',
    `jwe:${s.bobKeys.pub}`,
    '--verify-key',
    s.src.priv,
    '--verify-key',
    s.bobKeys.priv,
    '--report',
    report,
  );
  const digest = printedDigest(r);
  assert.equal((await tagState(s.reg, 'team/app', 'v1')).digest, digest);
  const gate = (
    JSON.parse(readFileSync(report, 'utf8')) as { gate: { keys: string[]; layersUnwrapped: number } }
  ).gate;
  assert.deepEqual(gate.keys, [fp(s.src.keys.publicKey), fp(bob.publicKey)]);
  assert.equal(gate.layersUnwrapped, 2);
  assert.match(
    r.stderr,
    /decryptability gate: .* open all 2 encrypted layer\(s\) in 127\.0\.0\.1:\d+\/team\/app/,
  );
  assert.ok(uploadsLogged(s.reg).length > 0, "the registry's access log records uploads");
});

test('--verify-key with a key the image was not encrypted for: E_GATE naming it; no tag, no digest', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const digestFile = join(s.src.dir, 'digest.txt');
  const r = await encrypt(
    s.src,
    s.reg.host,
    '--verify-key',
    s.src.priv,
    '--verify-key',
    s.bobKeys.priv,
    '--digest-file',
    digestFile,
  );
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '', 'no digest on stdout');
  const line = errorLine(r);
  assert.match(line, /^error\[E_GATE\]: decryptability gate: verify key /);
  assert.ok(line.includes(fp(bob.publicKey)), line);
  assert.ok(!line.includes(fp(s.src.keys.publicKey)), 'the key that opens is not blamed');
  assert.match(line, /does not open layer 0 \(sha256:[0-9a-f]{64}\) of linux\/amd64/);
  assert.match(line, /no tag was pushed/);
  await assertNoTag(s.reg, 'team/app', 'v1');
  assert.equal(existsSync(digestFile), false, 'no digest file');
});

test('a layer altered on its way back from the registry fails its HMAC check; no tag', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const proxy = await startFaultProxy({ url: s.reg.url });
  t.after(() => proxy.close());
  // The push reads no blob back (HEAD only): the blob GETs are the gate's, the config's first (forwarded as it
  // is: a stall of 0 ms, once), then the layer's, one byte of which comes back flipped.
  proxy.when('GET', /\/blobs\/sha256:/).stall(0, 1);
  const rule = proxy.when('GET', /\/blobs\/sha256:/).corruptByte(20, Infinity);
  const r = await encrypt(s.src, proxy.host, '--verify-key', s.src.priv);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  const line = errorLine(r);
  assert.match(
    line,
    /^error\[E_INTEGRITY\]: decryptability gate: layer \d \(sha256:[0-9a-f]{64}\) of linux\/amd64/,
  );
  assert.match(line, /fails its HMAC check/);
  assert.ok(rule.hits >= 1);
  await assertNoTag(s.reg, 'team/app', 'v1');
});

test('--expect-recipients: a match pushes; a mismatch, a missing and an extra key upload nothing', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const alice = fp(s.src.keys.publicKey);
  const ok = await encrypt(s.src, s.reg.host, '--expect-recipients', alice, '--tag', 'pinned');
  printedDigest(ok);
  const reg = await useRegistry(t, { mode: 'plain' });
  const cases: [string, string[], RegExp][] = [
    ['mismatch', ['--expect-recipients', fp(bob.publicKey)], /unexpected sha256:.*; missing sha256:/],
    ['missing', ['--expect-recipients', `${alice},${fp(bob.publicKey)}`], /: missing sha256:/],
    [
      'extra',
      ['--recipient', `jwe:${s.bobKeys.pub}`, '--expect-recipients', alice],
      new RegExp(`: unexpected ${fp(bob.publicKey)} \\(${s.bobKeys.pub}\\);`),
    ],
  ];
  for (const [name, args, pattern] of cases) {
    const r = await encrypt(s.src, reg.host, ...args);
    assert.equal(r.status, 1, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const line = errorLine(r);
    assert.match(line, /^error\[E_RECIPIENTS\]: expect-recipients: /, name);
    assert.match(line, pattern, name);
  }
  assert.deepEqual(uploadsLogged(reg), [], 'nothing was uploaded');
  assert.deepEqual(storedRepositories(reg), []);
});

test('--config-secrets: fail uploads nothing; warn pushes and names each finding, never a value', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const { spec, secrets } = leakyImage();
  const layout = join(s.src.dir, 'leaky');
  makeLayout(layout, { layers: [{ files: { a: 'a' } }], ...spec });
  const leaky = { ...s.src, layout };

  const failed = await encrypt(leaky, s.reg.host, '--config-secrets', 'fail');
  assert.equal(failed.status, 1, failed.stderr);
  assert.match(
    errorLine(failed),
    /^error\[E_CONFIG_SECRET\]: config-secrets: .* hold 7 secret-shaped value\(s\)/,
  );
  assert.deepEqual(uploadsLogged(s.reg), [], 'nothing was uploaded');
  assert.deepEqual(storedRepositories(s.reg), []);

  const report = join(s.src.dir, 'leaky-report.json');
  const warned = await encrypt(leaky, s.reg.host, '--report', report, '--json');
  assert.equal(warned.status, 0, warned.stderr);
  assert.match(
    warned.stderr,
    /warning: secret-shaped content in the plaintext image config: linux\/amd64 config Env DB_PASSWORD: secret-name/,
  );
  assert.match(warned.stderr, /linux\/amd64 history\[1\] NPM_TOKEN: secret-name/);
  const fromFile = JSON.parse(readFileSync(report, 'utf8')) as { configSecrets: unknown[] };
  assert.equal(fromFile.configSecrets.length, 7);
  for (const text of [
    failed.stdout,
    failed.stderr,
    warned.stdout,
    warned.stderr,
    readFileSync(report, 'utf8'),
  ])
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret value was printed');
});

test('--output only: a verify key that does not open the layout leaves no output folder', async () => {
  const src = sourceImage();
  const bobKeys = writeKeyPair(src.dir, 'bob', bob);
  const output = join(src.dir, 'out');
  const r = await cli([
    'encrypt',
    '--layout',
    src.layout,
    '--output',
    output,
    '--recipient',
    `jwe:${src.pub}`,
    '--verify-key',
    bobKeys.priv,
  ]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(
    errorLine(r),
    /^error\[E_GATE\]: .*verify key sha256:[0-9a-f]{64} \(.*bob\.key\.pem\) does not open/,
  );
  assert.equal(existsSync(output), false);
});
