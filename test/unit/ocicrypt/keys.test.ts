import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isOepError } from '../../../src/errors.js';
import {
  pairCertificates,
  parseDecryptionKeys,
  parseRecipients,
  type KeyRecipient as Recipient,
} from '../../../src/ocicrypt/keys.js';
import { keyPair, tempDir, type KeyKind, type KeyPair } from '../../helpers/fixtures.js';

const dir = tempDir('oep-keys-');
const SOURCE = 'keys/test-input.pem';

const pairs = new Map<KeyKind, KeyPair>();
function kp(kind: KeyKind): KeyPair {
  let p = pairs.get(kind);
  if (!p) {
    p = keyPair(kind);
    pairs.set(kind, p);
  }
  return p;
}

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed certificate for the key pair, made by openssl; returns [pem, der]. */
function certificate(name: string, pair: KeyPair): [string, Buffer] {
  const key = join(dir, `${name}.key.pem`);
  writeFileSync(key, pair.privatePem, { mode: 0o600 });
  const pem = join(dir, `${name}.cert.pem`);
  const der = join(dir, `${name}.cert.der`);
  openssl('req', '-x509', '-new', '-key', key, '-subj', '/CN=x', '-days', '1', '-out', pem);
  openssl('x509', '-in', pem, '-outform', 'DER', '-out', der);
  return [readFileSync(pem, 'utf8'), readFileSync(der)];
}

function spkiFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function refusal(pattern: RegExp, source = SOURCE): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, 'E_KEY');
    assert.ok(err.message.includes(source), `message ${JSON.stringify(err.message)} names ${source}`);
    assert.match(err.message, pattern);
    return true;
  };
}

function only(rs: Recipient[]): Recipient {
  assert.equal(rs.length, 1, 'exactly one recipient');
  return rs[0]!;
}

function assertRecipient(
  r: Recipient,
  pub: KeyObject,
  expect: { alg: string; type: string; source?: string },
) {
  assert.equal(r.scheme, 'jwe');
  assert.equal(r.alg, expect.alg);
  assert.equal(r.type, expect.type);
  assert.equal(r.source, expect.source ?? SOURCE);
  assert.equal(r.fingerprint, spkiFingerprint(pub));
  assert.ok(r.key.equals(pub), 'the parsed key is the given public key');
  assert.equal(r.key.type, 'public');
}

