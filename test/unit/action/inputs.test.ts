/**
 * The Action's input parsers (src/action/inputs.ts), without a runner: lists as docker/metadata-action writes
 * them, booleans, retries, the CA (PEM text, a path, junk), the image taken from tags, and recipients from key
 * text. Each bad input is one changed field of a good one, and the error names the input.
 */
import assert from 'node:assert/strict';
import { createHash, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { splitList } from '../../../src/action/inputs.js';
import {
  caFrom,
  imageFrom,
  parseBool,
  platformsFrom,
  recipientsFrom,
  retriesFrom,
  startsWithName,
} from '../../../src/pipeline/request.js';
import { parseLayerList as layersFrom } from '../../../src/pipeline/selection.js';
import { failureMessage } from '../../../src/action/main.js';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { keyPair, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import { certificatePem } from './support.js';

const dir = tempDir('oep-action-inputs-');
const rsa = keyPair('rsa2048');
const ec = keyPair('p256');

function fingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

const certificate = certificatePem(dir, ec);

/**
 * assert.throws matcher: an OepError with `code`, whose Action message (failureMessage) is `error[code]: ` and
 * then starts with `input`.
 */
function names(input: string, code: ErrorCode = 'E_USAGE', pattern?: RegExp): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err), `expected an OepError, got ${String(err)}`);
    assert.equal(err.code, code);
    const line = failureMessage(err);
    const prefix = `error[${code}]: `;
    assert.ok(line.startsWith(prefix), `${JSON.stringify(line)} should start with ${prefix}`);
    const text = line.slice(prefix.length);
    assert.ok(startsWithName(text, input), `${JSON.stringify(line)} should name ${input} first`);
    if (pattern) assert.match(line, pattern);
    return true;
  };
}

describe('splitList', () => {
  const cases: [string, string, string[]][] = [
    ['empty', '', []],
    ['blank lines only', '\n  \n', []],
    ['one value', 'v1', ['v1']],
    [
      'metadata-action tags output (newline-separated, trailing newline)',
      'ghcr.io/org/app:1.2.3\nghcr.io/org/app:1.2\nghcr.io/org/app:latest\n',
      ['ghcr.io/org/app:1.2.3', 'ghcr.io/org/app:1.2', 'ghcr.io/org/app:latest'],
    ],
    ['metadata-action with sep-tags ","', 'ghcr.io/o/a:1,ghcr.io/o/a:2', ['ghcr.io/o/a:1', 'ghcr.io/o/a:2']],
    ['CRLF from a Windows-edited workflow', 'v1\r\nv2\r\n', ['v1', 'v2']],
    ['spaces and empty items', ' v1 ,, v2 \n\n v3 ', ['v1', 'v2', 'v3']],
  ];
  for (const [name, input, want] of cases) {
    test(name, () => assert.deepEqual(splitList(input), want));
  }
});

describe('parseBool', () => {
  for (const [value, want] of [
    ['true', true],
    ['false', false],
    ['True', true],
    ['FALSE', false],
    [' true ', true],
  ] as const) {
    test(`${JSON.stringify(value)} is ${want}`, () => assert.equal(parseBool('verify', value, !want), want));
  }
  test('empty takes the default', () => {
    assert.equal(parseBool('verify', '', true), true);
    assert.equal(parseBool('show-summary', '  ', false), false);
  });
  for (const value of ['yes', '1', 'maybe', 'on']) {
    test(`${JSON.stringify(value)} is refused, naming the input`, () => {
      assert.throws(
        () => parseBool('tls-verify', value, true),
        names('tls-verify', 'E_USAGE', /true or false/),
      );
    });
  }
});

describe('retriesFrom', () => {
  test('empty is the default, 3', () => assert.equal(retriesFrom(''), 3));
  for (const [value, want] of [
    ['0', 0],
    ['5', 5],
    ['20', 20],
  ] as const) {
    test(`${value} is ${want}`, () => assert.equal(retriesFrom(value), want));
  }
  for (const value of ['-1', '21', '2.5', 'many', 'NaN', 'Infinity']) {
    test(`${JSON.stringify(value)} is refused, naming retries`, () => {
      assert.throws(() => retriesFrom(value), names('retries', 'E_USAGE', /0 to 20/));
    });
  }
});

