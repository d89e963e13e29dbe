/**
 * CLI: `--kbs-url` and `--kbs-admin-key` against a test KBS on 127.0.0.1 (test/helpers/kbs.ts, which verifies the
 * Ed25519 admin JWT). The KEK the KBS stored is the one that opens the image. The KBS is asked last, once the
 * layout is written and gated: a run that fails before then registers nothing, and a refusing KBS fails the run
 * with one error line and the layout removed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, runCli, runCliAsync } from '../../helpers/cli.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import { startKbs } from '../../helpers/kbs.js';
import {
  assertNothingWritten,
  blobJson,
  indexJson,
  makeBuildKitLayout,
  onlyManifest,
  type IndexDoc,
  type ManifestDoc,
} from '../pipeline/support.js';

const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.attestation-agent';

function kidOf(layer: { annotations?: Record<string, string> }): string {
  return (
    JSON.parse(Buffer.from(layer.annotations![ANNOTATION]!, 'base64').toString('utf8')) as { kid: string }
  ).kid;
}

describe('CLI: a fresh KEK registered at a KBS (--kbs-url, --kbs-admin-key)', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  makeLayout(layout, {
    layers: [{ files: { a: 'base' } }, { files: { 'secret.txt': 'kbs-secret' }, compression: 'none' }],
  });
  const encrypt = (
    out: string,
    url: string,
    key: string,
    recipients = ['provider:attestation-agent'],
    more: string[] = [],
  ) =>
    runCliAsync([
      'encrypt',
      '--layout',
      layout,
      '--output',
      out,
      ...recipients.flatMap((r) => ['--recipient', r]),
      '--kbs-url',
      url,
      '--kbs-admin-key',
      key,
      ...more,
    ]);

  it('registers the KEK; the layers carry its kid, and the KEK the KBS holds decrypts the image', async () => {
    const kbs = await startKbs();
    const adminKey = kbs.writeAdminKey(dir);
    const enc = join(dir, 'enc');
    const r = await encrypt(enc, kbs.url, adminKey);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(kbs.refused, []);
    assert.equal(kbs.stored.length, 1);
    const kid = `kbs://${kbs.stored[0]!.path.replace('/kbs/v0/resource', '')}`;
    assert.match(kid, /^kbs:\/\/\/default\/image-kek\/[0-9a-f-]{36}$/);
    assert.match(r.stderr, new RegExp(`registered a fresh KEK at ${kbs.url} as ${kid}`));
    assert.doesNotMatch(r.stderr, /is replaced/, 'a fresh UUID keyid replaces nothing');
    assert.ok(!r.stderr.includes(kbs.admin.privatePem.split('\n')[1]!), 'the admin key is printed');
    for (const l of onlyManifest(enc).doc.layers) assert.equal(kidOf(l), kid);

    const kek = kbs.writeStoredKek(dir);
    const dec = join(dir, 'dec');
    const d = runCli([
      'decrypt',
      '--layout',
      enc,
      '--output',
      dec,
      '--key',
      `provider:attestation-agent:keypath=${kek}`,
    ]);
    assert.equal(d.status, 0, d.stderr);
    assert.deepEqual(onlyManifest(dec).doc.layers, onlyManifest(layout).doc.layers);
  });

  it('once per run: two platforms and a jwe recipient besides, one registration; a named keyid warns', async () => {
    const kbs = await startKbs();
    const multi = join(dir, 'multi');
    makeBuildKitLayout(multi);
    const pub = writeKeyPair(dir, 'team', keyPair('p256')).pub;
    const enc = join(dir, 'enc-multi');
    const r = await runCliAsync([
      'encrypt',
      '--layout',
      multi,
      '--output',
      enc,
      '--recipient',
      'provider:attestation-agent:keyid=kbs:///team/image-kek/app',
      '--recipient',
      `jwe:${pub}`,
      '--kbs-url',
      kbs.url,
      '--kbs-admin-key',
      kbs.writeAdminKey(dir),
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      kbs.stored.map((s) => s.path),
      ['/kbs/v0/resource/team/image-kek/app'],
    );
    const warnings = r.stderr.split('\n').filter((l) => l.includes('is replaced'));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(
      warnings[0]!,
      /resource team\/image-kek\/app is replaced .* no longer open in guests .*UUID/,
    );
    const top = blobJson<IndexDoc>(enc, indexJson(enc).manifests[0]!.digest);
    assert.equal(top.manifests.length, 2);
    for (const m of top.manifests) {
      for (const l of blobJson<ManifestDoc>(enc, m.digest).layers) {
        assert.equal(kidOf(l), 'kbs:///team/image-kek/app');
        assert.ok(l.annotations!['org.opencontainers.image.enc.keys.jwe'], 'the jwe recipient too');
      }
    }
  });

  for (const [title, kbsOpts, untrusted, code, words] of [
    ['an untrusted admin key: 401', {}, true, 'E_AUTH', ['kbs-admin-key', '401', 'could not be verified']],
    ['a failing KBS: 500', { status: 500, body: 'storage failed' }, false, 'E_PROVIDER', ['kbs-url', '500']],
  ] as const) {
    it(`${title}: one error line, exit 1, the --output written is removed`, async () => {
      const kbs = await startKbs(kbsOpts);
      const key = untrusted ? writeKeyPair(dir, 'stranger', keyPair('ed25519')).priv : kbs.writeAdminKey(dir);
      const out = join(dir, `enc-${code}`);
      const r = await encrypt(out, kbs.url, key);
      assertOneError(r, 1, [code, ...words]);
      assert.equal(kbs.stored.length, 0);
      assertNothingWritten(out);
    });
  }

  it('a failed decryptability gate registers nothing: the KEK under a named keyid is left as it was', async () => {
    const kbs = await startKbs();
    const stranger = writeKeyPair(dir, 'gate-stranger', keyPair('p256')).priv;
    const out = join(dir, 'enc-gate');
    const keyid = 'provider:attestation-agent:keyid=kbs:///team/image-kek/app';
    const r = await encrypt(out, kbs.url, kbs.writeAdminKey(dir), [keyid], ['--verify-key', stranger]);
    assertOneError(r, 1, ['E_GATE']);
    assert.equal(kbs.stored.length + kbs.refused.length, 0, 'the KBS was asked');
    assertNothingWritten(out);
  });

  it('a layout CoCo cannot take (zstd) fails before the KBS is asked: no KEK replaced for nothing', async () => {
    const kbs = await startKbs();
    const zstd = join(dir, 'zstd');
    makeLayout(zstd, {
      layers: [
        { files: { a: 'base' } },
        { files: { b: 'z' }, compression: 'none', mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      ],
    });
    const out = join(dir, 'enc-zstd');
    const r = await runCliAsync([
      'encrypt',
      '--layout',
      zstd,
      '--output',
      out,
      '--recipient',
      'provider:attestation-agent:keyid=kbs:///team/image-kek/app',
      '--kbs-url',
      kbs.url,
      '--kbs-admin-key',
      kbs.writeAdminKey(dir),
    ]);
    assertOneError(r, 1, ['E_UNSUPPORTED', 'tar+zstd']);
    assert.equal(kbs.stored.length + kbs.refused.length, 0, 'the KBS was asked');
    assertNothingWritten(out);
  });

  it('usage errors: one flag without the other, plain http to another host, key text in argv', async () => {
    const kbs = await startKbs();
    const key = kbs.writeAdminKey(dir);
    const out = join(dir, 'enc-usage');
    const base = [
      'encrypt',
      '--layout',
      layout,
      '--output',
      out,
      '--recipient',
      'provider:attestation-agent',
    ];
    assertOneError(runCli([...base, '--kbs-url', kbs.url]), 2, ['E_USAGE', 'kbs-url', 'kbs-admin-key']);
    assertOneError(runCli([...base, '--kbs-admin-key', key]), 2, ['E_USAGE', 'kbs-url', 'kbs-admin-key']);
    assertOneError(runCli([...base, '--kbs-url', 'http://kbs.example:8080', '--kbs-admin-key', key]), 2, [
      'E_USAGE',
      'plain http',
      'in the clear',
    ]);
    const text = runCli([...base, '--kbs-url', kbs.url, `--kbs-admin-key=${kbs.admin.privatePem}`]);
    const line = assertOneError(text, 2, ['E_USAGE', '--kbs-admin-key takes the path']);
    assert.ok(!line.includes(kbs.admin.privatePem.split('\n')[1]!));
    assertOneError(runCli(['decrypt', '--layout', layout, '--output', out, '--kbs-url', kbs.url]), 2, [
      'decrypt does not take --kbs-url',
    ]);
    assert.equal(kbs.stored.length, 0);
    assertNothingWritten(out);
  });
});
