import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import { parseAttestationAgentParams } from '../../../src/ocicrypt/keywrap/attestation-agent-params.js';
import { attestationAgentKey, attestationAgentRecipient } from '../../../src/pipeline/attestation-agent.js';
import { tempDir } from '../../helpers/fixtures.js';

function usage(pattern: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, 'E_USAGE');
    assert.match(err.message, pattern);
    assert.match(err.hint ?? '', /keypath=FILE::keyid=kbs:\/\/\/REPO\/TYPE\/TAG/);
    return true;
  };
}

describe('parseAttestationAgentParams', () => {
  test('keypath, keyid and algorithm in any order', () => {
    assert.deepEqual(parseAttestationAgentParams('keypath=/k::keyid=kbs:///default/image-kek/a'), {
      keypath: '/k',
      keyid: 'kbs:///default/image-kek/a',
      algorithm: 'A256GCM',
    });
    assert.deepEqual(
      parseAttestationAgentParams(
        'algorithm=A256GCM::keyid=kbs+pkcs11://kbs.example:8080/r/t/g?x=1::keypath=a=b',
      ),
      { keypath: 'a=b', keyid: 'kbs+pkcs11://kbs.example:8080/r/t/g?x=1', algorithm: 'A256GCM' },
    );
    assert.deepEqual(parseAttestationAgentParams('keypath=k'), { keypath: 'k', algorithm: 'A256GCM' });
  });

  test('malformed parameters are E_USAGE errors that say what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['', /no parameters/],
      ['keypath', /keypath has no value/],
      ['keypath=', /keypath has no value/],
      ['keypath=a::keypath=b', /keypath is given twice/],
      ['keypath=a::sample=true', /unknown parameter "sample"/],
      ['keypath=a::::keyid=kbs:///a/b/c', /unknown parameter ""/],
      ['keypath=a::algorithm=A256CTR', /A256CTR is not supported/],
      ['keypath=a::keyid=/default/image-kek/a', /not a KBS resource URI/],
      ['keypath=a::keyid=kbs:///a/b', /not a KBS resource URI/],
      ['keypath=a::keyid=https://kbs/a/b/c', /not a KBS resource URI/],
    ];
    for (const [params, pattern] of cases)
      assert.throws(() => parseAttestationAgentParams(params), usage(pattern), params);
  });
});

describe('attestationAgentRecipient / attestationAgentKey', () => {
  const dir = tempDir();
  const kek = randomBytes(32);
  const kekFile = join(dir, 'kek.bin');
  writeFileSync(kekFile, kek);

  test('read the KEK file: a recipient with kid, a decryption key', () => {
    const r = attestationAgentRecipient(`keypath=${kekFile}::keyid=kbs:///default/image-kek/a`);
    assert.equal(r.scheme, 'provider.attestation-agent');
    assert.equal(r.kid, 'kbs:///default/image-kek/a');
    assert.equal(r.alg, 'A256GCM');
    assert.match(r.fingerprint, /^[0-9a-f]{64}$/);
    assert.ok(!r.fingerprint.includes(kek.toString('hex')));
    const k = attestationAgentKey(`keypath=${kekFile}`);
    assert.ok(k.key.export().equals(kek));
    assert.equal(k.source, kekFile);
  });

  test('missing fields and bad files are refused', () => {
    assert.throws(() => attestationAgentRecipient(`keypath=${kekFile}`), usage(/keyid=.* is missing/));
    assert.throws(() => attestationAgentRecipient('keyid=kbs:///a/b/c'), usage(/keypath=FILE .* is missing/));
    assert.throws(
      () => attestationAgentKey('keyid=kbs:///a/b/c'),
      (e: unknown) => isOepError(e, 'E_USAGE'),
    );
    const short = join(dir, 'short');
    writeFileSync(short, 'not a key\n');
    assert.throws(
      () => attestationAgentKey(`keypath=${short}`),
      (e: unknown) =>
        isOepError(e, 'E_KEY') && /32 raw bytes.*10/.test(e.message) && !e.message.includes('not a key'),
    );
    assert.throws(
      () => attestationAgentKey(`keypath=${join(dir, 'absent')}`),
      (e: unknown) => isOepError(e, 'E_KEY') && /cannot read/.test(e.message),
    );
  });
});