describe('caFrom', () => {
  const pem = certificate;

  test('empty: no CA', () => assert.equal(caFrom(''), undefined));
  test('PEM text (from a secret or variable) is used as is', () => {
    assert.equal(caFrom(pem), pem.trim());
    assert.equal(caFrom(`\n${pem}\n`), pem.trim());
  });
  test('a bundle of two certificates is kept whole', () => {
    const bundle = `${pem}${pem}`;
    assert.equal(caFrom(bundle), bundle.trim());
  });
  test('a path is read', () => {
    const file = join(dir, 'ca.pem');
    writeFileSync(file, pem);
    assert.equal(caFrom(file), pem);
    assert.equal(caFrom(` ${file} `), pem);
  });
  test('a missing file is refused, naming ca-cert and the path', () => {
    assert.throws(
      () => caFrom(join(dir, 'missing.pem')),
      names('ca-cert', 'E_USAGE', /missing\.pem is neither PEM text nor a readable file/),
    );
  });
  test('junk text is refused, naming ca-cert', () => {
    assert.throws(() => caFrom('not a certificate'), names('ca-cert', 'E_USAGE', /neither PEM text/));
  });
  test('multi-line junk (a mangled secret) is refused without echoing it', () => {
    assert.throws(
      () => caFrom('line one of a secret\nline two of a secret'),
      (err) => {
        names('ca-cert')(err);
        assert.doesNotMatch((err as Error).message, /secret/);
        return true;
      },
    );
  });
  test('a readable file with no certificate in it is refused (Node would silently ignore it)', () => {
    const file = join(dir, 'junk.pem');
    writeFileSync(file, 'hello\n');
    assert.throws(() => caFrom(file), names('ca-cert', 'E_USAGE', /junk\.pem holds no PEM certificate/));
  });
  test('a public key instead of a certificate is refused', () => {
    assert.throws(() => caFrom(rsa.publicPem), names('ca-cert', 'E_USAGE', /holds no PEM certificate/));
  });
  test('a corrupt certificate is refused', () => {
    const corrupt = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.throws(() => caFrom(corrupt), names('ca-cert', 'E_USAGE', /certificate 1 .* cannot be parsed/));
    assert.throws(() => caFrom(`${pem}${corrupt}`), names('ca-cert', 'E_USAGE', /certificate 2 /));
  });
});

describe('imageFrom', () => {
  test('image given: tags stay as they are', () => {
    assert.deepEqual(imageFrom({ image: ' ghcr.io/org/app:v1 ', tags: ['v2', 'ghcr.io/org/app:latest'] }), {
      image: 'ghcr.io/org/app:v1',
      tags: ['v2', 'ghcr.io/org/app:latest'],
    });
  });
  test('image empty: the first full reference among tags (metadata-action), the rest stay tags', () => {
    assert.deepEqual(
      imageFrom({ image: '', tags: ['v2', 'ghcr.io/org/app:1.2.3', 'ghcr.io/org/app:latest'] }),
      { image: 'ghcr.io/org/app:1.2.3', tags: ['v2', 'ghcr.io/org/app:latest'] },
    );
  });
  test('image and tags empty: nothing to push (an output-only run)', () => {
    assert.deepEqual(imageFrom({ image: '', tags: [] }), { tags: [] });
  });
  test('image empty and only bare tags: refused, naming tags (they would be dropped silently)', () => {
    assert.throws(
      () => imageFrom({ image: '', tags: ['v1', 'latest'] }),
      names('tags', 'E_USAGE', /v1, latest/),
    );
  });
});

describe('layersFrom and platformsFrom', () => {
  test('layer lists', () => {
    assert.equal(layersFrom(''), undefined);
    assert.deepEqual(layersFrom('0, 2,-1'), [0, 2, -1]);
    assert.throws(() => layersFrom('top'), names('encrypt-layers', 'E_LAYER_INDEX'));
    assert.throws(() => layersFrom('1-3'), names('encrypt-layers', 'E_LAYER_INDEX'));
  });
  test('platform lists', () => {
    assert.equal(platformsFrom(''), undefined);
    assert.deepEqual(
      platformsFrom('linux/amd64,linux/arm64/v8')!.map((p) => [p.os, p.architecture]),
      [
        ['linux', 'amd64'],
        ['linux', 'arm64'],
      ],
    );
    assert.throws(() => platformsFrom('amd64'), names('platforms'));
  });
});

