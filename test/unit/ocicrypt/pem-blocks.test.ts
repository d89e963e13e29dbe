/**
 * PEM input is all or nothing: every `-----BEGIN` block must parse, or the whole input is refused naming the
 * file, the block's number (1-based) and what is wrong. No recipient or decryption key is silently dropped.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recipientsFrom } from '../../../src/pipeline/request.js';
import { isOepError } from '../../../src/errors.js';
import { parseDecryptionKeys, parseRecipients } from '../../../src/ocicrypt/keys.js';
import { keyPair } from '../../helpers/fixtures.js';

const SOURCE = 'keys/team.pem';
const a = keyPair('p256');
const b = keyPair('rsa2048');

/** The base64 body lines of a PEM, which no message may echo. */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
}

function refusedWith(mentions: (string | RegExp)[], secret?: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(isOepError(err, 'E_KEY'), `expected an E_KEY OepError, got ${String(err)}`);
    const text = err.describe();
    for (const m of mentions) {
      if (typeof m === 'string') assert.ok(text.includes(m), `${JSON.stringify(text)} should mention ${m}`);
      else assert.match(text, m);
    }
    for (const line of secret ? bodyLines(secret) : []) {
      assert.ok(!text.includes(line.slice(0, 16)), `${JSON.stringify(text)} leaks key material`);
    }
    return true;
  };
}

const noEnd = (pem: string) => pem.replace(/-----END [A-Z ]+-----\n?$/, '');
/** Still base64, but no longer a key: the parser must refuse it. */
const corrupt = (pem: string) => {
  const lines = pem.split('\n');
  lines[1] = 'A'.repeat(lines[1]!.length);
  return lines.join('\n');
};

describe('recipient PEM input: a block that does not parse is an error naming the file and block', () => {
  test('a good block followed by a block with no END line', () => {
    assert.throws(
      () => parseRecipients(`${a.publicPem}${noEnd(b.publicPem)}`, SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /no END line/]),
    );
  });

  test('a good block followed by a block whose END label does not match its BEGIN', () => {
    const mismatched = b.publicPem.replace('END PUBLIC KEY', 'END CERTIFICATE');
    assert.throws(
      () => parseRecipients(`${a.publicPem}${mismatched}`, SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /END CERTIFICATE/, /BEGIN PUBLIC KEY/]),
    );
  });

  test('a corrupt block between two good ones names block 2 and leaks nothing', () => {
    const input = `${a.publicPem}${corrupt(b.publicPem)}${keyPair('p384').publicPem}`;
    assert.throws(
      () => parseRecipients(input, SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /cannot parse/], b.publicPem),
    );
  });

  test('a block holding text that is not base64', () => {
    const junk = b.publicPem.replace(bodyLines(b.publicPem)[1]!, 'not base64 at all!');
    assert.throws(
      () => parseRecipients(`${a.publicPem}${junk}`, SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /not base64/]),
    );
  });

  test('a malformed BEGIN line after a good block', () => {
    const input = `${a.publicPem}-----BEGIN public key\n${bodyLines(b.publicPem).join('\n')}\n`;
    assert.throws(() => parseRecipients(input, SOURCE), refusedWith([SOURCE, 'PEM block 2', /BEGIN line/]));
  });

  test('a single block with no END line names block 1', () => {
    assert.throws(
      () => parseRecipients(noEnd(a.publicPem), SOURCE),
      refusedWith([SOURCE, 'PEM block 1', /no END line/]),
    );
  });

  test('a private key among public keys is refused by block, without key material', () => {
    assert.throws(
      () => parseRecipients(`${a.publicPem}${b.privatePem}`, SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /is a private key/], b.privatePem),
    );
  });

  test('comments outside blocks are fine; every block becomes a recipient', () => {
    const rs = parseRecipients(`# alice\n${a.publicPem}\n# bob\n${b.publicPem}\nend of team\n`, SOURCE);
    assert.equal(rs.length, 2);
  });

  test('text with no usable block at all is an error', () => {
    assert.throws(() => parseRecipients('# keys go here\n', SOURCE), refusedWith([SOURCE, /no public key/]));
  });
});

describe("the Action's public-keys text follows the same rule", () => {
  test('a truncated second key fails the step naming public-keys and block 2', () => {
    assert.throws(
      () => recipientsFrom({ 'public-keys': `${a.publicPem}${noEnd(b.publicPem)}`, recipients: [] }),
      refusedWith([/^public-keys/, 'PEM block 2', /no END line/]),
    );
  });
});

describe('decryption key PEM input: no key is silently dropped', () => {
  test('a good private key followed by one with no END line', () => {
    assert.throws(
      () => parseDecryptionKeys(Buffer.from(`${a.privatePem}${noEnd(b.privatePem)}`), SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /no END line/], b.privatePem),
    );
  });

  test('a good private key followed by a corrupt one names block 2, leaks nothing', () => {
    assert.throws(
      () => parseDecryptionKeys(Buffer.from(`${a.privatePem}${corrupt(b.privatePem)}`), SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /cannot parse/], b.privatePem),
    );
  });

  test('a corrupt certificate riding along with the key is refused too', () => {
    const cert = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    assert.throws(
      () => parseDecryptionKeys(Buffer.from(`${a.privatePem}${cert}`), SOURCE),
      refusedWith([SOURCE, 'PEM block 2', /CERTIFICATE/]),
    );
  });

  test('a BEGIN with mismatched END in a key file', () => {
    const mismatched = b.privatePem.replace('END PRIVATE KEY', 'END PUBLIC KEY');
    assert.throws(
      () => parseDecryptionKeys(Buffer.from(`${a.privatePem}${mismatched}`), SOURCE),
      refusedWith([SOURCE, 'PEM block 2'], b.privatePem),
    );
  });

  test('a public key riding along with the private key is fine', () => {
    const keys = parseDecryptionKeys(Buffer.from(`# mine\n${a.publicPem}${a.privatePem}`), SOURCE);
    assert.equal(keys.length, 1);
  });
});