describe('parseRecipients: accepted', () => {
  const cases: [KeyKind, string, string][] = [
    ['rsa2048', 'RSA-OAEP', 'RSA-2048'],
    ['rsa4096', 'RSA-OAEP', 'RSA-4096'],
    ['p256', 'ECDH-ES+A256KW', 'EC-P-256'],
    ['p384', 'ECDH-ES+A256KW', 'EC-P-384'],
    ['p521', 'ECDH-ES+A256KW', 'EC-P-521'],
  ];
  for (const [kind, alg, type] of cases) {
    test(`PEM SPKI ${kind}`, () => {
      const p = kp(kind);
      assertRecipient(only(parseRecipients(p.publicPem, SOURCE)), p.publicKey, { alg, type });
    });
    test(`DER SPKI ${kind}`, () => {
      const p = kp(kind);
      const der = p.publicKey.export({ type: 'spki', format: 'der' });
      assertRecipient(only(parseRecipients(der, SOURCE)), p.publicKey, { alg, type });
    });
  }

  test('PEM given as bytes or as a string is the same', () => {
    const p = kp('p256');
    const a = only(parseRecipients(Buffer.from(p.publicPem), SOURCE));
    const b = only(parseRecipients(p.publicPem, SOURCE));
    assert.equal(a.fingerprint, b.fingerprint);
  });

  test('PEM PKCS#1 RSA PUBLIC KEY', () => {
    const p = kp('rsa2048');
    const pem = p.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    assert.match(pem, /BEGIN RSA PUBLIC KEY/);
    assertRecipient(only(parseRecipients(pem, SOURCE)), p.publicKey, { alg: 'RSA-OAEP', type: 'RSA-2048' });
  });

  test('DER PKCS#1 RSA public key', () => {
    const p = kp('rsa2048');
    const der = p.publicKey.export({ type: 'pkcs1', format: 'der' });
    assertRecipient(only(parseRecipients(der, SOURCE)), p.publicKey, { alg: 'RSA-OAEP', type: 'RSA-2048' });
  });

  for (const [kind, alg, type] of [
    ['rsa2048', 'RSA-OAEP', 'RSA-2048'],
    ['p384', 'ECDH-ES+A256KW', 'EC-P-384'],
  ] as const) {
    test(`X.509 certificate (openssl) PEM and DER, ${kind}`, () => {
      const p = kp(kind);
      const [pem, der] = certificate(kind, p);
      assert.match(pem, /BEGIN CERTIFICATE/);
      assertRecipient(only(parseRecipients(pem, SOURCE)), p.publicKey, { alg, type });
      assertRecipient(only(parseRecipients(der, SOURCE)), p.publicKey, { alg, type });
    });
  }

  test('RSA JWK without alg wraps with RSA-OAEP', () => {
    const p = kp('rsa2048');
    const jwk = JSON.stringify(p.publicKey.export({ format: 'jwk' }));
    const r = only(parseRecipients(jwk, SOURCE));
    assertRecipient(r, p.publicKey, { alg: 'RSA-OAEP', type: 'RSA-2048' });
    assert.equal(r.kid, undefined);
  });

  test('RSA JWK with alg RSA-OAEP-256 is honoured, and its kid kept', () => {
    const p = kp('rsa2048');
    const jwk = { ...p.publicKey.export({ format: 'jwk' }), alg: 'RSA-OAEP-256', kid: 'alice-2025' };
    const r = only(parseRecipients(JSON.stringify(jwk), SOURCE));
    assertRecipient(r, p.publicKey, { alg: 'RSA-OAEP-256', type: 'RSA-2048' });
    assert.equal(r.kid, 'alice-2025');
  });

  test('EC JWK wraps with ECDH-ES+A256KW, kid kept', () => {
    const p = kp('p521');
    const jwk = { ...p.publicKey.export({ format: 'jwk' }), kid: 'bob' };
    const r = only(parseRecipients(JSON.stringify(jwk), SOURCE));
    assertRecipient(r, p.publicKey, { alg: 'ECDH-ES+A256KW', type: 'EC-P-521' });
    assert.equal(r.kid, 'bob');
  });

  test('EC JWK with a declared ECDH-ES+A128KW keeps it', () => {
    const p = kp('p256');
    const jwk = { ...p.publicKey.export({ format: 'jwk' }), alg: 'ECDH-ES+A128KW' };
    assert.equal(only(parseRecipients(JSON.stringify(jwk), SOURCE)).alg, 'ECDH-ES+A128KW');
  });

  test('JWK set gives one recipient per key, each named', () => {
    const rsa = kp('rsa2048');
    const ec = kp('p256');
    const set = {
      keys: [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'r' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'e' },
      ],
    };
    const rs = parseRecipients(JSON.stringify(set), SOURCE);
    assert.equal(rs.length, 2);
    assertRecipient(rs[0]!, rsa.publicKey, { alg: 'RSA-OAEP', type: 'RSA-2048', source: `${SOURCE} key 1` });
    assertRecipient(rs[1]!, ec.publicKey, {
      alg: 'ECDH-ES+A256KW',
      type: 'EC-P-256',
      source: `${SOURCE} key 2`,
    });
    assert.deepEqual(
      rs.map((r) => r.kid),
      ['r', 'e'],
    );
  });

  test('several PEM blocks in one input are several recipients, each named by block', () => {
    const a = kp('rsa2048');
    const b = kp('p384');
    const c = kp('rsa4096');
    const pkcs1 = c.publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const rs = parseRecipients(`# team keys\n${a.publicPem}\n${b.publicPem}${pkcs1}`, SOURCE);
    assert.equal(rs.length, 3);
    assertRecipient(rs[0]!, a.publicKey, {
      alg: 'RSA-OAEP',
      type: 'RSA-2048',
      source: `${SOURCE} (PEM block 1)`,
    });
    assertRecipient(rs[1]!, b.publicKey, {
      alg: 'ECDH-ES+A256KW',
      type: 'EC-P-384',
      source: `${SOURCE} (PEM block 2)`,
    });
    assertRecipient(rs[2]!, c.publicKey, {
      alg: 'RSA-OAEP',
      type: 'RSA-4096',
      source: `${SOURCE} (PEM block 3)`,
    });
  });

  test('CRLF line endings are accepted', () => {
    const p = kp('p256');
    const r = only(parseRecipients(p.publicPem.replace(/\n/g, '\r\n'), SOURCE));
    assert.equal(r.fingerprint, spkiFingerprint(p.publicKey));
  });
});

