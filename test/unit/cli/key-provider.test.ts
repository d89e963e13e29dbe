import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, decryptCli, runCli } from '../../helpers/cli.js';
import { makeLayout, tempDir } from '../../helpers/fixtures.js';
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
