import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, decryptCli, runCli, runCliAsync } from '../../helpers/cli.js';
import { makeLayout, tempDir } from '../../helpers/fixtures.js';
import { assertNoKeyMaterial, requestSecrets, startGrpcProvider } from '../../helpers/keyprovider.js';
import { assertNothingWritten, onlyManifest } from '../pipeline/support.js';

const SCRIPT = join(import.meta.dirname, '../../helpers/keyprovider-cmd.mjs');
const ENV = { KP_KEK: randomBytes(32).toString('hex'), OCI_ENCRYPT_PUSH_KEYPROVIDER_TIMEOUT: '1' };

describe('CLI: key providers that fail, hang or answer garbage', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  makeLayout(layout, { layers: [{ files: { a: 'base' } }, { files: { b: 'top' } }] });
  const config = (mode: string) => {
    const file = join(dir, `${mode}.json`);
    const cfg = { 'key-providers': { kms: { cmd: { path: process.execPath, args: [SCRIPT, mode] } } } };
    writeFileSync(file, JSON.stringify(cfg));
    return file;
  };
  const encrypt = (mode: string, out: string) =>
    runCli(
      ['encrypt', '--layout', layout, '--output', out, '--recipient', 'provider:kms:key-id=alpha'].concat([
        '--keyprovider-config',
        config(mode),
      ]),
      { env: ENV },
    );

  const cases: [string, string[]][] = [
    ['fail', ['exit code 3', 'access denied']],
    ['hang', ['did not answer the wrap request within 1s']],
    ['garbage', ['not JSON']],
  ];
  for (const [mode, mentions] of cases) {
    it(`encrypt through a ${mode} provider: one E_PROVIDER line, non-zero exit, nothing written`, () => {
      const out = join(dir, `enc-${mode}`);
      const line = assertOneError(encrypt(mode, out), 1, ['E_PROVIDER', 'key provider kms', ...mentions]);
      assert.doesNotMatch(line, /optsdata|symkey/);
      assertNothingWritten(out);
    });
  }

  it('decrypt through a failing provider: one E_PROVIDER line, nothing written; a working one opens it', () => {
    const enc = join(dir, 'enc-ok');
    assert.equal(encrypt('ok', enc).status, 0);
    const decrypt = (mode: string, out: string) =>
      decryptCli(enc, out, 'provider:kms', ['--keyprovider-config', config(mode)], { env: ENV });
    const out = join(dir, 'dec-fail');
    assertOneError(decrypt('fail', out), 1, ['E_PROVIDER', 'unwrap request', 'exit code 3']);
    assertNothingWritten(out);
    const dec = join(dir, 'dec-ok');
    assert.equal(decrypt('ok', dec).status, 0);
    assert.deepEqual(onlyManifest(dec).doc.layers, onlyManifest(layout).doc.layers);
  });

  it("inspect shows each layer's provider and its number of items, in text and in --json", () => {
    const enc = join(dir, 'enc-inspect');
    const r = encrypt('ok', enc);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stderr,
      /recipients:\n {2}key-provider key-provider provider:kms \(recipients provider:kms\)/,
    );
    const report = JSON.parse(runCli(['inspect', '--layout', enc, '--json']).stdout) as {
      platforms: { layers: { encrypted: boolean; recipients?: unknown[] }[] }[];
    };
    const layers = report.platforms[0]!.layers;
    assert.equal(layers.length, 2);
    for (const l of layers) {
      assert.equal(l.encrypted, true);
      assert.deepEqual(l.recipients, [{ scheme: 'provider.kms', provider: 'kms', items: 1, recipients: [] }]);
    }
    const text = runCli(['inspect', '--layout', enc]).stdout;
    assert.equal(text.match(/ENCRYPTED .*\(provider\.kms: 1 item\(s\)\)$/gm)?.length, 2, text);
  });

  it('a provider that echoes its request to stderr: the error line quotes it without any key material', () => {
    const copy = join(dir, 'echoed-request.json');
    const r = runCli(
      [
        'encrypt',
        '--layout',
        layout,
        '--output',
        join(dir, 'enc-echo'),
        '--recipient',
        'provider:kms',
      ].concat(['--keyprovider-config', config('echo')]),
      { env: { ...ENV, KP_ECHO: copy } },
    );
    assertOneError(r, 1, ['E_PROVIDER', 'exit code 1', 'cannot parse request', '[redacted]']);
    assertNoKeyMaterial(r.stderr, requestSecrets(copy));
    assertNothingWritten(join(dir, 'enc-echo'));
  });

  it('an unconfigured provider is refused before anything is written', () => {
    const out = join(dir, 'enc-none');
    assertOneError(
      runCli(['encrypt', '--layout', layout, '--output', out, '--recipient', 'provider:nope:x']),
      1,
      ['E_PROVIDER', 'no key provider nope'],
    );
    assertNothingWritten(out);
  });
});

describe('CLI: plaintext gRPC providers off this machine, and OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  makeLayout(layout, { layers: [{ files: { a: 'base' } }] });
  const args = (address: string, out: string) => {
    const file = join(dir, 'grpc.json');
    writeFileSync(file, JSON.stringify({ 'key-providers': { kms: { grpc: address } } }));
    return ['encrypt', '--layout', layout, '--output', out, '--recipient', 'provider:kms'].concat([
      '--keyprovider-config',
      file,
    ]);
  };

  it('is refused with the provider named and the fixes, nothing written', () => {
    const out = join(dir, 'refused');
    const line = assertOneError(runCli(args('192.0.2.10:50051', out)), 1, [
      'E_PROVIDER',
      'key provider kms (grpc 192.0.2.10:50051)',
      'in the clear',
      'grpc-tls',
      '127.0.0.1',
      'OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1',
    ]);
    assert.doesNotMatch(line, /UNAVAILABLE/, 'refused before any connection');
    assertNothingWritten(out);
  });

  it('goes through with OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1', async () => {
    const kek = Buffer.from(ENV.KP_KEK, 'hex');
    const server = await startGrpcProvider(kek);
    try {
      // 127.1 is not provably loopback (DNS reads it), so it stands for a private network address here.
      const address = server.address.replace('127.0.0.1', '127.1');
      const refused = await runCliAsync(args(address, join(dir, 'no-opt-in')));
      assertOneError(refused, 1, ['E_PROVIDER', 'OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1']);
      const out = join(dir, 'opted-in');
      const r = await runCliAsync(args(address, out), {
        env: { OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT: '1' },
      });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(server.ops, ['keywrap']);
      assert.equal(onlyManifest(out).doc.layers[0]!.mediaType.endsWith('+encrypted'), true);
    } finally {
      server.close();
    }
  });
});
