/** Minimal counterexamples the fuzz tests found, each fixed in the parser: kept as plain regression tests. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError } from '../../src/errors.js';
import { parseDescriptor, parseManifestOrIndex } from '../../src/oci/model.js';
import { parseHelperOutput } from '../../src/registry/credentials.js';
import { parseRecipients } from '../../src/ocicrypt/keys.js';
import { pemBlocks } from '../../src/ocicrypt/pem.js';
import { JweKeyWrapper } from '../../src/ocicrypt/keywrap/jwe.js';
import { keyPair } from '../helpers/fixtures.js';

/** JSON that JSON.parse accepts but JSON.stringify (or String) overflows the stack on. */
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('fuzz regressions', () => {
  it('a deeply nested schemaVersion, digest or size is E_MANIFEST, not a RangeError', () => {
    for (const doc of [
      `{"schemaVersion":${DEEP}}`,
      `{"schemaVersion":2,"layers":[],"config":{"mediaType":"a","digest":${DEEP},"size":1}}`,
      `{"schemaVersion":2,"layers":[],"config":{"mediaType":"a","digest":"${DIGEST}","size":${DEEP}}}`,
    ]) {
      assert.throws(
        () => parseManifestOrIndex(Buffer.from(doc), 'm'),
        (e) => isOepError(e, 'E_MANIFEST'),
      );
    }
    assert.throws(
      () => parseDescriptor({ mediaType: 'a', digest: DIGEST, size: JSON.parse(DEEP) as unknown }, 'd'),
      (e) => isOepError(e, 'E_MANIFEST') && e.message.includes('deeply nested array'),
    );
  });

  it('describing a JWE whose recipients hold null gives unknown recipients, not a TypeError', async () => {
    assert.deepEqual(await new JweKeyWrapper().describe(Buffer.from('{"recipients":[null]}')), [
      { alg: 'unknown' },
    ]);
  });

  it('a JWK with a deeply nested alg or crv is E_KEY, not a RangeError', () => {
    const jwk = JSON.stringify(keyPair('p256').publicKey.export({ format: 'jwk' }));
    for (const text of [jwk.replace(/}$/, `,"alg":${DEEP}}`), `{"kty":"OKP","crv":${DEEP}}`]) {
      assert.throws(
        () => parseRecipients(text, 'k'),
        (e) => isOepError(e, 'E_KEY'),
      );
    }
  });

  it('PEM splitting is linear: 800 kB of unterminated BEGIN lines take milliseconds, not 20 s', () => {
    const text = '-----BEGIN PUBLIC KEY-----\n'.repeat(30_000);
    const start = performance.now();
    // All or nothing: the first BEGIN with no END fails the whole input, at once.
    assert.throws(
      () => pemBlocks(text, 'k.pem'),
      (e) => isOepError(e, 'E_KEY') && e.message.includes('k.pem (PEM block 1'),
    );
    assert.ok(performance.now() - start < 1000, `${performance.now() - start} ms`);
  });

  it('credential helper output: null or a Secret/Username that is no string gives no TypeError, no non-string secret', () => {
    assert.equal(parseHelperOutput('null', 'h'), undefined);
    assert.equal(parseHelperOutput('{"Secret":true}', 'h'), undefined);
    assert.deepEqual(parseHelperOutput('{"Username":{},"Secret":"s"}', 'h'), {
      username: '',
      password: 's',
      source: 'credential helper h',
    });
  });

  it('a certificate whose public key does not decode is E_KEY, not a plain Error from X509Certificate.publicKey', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oep-fuzz-'));
    try {
      writeFileSync(join(dir, 'k.pem'), keyPair('p256').privatePem);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-new',
          '-key',
          'k.pem',
          '-subj',
          '/CN=x',
          '-days',
          '1',
          '-outform',
          'DER',
          '-out',
          'c.der',
        ],
        {
          cwd: dir,
          stdio: 'ignore',
        },
      );
      const der = readFileSync(join(dir, 'c.der'));
      // The SPKI's EC point: BIT STRING (0x03 0x42 0x00) then 0x04 (uncompressed); 0x05 is no point encoding.
      const at = der.indexOf(Buffer.from([0x03, 0x42, 0x00, 0x04]));
      assert.ok(at > 0);
      der[at + 3] = 0x05;
      const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
      assert.throws(
        () => parseRecipients(pem, 'c'),
        (e) => isOepError(e, 'E_KEY'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
