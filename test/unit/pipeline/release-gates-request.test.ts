/**
 * The release gates as the request layer takes them (every front end goes through fromStrings): recipient pinning
 * (expect-recipients) checked before anything else runs, the verify keys (verify-private-keys) read and named by
 * fingerprint, and the config-secrets mode.
 */
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { fromStrings, type RequestStrings } from '../../../src/pipeline/request.js';
import { fingerprintOf, keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import { makeCertificate } from '../../helpers/certs.js';

const dir = tempDir('oep-gates-req-');
const layout = join(dir, 'src');
makeLayout(layout, { layers: [{ files: { a: 'a' } }] });
const rsa = keyPair('rsa2048');
const ec = keyPair('p256');
const other = keyPair('p256');
const rsaFiles = writeKeyPair(dir, 'rsa', rsa);
const ecFiles = writeKeyPair(dir, 'ec', ec);
const kek = join(dir, 'kek.bin');
writeFileSync(kek, randomBytes(32));

const fp = fingerprintOf;

function request(s: RequestStrings) {
  return fromStrings('encrypt', { layout, output: join(dir, 'out'), ...s }, { env: {}, userAgent: 't' });
}

function fails(code: ErrorCode, ...mentions: (string | RegExp)[]) {
  return (e: unknown) => {
    assert.ok(isOepError(e), String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mentions) {
      if (typeof m === 'string') assert.ok(e.describe().includes(m), `"${e.describe()}" lacks ${m}`);
      else assert.match(e.describe(), m);
    }
    return true;
  };
}

describe('expect-recipients', () => {
  const both = { recipients: [rsaFiles.pub, ecFiles.pub] };

  test('match: the same set in any order, case and separators', () => {
    const list = `${fp(ec.publicKey).toUpperCase().replace('SHA256', 'sha256')}\n ${fp(rsa.publicKey)},`;
    assert.equal(request({ ...both, 'expect-recipients': list }).recipients.length, 2);
  });

  test('mismatch: names the unexpected key (and where it came from) and the missing one', () => {
    assert.throws(
      () =>
        request({
          recipients: [rsaFiles.pub],
          'expect-recipients': `${fp(other.publicKey)}`,
        }),
      fails(
        'E_RECIPIENTS',
        'expect-recipients: ',
        `unexpected ${fp(rsa.publicKey)} (${rsaFiles.pub})`,
        `missing ${fp(other.publicKey)}`,
        'nothing was encrypted or pushed',
      ),
    );
  });

  test('missing: a pinned key not given', () => {
    assert.throws(
      () =>
        request({
          recipients: [rsaFiles.pub],
          'expect-recipients': `${fp(rsa.publicKey)},${fp(ec.publicKey)}`,
        }),
      (e) =>
        fails('E_RECIPIENTS', `missing ${fp(ec.publicKey)}`)(e) &&
        !(e as Error).message.includes('unexpected'),
    );
  });

  test('extra: a key given that is not pinned', () => {
    assert.throws(
      () => request({ ...both, 'expect-recipients': fp(rsa.publicKey) }),
      (e) =>
        fails('E_RECIPIENTS', `unexpected ${fp(ec.publicKey)}`)(e) &&
        !(e as Error).message.includes('missing'),
    );
  });

  test("a certificate pins its public key's fingerprint (pkcs7 and jwe alike)", () => {
    const { cert } = makeCertificate(dir, 'c');
    const pin = fp(new X509Certificate(readFileSync(cert)).publicKey);
    const r = request({ recipients: [`pkcs7:${cert}`, `jwe:${cert}`], 'expect-recipients': pin });
    assert.equal(r.recipients.length, 2);
  });

  test('a key provider pins as provider:NAME, attestation-agent included', () => {
    const aa = `provider:attestation-agent:keypath=${kek}::keyid=kbs:///default/key/1`;
    assert.equal(
      request({
        recipients: [aa, rsaFiles.pub],
        'expect-recipients': `provider:attestation-agent,${fp(rsa.publicKey)}`,
      }).recipients.length,
      2,
    );
    assert.throws(
      () => request({ recipients: [aa], 'expect-recipients': fp(rsa.publicKey) }),
      fails('E_RECIPIENTS', 'unexpected provider:attestation-agent'),
    );
  });

  test('a value that is no fingerprint is a usage error naming the input', () => {
    for (const bad of ['sha256:abc', 'ab'.repeat(32), 'md5:00', 'provider:'])
      assert.throws(
        () => request({ ...both, 'expect-recipients': bad }),
        fails('E_USAGE', 'expect-recipients: ', 'is not a recipient fingerprint', 'sha256:<64 hex digits>'),
        bad,
      );
  });

  test('empty: no pinning', () => {
    assert.equal(request({ ...both, 'expect-recipients': ' , ' }).recipients.length, 2);
  });
});

describe('verify-private-keys', () => {
  test('paths, one a line, and PEM text (several blocks: several keys), named by fingerprint', () => {
    const byPath = request({
      recipients: [rsaFiles.pub],
      'verify-private-keys': `${rsaFiles.priv}\n${ecFiles.priv}\n`,
    });
    assert.deepEqual(
      byPath.verifyKeys.map((k) => k.fingerprint),
      [fp(rsa.publicKey), fp(ec.publicKey)],
    );
    const byText = request({
      recipients: [rsaFiles.pub],
      'verify-private-keys': rsa.privatePem + ec.privatePem,
    });
    assert.deepEqual(
      byText.verifyKeys.map((k) => k.fingerprint),
      [fp(rsa.publicKey), fp(ec.publicKey)],
    );
    assert.deepEqual(request({ recipients: [rsaFiles.pub] }).verifyKeys, []);
  });

  test('PEM text mixed with path or provider lines: every key listed is checked', () => {
    const keys = (value: string) =>
      request({ recipients: [rsaFiles.pub], 'verify-private-keys': value })
        .verifyKeys.map((k) => k.fingerprint)
        .sort();
    const fps = (...f: string[]) => f.sort();
    assert.deepEqual(keys(`${ecFiles.priv}\n${rsa.privatePem}`), fps(fp(ec.publicKey), fp(rsa.publicKey)));
    assert.deepEqual(
      keys(`${rsa.privatePem}${ecFiles.priv}\n${other.privatePem}`),
      fps(fp(rsa.publicKey), fp(ec.publicKey), fp(other.publicKey)),
    );
    const aa = `provider:attestation-agent:keypath=${kek}::keyid=kbs:///default/key/1`;
    assert.deepEqual(keys(`${aa}\n${rsa.privatePem}`), fps('provider:attestation-agent', fp(rsa.publicKey)));
  });

  test('a key cut at its BEGIN line is refused without echoing its lines', () => {
    const cut = rsa.privatePem.split('\n').slice(1).join('\n');
    assert.throws(
      () => request({ recipients: [rsaFiles.pub], 'verify-private-keys': cut }),
      (e) => {
        fails('E_KEY', 'verify-private-keys')(e);
        for (const l of cut.split('\n').filter((x) => x.length > 20 && !x.startsWith('-')))
          assert.ok(!(e as Error & { describe(): string }).describe().includes(l), 'a key line was echoed');
        return true;
      },
    );
  });

  test('a line that is neither a key nor a key file is refused, not skipped', () => {
    assert.throws(
      () =>
        request({
          recipients: [rsaFiles.pub],
          'verify-private-keys': `${rsa.privatePem}${join(dir, 'nope.pem')}`,
        }),
      fails('E_KEY', 'verify-private-keys', 'nope.pem'),
    );
  });

  test('a public key is refused, by path or as text, naming the input', () => {
    assert.throws(
      () => request({ recipients: [rsaFiles.pub], 'verify-private-keys': rsaFiles.pub }),
      fails('E_KEY', 'verify-private-keys: ', 'holds no private key: it is a public key'),
    );
    assert.throws(
      () => request({ recipients: [rsaFiles.pub], 'verify-private-keys': rsa.publicPem }),
      fails('E_KEY', /^verify-private-keys holds no private key: it is a public key/),
    );
    assert.throws(
      () => request({ recipients: [rsaFiles.pub], 'verify-private-keys': join(dir, 'nope.pem') }),
      fails('E_KEY', 'verify-private-keys'),
    );
  });

  test('key text never reaches a message', () => {
    const broken = rsa.privatePem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    assert.throws(
      () => request({ recipients: [rsaFiles.pub], 'verify-private-keys': broken }),
      (e) => isOepError(e) && !e.describe().includes(rsa.privatePem.split('\n')[2]!),
    );
  });
});

describe('config-secrets', () => {
  test('warn by default; fail and off; anything else names the input', () => {
    assert.equal(request({ recipients: [rsaFiles.pub] }).configSecrets, 'warn');
    assert.equal(request({ recipients: [rsaFiles.pub], 'config-secrets': 'fail' }).configSecrets, 'fail');
    assert.equal(request({ recipients: [rsaFiles.pub], 'config-secrets': 'off' }).configSecrets, 'off');
    assert.throws(
      () => request({ recipients: [rsaFiles.pub], 'config-secrets': 'error' }),
      fails('E_USAGE', 'config-secrets: "error" is not warn, fail or off'),
    );
  });
});
