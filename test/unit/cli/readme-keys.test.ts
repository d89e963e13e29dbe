/**
 * README's "Recipients and keys" as a user follows it: the files made by its openssl lines (the JWKs, the keyring
 * and the passphrase by node:crypto here), then every recipient example given to `encrypt` and every key example
 * to `decrypt`, verbatim, through the CLI in that folder. Each recipient's output is opened by the keys that
 * match it, so each key example also proves the form it names. The README's examples and this test's list must
 * be the same: a form added to one and not the other fails.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { makeLayout, tempDir } from '../../helpers/fixtures.js';
import { onlyManifest } from '../pipeline/support.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const SECTION = README.split('\n## Recipients and keys\n')[1]!.split('\n## ')[0]!;
const PROVIDER = join(import.meta.dirname, '../../helpers/keyprovider-cmd.mjs');

/** The example cells (`--recipient X`, `--key A --key B`) of the section's tables, as arguments. */
function examples(flag: '--recipient' | '--key'): string[][] {
  const re = new RegExp(`^\\|.+\\| \`(${flag} [^\`]+)\` +\\|$`, 'gm');
  return [...SECTION.matchAll(re)].map((m) => m[1]!.split(' '));
}

/** Each recipient example, and the key examples that must open what it encrypted (each one alone). */
const OPENED_BY: Record<string, string[][]> = {
  'jwe:team.pub.pem': [['--key', 'team.key.pem']],
  'jwe:team.rsa-pub.pem': [['--key', 'team.key.enc.pem:file=passphrase.txt']],
  'jwe:alice.cert.pem': [['--key', 'alice.key.pem']],
  'jwe:team.pub.jwk': [['--key', 'team.key.enc.pem:env=KEY_PASSPHRASE']],
  'jwe:keyring.pem': [
    ['--key', 'team.key.jwk'],
    ['--key', 'ec.key.pem'],
  ],
  'team.pub.pem': [
    ['--key', 'team.rsa-key.pem'],
    ['--key', 'team.key.der'],
  ],
  'pkcs7:alice.cert.pem': [['--key', 'alice.key.pem', '--key', 'alice.cert.pem']],
  'provider:kms:key-id=alpha': [['--key', 'provider:kms']],
  'provider:attestation-agent:keypath=kek::keyid=kbs:///default/key/1': [
    ['--key', 'provider:attestation-agent:keypath=kek'],
  ],
};

/** What each file the openssl lines make must hold: the form its row names. */
const PEM_LABELS: Record<string, string> = {
  'team.key.pem': 'PRIVATE KEY',
  'team.pub.pem': 'PUBLIC KEY',
  'team.rsa-pub.pem': 'RSA PUBLIC KEY',
  'team.rsa-key.pem': 'RSA PRIVATE KEY',
  'team.key.enc.pem': 'ENCRYPTED PRIVATE KEY',
  'ec.key.pem': 'EC PRIVATE KEY',
  'alice.cert.pem': 'CERTIFICATE',
  'alice.key.pem': 'PRIVATE KEY',
};

describe("README's recipients and keys, through the CLI", () => {
  const dir = tempDir('oep-readme-keys-');
  const passphrase = randomBytes(12).toString('hex');
  const env = {
    KEY_PASSPHRASE: passphrase,
    KP_KEK: randomBytes(32).toString('hex'),
    OCICRYPT_KEYPROVIDER_CONFIG: join(dir, 'providers.json'),
  };
  const layers = () => onlyManifest(join(dir, 'image')).doc.layers;

  before(() => {
    makeLayout(join(dir, 'image'), {
      layers: [
        { files: { 'etc/base': 'base\n' } },
        { compression: 'none', files: { 'app/secret': 'top\n' } },
      ],
    });
    writeFileSync(join(dir, 'passphrase.txt'), `${passphrase}\n`, { mode: 0o600 });
    const openssl = /```sh\n(openssl [^]*?)```/.exec(SECTION);
    assert.ok(openssl, 'the section has a block of openssl lines');
    execFileSync('sh', ['-e', '-c', openssl[1]!], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    // What openssl does not write: JWKs, a file of two PEM public keys, the KEK, the provider configuration.
    const team = createPrivateKey(readFileSync(join(dir, 'team.key.pem')));
    writeFileSync(join(dir, 'team.pub.jwk'), JSON.stringify(createPublicKey(team).export({ format: 'jwk' })));
    writeFileSync(join(dir, 'team.key.jwk'), JSON.stringify(team.export({ format: 'jwk' })), { mode: 0o600 });
    const ec = createPublicKey(readFileSync(join(dir, 'ec.key.pem')));
    const keyring = [
      readFileSync(join(dir, 'team.pub.pem'), 'utf8'),
      ec.export({ type: 'spki', format: 'pem' }),
    ];
    writeFileSync(join(dir, 'keyring.pem'), keyring.join(''));
    writeFileSync(join(dir, 'kek'), randomBytes(32), { mode: 0o600 });
    const kms = { cmd: { path: process.execPath, args: [PROVIDER] } };
    writeFileSync(env.OCICRYPT_KEYPROVIDER_CONFIG, JSON.stringify({ 'key-providers': { kms } }));
  });

  test('the examples are the ones this test knows, each once', () => {
    const recipients = examples('--recipient').map((args) => args.slice(1).join(' '));
    assert.deepEqual(recipients, Object.keys(OPENED_BY));
    const keys = examples('--key').map((args) => args.join(' '));
    const openers = Object.values(OPENED_BY).flatMap((o) => o.map((args) => args.join(' ')));
    assert.deepEqual(new Set(keys).size, keys.length, 'a key example is there twice');
    for (const k of keys) assert.ok(openers.includes(k), `no recipient example is opened by ${k}`);
    assert.equal(keys.length, 9);
  });

  test('the openssl lines write the forms their rows name', () => {
    for (const [file, label] of Object.entries(PEM_LABELS)) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.ok(text.startsWith(`-----BEGIN ${label}-----\n`), `${file}: ${text.split('\n')[0]}`);
    }
    assert.ok(!readFileSync(join(dir, 'team.key.der')).includes('-----BEGIN'), 'team.key.der is PEM');
  });

  for (const [recipient, openers] of Object.entries(OPENED_BY)) {
    test(`--recipient ${recipient}: encrypts; opened by ${openers.map((o) => o.join(' ')).join(', and by ')}`, () => {
      const out = `enc-${recipient.replace(/[^a-z0-9.-]+/gi, '_')}`;
      const e = runCli(['encrypt', '--layout', 'image', '--output', out, '--recipient', recipient], {
        cwd: dir,
        env,
      });
      assert.equal(e.status, 0, e.stderr);
      for (const [i, keys] of openers.entries()) {
        const plain = `${out}-plain-${i}`;
        const d = runCli(['decrypt', '--layout', out, '--output', plain, ...keys], { cwd: dir, env });
        assert.equal(d.status, 0, `${keys.join(' ')}: ${d.stderr}`);
        assert.doesNotMatch(d.stderr, /warning/i, `${keys.join(' ')}: ${d.stderr}`);
        assert.deepEqual(onlyManifest(join(dir, plain)).doc.layers, layers());
      }
    });
  }
});