describe('recipientsFrom', () => {
  const none = { 'public-keys': '', recipients: [] as string[] };

  test('one PEM public key from a secret', () => {
    const [r, ...rest] = recipientsFrom({ ...none, 'public-keys': rsa.publicPem });
    assert.equal(rest.length, 0);
    assert.equal(r!.alg, 'RSA-OAEP');
    assert.equal(r!.type, 'RSA-2048');
    assert.equal(r!.fingerprint, fingerprint(rsa.publicKey));
    assert.equal(r!.source, 'public-keys');
  });

  test('several PEM blocks are several recipients, in order (a certificate too)', () => {
    const text = `${rsa.publicPem}\n${ec.publicPem}${certificate}`;
    const rs = recipientsFrom({ ...none, 'public-keys': text });
    assert.deepEqual(
      rs.map((r) => [r.type, r.alg, r.fingerprint, r.source]),
      [
        ['RSA-2048', 'RSA-OAEP', fingerprint(rsa.publicKey), 'public-keys (PEM block 1)'],
        ['EC-P-256', 'ECDH-ES+A256KW', fingerprint(ec.publicKey), 'public-keys (PEM block 2)'],
        // The certificate is for the same EC key.
        ['EC-P-256', 'ECDH-ES+A256KW', fingerprint(ec.publicKey), 'public-keys (PEM block 3)'],
      ],
    );
  });

  test('a JWK, with its alg and kid', () => {
    const jwk = { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'RSA-OAEP-256', kid: 'release-2025' };
    const [r] = recipientsFrom({ ...none, 'public-keys': JSON.stringify(jwk, null, 2) });
    assert.equal(r!.alg, 'RSA-OAEP-256');
    assert.equal(r!.kid, 'release-2025');
    assert.equal(r!.fingerprint, fingerprint(rsa.publicKey));
  });

  test('public-keys and recipients files together, public-keys first', () => {
    const files = writeKeyPair(dir, 'ec', ec);
    const rs = recipientsFrom({ 'public-keys': rsa.publicPem, recipients: [`jwe:${files.pub}`, files.pub] });
    assert.deepEqual(
      rs.map((r) => r.fingerprint),
      [fingerprint(rsa.publicKey), fingerprint(ec.publicKey), fingerprint(ec.publicKey)],
    );
  });

  test('a PEM private key in public-keys is refused, naming public-keys, without echoing the key', () => {
    assert.throws(
      () => recipientsFrom({ ...none, 'public-keys': rsa.privatePem }),
      (err) => {
        names('public-keys', 'E_KEY', /is a private key/)(err);
        const line = failureMessage(err);
        assert.ok(!line.includes('PRIVATE KEY'), line);
        assert.ok(!line.includes(rsa.privatePem.split('\n')[1]!), 'the key material is in the message');
        return true;
      },
    );
  });

  test('a private JWK in public-keys is refused, naming public-keys', () => {
    const jwk = rsa.privateKey.export({ format: 'jwk' });
    assert.throws(
      () => recipientsFrom({ ...none, 'public-keys': JSON.stringify(jwk) }),
      names('public-keys', 'E_KEY', /private key/),
    );
  });

  test('a private key among several blocks is refused, naming public-keys and the block', () => {
    assert.throws(
      () => recipientsFrom({ ...none, 'public-keys': `${rsa.publicPem}${ec.privatePem}` }),
      names('public-keys', 'E_KEY', /PEM block 2\) is a private key/),
    );
  });

  test('text with no key in it is refused, naming public-keys', () => {
    assert.throws(
      () => recipientsFrom({ ...none, 'public-keys': 'ssh-rsa AAAA not a pem' }),
      names('public-keys', 'E_KEY', /holds no public key/),
    );
  });

  test('a private key file in recipients is refused, naming recipients (not "public-keys/recipients")', () => {
    const files = writeKeyPair(dir, 'rsa', rsa);
    assert.throws(
      () => recipientsFrom({ ...none, recipients: [`jwe:${files.priv}`] }),
      (err) => {
        names('recipients', 'E_KEY', /is a private key/)(err);
        assert.ok(failureMessage(err).includes(files.priv), 'the message names the file');
        return true;
      },
    );
  });

  test('a missing recipients file and an unknown protocol are refused, naming recipients', () => {
    assert.throws(
      () => recipientsFrom({ ...none, recipients: [join(dir, 'nope.pem')] }),
      names('recipients', 'E_KEY', /cannot read/),
    );
    assert.throws(
      () => recipientsFrom({ ...none, recipients: ['pgp:cert.pem'] }),
      names('recipients', 'E_UNSUPPORTED', /pgp/),
    );
  });

  test('nothing given: E_NO_RECIPIENT, naming public-keys, with a hint', () => {
    assert.throws(
      () => recipientsFrom(none),
      (err) => {
        names('public-keys', 'E_NO_RECIPIENT', /no key to encrypt for/)(err);
        assert.match(failureMessage(err), /secrets\./);
        return true;
      },
    );
    assert.throws(
      () => recipientsFrom({ 'public-keys': '  \n ', recipients: [] }),
      names('public-keys', 'E_NO_RECIPIENT'),
    );
  });
});
