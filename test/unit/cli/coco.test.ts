import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, decryptCli, runCli } from '../../helpers/cli.js';
import { makeLayout, tempDir } from '../../helpers/fixtures.js';
import { assertNothingWritten, onlyManifest } from '../pipeline/support.js';

const KID = 'kbs:///default/key/1';
const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.attestation-agent';

describe('CLI: Confidential Containers (provider:attestation-agent, in-process)', () => {
  const dir = tempDir();
  const kek = join(dir, 'kek');
  writeFileSync(kek, randomBytes(32), { mode: 0o600 });
  const layout = join(dir, 'layout');
  makeLayout(layout, {
    layers: [{ files: { a: 'base' } }, { files: { 'secret.txt': 'coco-secret' }, compression: 'none' }],
  });
  const enc = join(dir, 'enc');
  const recipient = `provider:attestation-agent:keypath=${kek}::keyid=${KID}`;
  const decrypt = (out: string, kekFile: string) =>
    decryptCli(enc, out, `provider:attestation-agent:keypath=${kekFile}`);

  it('encrypts for a KEK with no configured provider, inspect shows the kid, decrypt round-trips', () => {
    const r = runCli(['encrypt', '--layout', layout, '--output', enc, '--recipient', recipient]);
    assert.equal(r.status, 0, r.stderr);
    for (const l of onlyManifest(enc).doc.layers) {
      assert.match(l.mediaType, /\+encrypted$/);
      const packet = JSON.parse(Buffer.from(l.annotations![ANNOTATION]!, 'base64').toString('utf8')) as {
        kid: string;
        wrap_type: string;
      };
      assert.deepEqual([packet.kid, packet.wrap_type], [KID, 'A256GCM']);
    }
    const i = runCli(['inspect', '--layout', enc, '--json']);
    assert.equal(i.status, 0, i.stderr);
    const j = JSON.parse(i.stdout) as {
      platforms: { layers: { recipients: { scheme: string; recipients: { kid?: string }[] }[] }[] }[];
    };
    for (const l of j.platforms[0]!.layers) {
      assert.deepEqual(l.recipients, [
        {
          scheme: 'provider.attestation-agent',
          provider: 'attestation-agent',
          items: 1,
          recipients: [{ alg: 'A256GCM', kid: KID }],
        },
      ]);
    }
    assert.match(
      runCli(['inspect', '--layout', enc]).stdout,
      /provider\.attestation-agent: 1 recipient\(s\) A256GCM kid kbs:\/\/\/default\/key\/1/,
    );
    const dec = join(dir, 'dec');
    const d = decrypt(dec, kek);
    assert.equal(d.status, 0, d.stderr);
    assert.deepEqual(onlyManifest(dec).doc.layers, onlyManifest(layout).doc.layers);
  });

  it('a wrong KEK does not open it, and nothing is written', () => {
    const other = join(dir, 'other-kek');
    writeFileSync(other, randomBytes(32));
    const out = join(dir, 'dec-wrong');
    const r = decrypt(out, other);
    assert.notEqual(r.status, 0);
    assertNothingWritten(out);
  });

  it('refuses a zstd layer with one error line and writes nothing', () => {
    const zstd = join(dir, 'zstd');
    makeLayout(zstd, {
      layers: [
        { files: { a: 'base' } },
        { files: { b: 'z' }, compression: 'none', mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      ],
    });
    const out = join(dir, 'enc-zstd');
    const r = runCli(['encrypt', '--layout', zstd, '--output', out, '--recipient', recipient]);
    assertOneError(r, 1, ['E_UNSUPPORTED', 'layer 1', 'tar+zstd', 'Confidential Containers']);
    assertNothingWritten(out);
  });

  it('a KEK file that is not 32 bytes, or a missing keyid, is refused before anything is written', () => {
    const short = join(dir, 'short-kek');
    writeFileSync(short, randomBytes(16));
    const out = join(dir, 'enc-bad');
    const bad = ['encrypt', '--layout', layout, '--output', out, '--recipient'];
    assertOneError(runCli([...bad, `provider:attestation-agent:keypath=${short}::keyid=${KID}`]), 1, [
      'E_KEY',
      '32',
    ]);
    assertOneError(runCli([...bad, `provider:attestation-agent:keypath=${kek}`]), 2, ['E_USAGE', 'keyid']);
    assertNothingWritten(out);
  });
});