describe('parseRecipients: refused with E_KEY naming the source', () => {
  const privateCases: [string, () => string | Buffer][] = [
    ['PKCS#8 PEM private key', () => kp('rsa2048').privatePem],
    ['PKCS#1 RSA PRIVATE KEY PEM', () => kp('rsa2048').privateKey.export({ type: 'pkcs1', format: 'pem' })],
    ['SEC1 EC PRIVATE KEY PEM', () => kp('p256').privateKey.export({ type: 'sec1', format: 'pem' })],
    [
      'encrypted PKCS#8 PEM',
      () =>
        kp('p256').privateKey.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: 'pw',
        }),
    ],
    ['RSA JWK with d', () => JSON.stringify(kp('rsa2048').privateKey.export({ format: 'jwk' }))],
    ['EC JWK with d', () => JSON.stringify(kp('p256').privateKey.export({ format: 'jwk' }))],
    ['DER PKCS#8 RSA private key', () => kp('rsa2048').privateKey.export({ type: 'pkcs8', format: 'der' })],
    ['DER PKCS#1 RSA private key', () => kp('rsa2048').privateKey.export({ type: 'pkcs1', format: 'der' })],
    ['DER PKCS#8 EC private key', () => kp('p256').privateKey.export({ type: 'pkcs8', format: 'der' })],
    ['DER SEC1 EC private key', () => kp('p256').privateKey.export({ type: 'sec1', format: 'der' })],
    [
      'encrypted DER PKCS#8 private key',
      () =>
        kp('p256').privateKey.export({
          type: 'pkcs8',
          format: 'der',
          cipher: 'aes-256-cbc',
          passphrase: 'pw',
        }),
    ],
    ['a public key followed by a private key', () => kp('p256').publicPem + kp('p384').privatePem],
  ];
  for (const [what, make] of privateCases) {
    test(`${what}: "is a private key"`, () => {
      assert.throws(() => parseRecipients(make(), SOURCE), refusal(/is a private key/));
    });
  }

  test('RSA 1024 (PEM, DER and JWK) is too weak', () => {
    const p = kp('rsa1024');
    for (const input of [
      p.publicPem,
      p.publicKey.export({ type: 'spki', format: 'der' }),
      JSON.stringify(p.publicKey.export({ format: 'jwk' })),
    ]) {
      assert.throws(() => parseRecipients(input, SOURCE), refusal(/1024-bit RSA key; at least 2048/));
    }
  });

  test('secp256k1 (PEM, DER and JWK) is refused naming the curve', () => {
    const p = kp('secp256k1');
    for (const input of [
      p.publicPem,
      p.publicKey.export({ type: 'spki', format: 'der' }),
      JSON.stringify(p.publicKey.export({ format: 'jwk' })),
    ]) {
      assert.throws(() => parseRecipients(input, SOURCE), refusal(/secp256k1/));
    }
  });

  for (const kind of ['ed25519', 'x25519'] as const) {
    test(`${kind} (PEM, DER and JWK) is refused naming the key type`, () => {
      const p = kp(kind);
      for (const input of [
        p.publicPem,
        p.publicKey.export({ type: 'spki', format: 'der' }),
        JSON.stringify(p.publicKey.export({ format: 'jwk' })),
      ]) {
        assert.throws(() => parseRecipients(input, SOURCE), refusal(new RegExp(kind, 'i')));
      }
    });
  }

  test('a JWK alg that cannot wrap layer keys is refused naming it', () => {
    const rsa = { ...kp('rsa2048').publicKey.export({ format: 'jwk' }), alg: 'RSA1_5' };
    assert.throws(() => parseRecipients(JSON.stringify(rsa), SOURCE), refusal(/"RSA1_5"/));
    const ec = { ...kp('p256').publicKey.export({ format: 'jwk' }), alg: 'ECDH-ES' };
    assert.throws(() => parseRecipients(JSON.stringify(ec), SOURCE), refusal(/"ECDH-ES"/));
    const cross = { ...kp('p256').publicKey.export({ format: 'jwk' }), alg: 'RSA-OAEP' };
    assert.throws(() => parseRecipients(JSON.stringify(cross), SOURCE), refusal(/"RSA-OAEP"/));
  });

  test('a JWK set with one bad key names which key', () => {
    const set = {
      keys: [
        kp('p256').publicKey.export({ format: 'jwk' }),
        kp('ed25519').publicKey.export({ format: 'jwk' }),
      ],
    };
    assert.throws(() => parseRecipients(JSON.stringify(set), SOURCE), refusal(/key 2/, `${SOURCE} key 2`));
  });

  const junk: [string, string | Buffer][] = [
    ['garbage text', 'hello, I am not a key'],
    ['random bytes starting like DER', Buffer.from([0x30, 0x82, 0x01, 0x0a, 1, 2, 3, 4, 5])],
    ['empty string', ''],
    ['empty bytes', Buffer.alloc(0)],
    ['whitespace', '  \n\t'],
    ['a corrupt PEM body', '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'],
    ['a PEM with no END line', '-----BEGIN PUBLIC KEY-----\nAAAA\n'],
    ['an unknown PEM block', '-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'],
    ['broken JSON', '{"kty":"RSA",'],
    ['a JWK that is not a key', '{"kty":"RSA","n":"AQAB"}'],
    ['only EC PARAMETERS', '-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n'],
  ];
  for (const [what, input] of junk) {
    test(`${what}`, () => {
      assert.throws(() => parseRecipients(input, SOURCE), refusal(/./));
    });
  }
});

describe('parseDecryptionKeys', () => {
  const PW = 'correct horse';

  function opensslKey(name: string, ...args: string[]): Buffer {
    const out = join(dir, name);
    openssl(...args, '-out', out);
    return readFileSync(out);
  }

  function assertOpens(input: Uint8Array, priv: KeyObject, passphrase?: string) {
    const keys = parseDecryptionKeys(input, SOURCE, passphrase);
    assert.equal(keys.length, 1);
    assert.equal(keys[0]!.source, SOURCE);
    assert.equal(keys[0]!.key.type, 'private');
    assert.ok(keys[0]!.key.equals(priv), 'the parsed key is the given private key');
  }

  const bytes = (v: string | Buffer): Buffer => Buffer.from(v);

  for (const kind of ['rsa2048', 'p256', 'p521'] as const) {
    test(`PKCS#8 PEM ${kind}`, () => {
      const p = kp(kind);
      assertOpens(bytes(p.privatePem), p.privateKey);
    });
    test(`JWK ${kind}`, () => {
      const p = kp(kind);
      assertOpens(bytes(JSON.stringify(p.privateKey.export({ format: 'jwk' }))), p.privateKey);
    });
    test(`DER PKCS#8 ${kind}`, () => {
      const p = kp(kind);
      assertOpens(p.privateKey.export({ type: 'pkcs8', format: 'der' }), p.privateKey);
    });
  }

  test('PKCS#1 RSA PRIVATE KEY PEM and DER', () => {
    const p = kp('rsa2048');
    assertOpens(bytes(p.privateKey.export({ type: 'pkcs1', format: 'pem' })), p.privateKey);
    assertOpens(p.privateKey.export({ type: 'pkcs1', format: 'der' }), p.privateKey);
  });

  test('SEC1 EC PRIVATE KEY PEM and DER', () => {
    const p = kp('p384');
    assertOpens(bytes(p.privateKey.export({ type: 'sec1', format: 'pem' })), p.privateKey);
    assertOpens(p.privateKey.export({ type: 'sec1', format: 'der' }), p.privateKey);
  });

  test('SEC1 EC PEM with an EC PARAMETERS block, as `openssl ecparam -genkey` writes it', () => {
    const pem = opensslKey('ecparam.pem', 'ecparam', '-genkey', '-name', 'prime256v1');
    assert.match(pem.toString(), /BEGIN EC PARAMETERS[\s\S]*BEGIN EC PRIVATE KEY/);
    const priv = createPrivateKey(pem.toString().slice(pem.toString().indexOf('-----BEGIN EC PRIVATE KEY')));
    assertOpens(pem, priv);
  });

  test('a PEM holding a certificate and its private key gives the key', () => {
    const p = kp('rsa2048');
    const [cert] = certificate('withcert', p);
    const keys = pairCertificates(parseDecryptionKeys(bytes(cert + p.privatePem), SOURCE));
    assert.equal(keys.length, 1);
    assert.ok(keys[0]!.key!.equals(p.privateKey));
    assert.ok(keys[0]!.certificate, 'the certificate goes with its key (pkcs7)');
  });

  test('several private keys in one PEM give several keys', () => {
    const a = kp('rsa2048');
    const b = kp('p256');
    const keys = parseDecryptionKeys(bytes(a.privatePem + b.privatePem), SOURCE);
    assert.equal(keys.length, 2);
    assert.ok(keys[0]!.key.equals(a.privateKey));
    assert.ok(keys[1]!.key.equals(b.privateKey));
  });

  test('encrypted PKCS#8 made by openssl pkcs8 -topk8 -v2 aes-256-cbc, with its passphrase', () => {
    const p = kp('rsa2048');
    const plain = join(dir, 'topk8-in.pem');
    writeFileSync(plain, p.privatePem, { mode: 0o600 });
    const pem = opensslKey(
      'topk8.pem',
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-in',
      plain,
      '-passout',
      `pass:${PW}`,
    );
    assert.match(pem.toString(), /BEGIN ENCRYPTED PRIVATE KEY/);
    assertOpens(pem, p.privateKey, PW);
  });

  test('encrypted PKCS#8 exported by node (PEM and DER), with its passphrase', () => {
    const p = kp('p384');
    const opts = { type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: PW } as const;
    const pem = p.privateKey.export({ ...opts, format: 'pem' });
    assert.match(pem.toString(), /BEGIN ENCRYPTED PRIVATE KEY/);
    assertOpens(bytes(pem), p.privateKey, PW);
    assertOpens(p.privateKey.export({ ...opts, format: 'der' }), p.privateKey, PW);
  });

  test('legacy encrypted PEM (Proc-Type: 4,ENCRYPTED), with its passphrase', () => {
    const p = kp('rsa2048');
    const pem = p.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PW });
    assert.match(pem.toString(), /Proc-Type: 4,ENCRYPTED/);
    assertOpens(bytes(pem), p.privateKey, PW);
    const ec = kp('p256');
    const sec1 = ec.privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: PW });
    assertOpens(bytes(sec1), ec.privateKey, PW);
  });

  test('a passphrase given for an unencrypted key is harmless', () => {
    const p = kp('p256');
    assertOpens(bytes(p.privatePem), p.privateKey, PW);
  });

  const encrypted: [string, () => Buffer][] = [
    [
      'encrypted PKCS#8 PEM',
      () =>
        bytes(
          kp('rsa2048').privateKey.export({
            type: 'pkcs8',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: PW,
          }),
        ),
    ],
    [
      'legacy encrypted PEM',
      () =>
        bytes(
          kp('rsa2048').privateKey.export({
            type: 'pkcs1',
            format: 'pem',
            cipher: 'aes-256-cbc',
            passphrase: PW,
          }),
        ),
    ],
    [
      'encrypted PKCS#8 DER',
      () =>
        kp('p256').privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: PW }),
    ],
  ];
  for (const [what, make] of encrypted) {
    test(`${what} without a passphrase: "needs a passphrase"`, () => {
      assert.throws(() => parseDecryptionKeys(make(), SOURCE), refusal(/encrypted and needs a passphrase/));
    });
    test(`${what} with the wrong passphrase: "passphrase does not open"`, () => {
      assert.throws(
        () => parseDecryptionKeys(make(), SOURCE, 'wrong'),
        refusal(/the passphrase does not open this private key/),
      );
    });
  }

  const publicInputs: [string, () => Buffer][] = [
    ['SPKI PEM', () => bytes(kp('rsa2048').publicPem)],
    ['SPKI DER', () => kp('p256').publicKey.export({ type: 'spki', format: 'der' })],
    ['public JWK', () => bytes(JSON.stringify(kp('p256').publicKey.export({ format: 'jwk' })))],
  ];
  for (const [what, make] of publicInputs) {
    test(`a public key (${what}) given as decryption key is E_KEY "holds no private key"`, () => {
      assert.throws(() => parseDecryptionKeys(make(), SOURCE), refusal(/holds no private key/));
    });
  }

  test('a certificate alone (PEM or DER) is a certificate for pkcs7; without its private key it is E_KEY', () => {
    const p = kp('rsa2048');
    for (const cert of certificate('alone', p)) {
      const [entry, ...rest] = parseDecryptionKeys(bytes(cert), SOURCE);
      assert.equal(rest.length, 0);
      assert.ok(entry!.certificate, 'the certificate is kept');
      assert.equal(entry!.key.type, 'public');
      const [paired] = pairCertificates([{ key: p.privateKey, source: 'key.pem' }, entry!]);
      assert.ok(paired!.key!.equals(p.privateKey));
      assert.deepEqual(paired!.certificate, entry!.certificate);
      assert.throws(
        () => pairCertificates([entry!]),
        refusal(/is a certificate, and none of the keys given is its private key/),
      );
    }
  });

  for (const [what, input] of [
    ['garbage', bytes('not a key at all')],
    ['empty', Buffer.alloc(0)],
    ['a corrupt PEM', bytes('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n')],
    ['broken JSON', bytes('{"kty":')],
    ['a broken JWK with d', bytes('{"kty":"EC","crv":"P-256","d":"AA"}')],
  ] as const) {
    test(`${what} is E_KEY naming the source`, () => {
      assert.throws(() => parseDecryptionKeys(input, SOURCE), refusal(/./));
    });
  }

  test('key material never appears in a refusal', () => {
    const p = kp('rsa2048');
    const body = p.privatePem.split('\n')[1]!;
    const corrupt = p.privatePem.replace(body, body.slice(0, 20) + '!!' + body.slice(22));
    assert.throws(
      () => parseDecryptionKeys(bytes(corrupt), SOURCE),
      (err: unknown) => isOepError(err, 'E_KEY') && !err.message.includes(body.slice(0, 20)),
    );
  });
});

describe('keys parsed here are usable by node', () => {
  test('the recipient key is the public half of the decryption key', () => {
    const p = kp('p256');
    const r = only(parseRecipients(p.publicPem, SOURCE));
    const [k] = parseDecryptionKeys(Buffer.from(p.privatePem), SOURCE);
    assert.ok(createPublicKey(k!.key).equals(r.key));
  });
});
