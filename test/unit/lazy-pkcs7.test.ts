// pkijs, asn1js and their helpers are a third of the bundles: they load with the first pkcs7 recipient or item
// (ocicrypt/keywrap/pkcs7.ts imports them dynamically, and ncc puts them in a chunk of their own), not with
// every run. A hook preloaded into the CLI or a library user (helpers/loaded-packages.mjs) lists the packages
// the process loaded; a pkcs7 run shows that the hook sees them when they do load.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeCertificate } from '../helpers/certs.js';
import { runCli } from '../helpers/cli.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOK = fileURLToPath(new URL('../helpers/loaded-packages.mjs', import.meta.url));
const PKCS7_PACKAGES = ['@noble/hashes', 'asn1js', 'bytestreamjs', 'pkijs', 'pvtsutils', 'pvutils'];

/** The pkcs7 packages a run loaded; `run` gets the environment that preloads the hook. */
function pkcs7PackagesLoaded(dir: string, name: string, run: (env: NodeJS.ProcessEnv) => void): string[] {
  const file = join(dir, `${name}.loaded`);
  run({ NODE_OPTIONS: `--import ${HOOK}`, LOADED_PACKAGES: file });
  const loaded = readFileSync(file, 'utf8').split('\n');
  return PKCS7_PACKAGES.filter((p) => loaded.includes(p));
}

test('the CLI loads pkijs and asn1js only for a pkcs7 recipient, not to start or for a jwe image', () => {
  const dir = tempDir();
  makeLayout(join(dir, 'src'), { layers: [{ files: { a: Buffer.from('hello') } }] });
  const key = writeKeyPair(dir, 'k', keyPair('p256'));
  const cert = makeCertificate(dir, 'alice');
  const cli = (name: string, args: string[]) =>
    pkcs7PackagesLoaded(dir, name, (env) => {
      const r = runCli(args, { env });
      assert.equal(r.status, 0, r.stderr);
    });

  assert.deepEqual(cli('version', ['--version']), []);
  const enc = join(dir, 'enc');
  assert.deepEqual(
    cli('encrypt', ['encrypt', '--layout', join(dir, 'src'), '--output', enc, '--recipient', key.pub]),
    [],
  );
  assert.deepEqual(cli('inspect', ['inspect', '--layout', enc, '--json']), []);
  assert.deepEqual(
    cli('decrypt', ['decrypt', '--layout', enc, '--output', join(dir, 'dec'), '--key', key.priv]),
    [],
  );
  const pkcs7 = cli('pkcs7', [
    'encrypt',
    '--layout',
    join(dir, 'src'),
    '--output',
    join(dir, 'enc7'),
    '--recipient',
    `pkcs7:${cert.cert}`,
  ]);
  assert.ok(
    pkcs7.includes('pkijs') && pkcs7.includes('asn1js'),
    `a pkcs7 run loaded only ${pkcs7.join(', ')}`,
  );
});

test('the library loads pkijs and asn1js only for a pkcs7 recipient', () => {
  const dir = tempDir();
  makeLayout(join(dir, 'src'), { layers: [{ files: { a: Buffer.from('hello') } }] });
  const key = writeKeyPair(dir, 'k', keyPair('p256'));
  const cert = makeCertificate(dir, 'alice');
  // An application's process: it imports the library, encrypts, inspects and decrypts for a jwe recipient.
  const script = `
    const lib = await import(${JSON.stringify(join(ROOT, 'src', 'index.ts'))});
    const [dir, pub, priv, recipient] = process.argv.slice(1);
    const enc = dir + '/enc-' + recipient.split(':')[0];
    await lib.encrypt({ layout: dir + '/src', recipients: [recipient], output: enc });
    await lib.inspect({ layout: enc });
    if (recipient.startsWith('jwe:')) await lib.decrypt({ layout: enc, keys: [priv], output: dir + '/dec' });
  `;
  const library = (name: string, recipient: string) =>
    pkcs7PackagesLoaded(dir, name, (env) => {
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '--eval', script, dir, key.pub, key.priv, recipient],
        { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
    });

  assert.deepEqual(library('jwe', `jwe:${key.pub}`), []);
  const pkcs7 = library('pkcs7', `pkcs7:${cert.cert}`);
  assert.ok(
    pkcs7.includes('pkijs') && pkcs7.includes('asn1js'),
    `a pkcs7 run loaded only ${pkcs7.join(', ')}`,
  );
});

test('a CLI bundle copied without its chunk files says pkcs7 support did not load, never "unreadable"', () => {
  const dir = tempDir();
  makeLayout(join(dir, 'src'), { layers: [{ files: { a: Buffer.from('hello') } }] });
  const cert = makeCertificate(dir, 'alice');
  const enc = join(dir, 'enc');
  const made = runCli([
    'encrypt',
    '--layout',
    join(dir, 'src'),
    '--output',
    enc,
    '--recipient',
    `pkcs7:${cert.cert}`,
  ]);
  assert.equal(made.status, 0, made.stderr);
  // The entry alone, as an image that copies only dist/cli/index.js would hold it.
  const cli = join(dir, 'cli');
  mkdirSync(cli);
  for (const f of ['index.js', 'package.json']) copyFileSync(join(ROOT, 'dist', 'cli', f), join(cli, f));
  for (const args of [
    ['inspect', '--layout', enc],
    ['decrypt', '--layout', enc, '--output', join(dir, 'dec'), '--key', cert.key],
  ]) {
    const r = spawnSync(process.execPath, [join(cli, 'index.js'), ...args], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, `${args[0]} succeeded: ${r.stdout}`);
    assert.match(r.stderr, /error\[E_UNSUPPORTED\]: pkcs7 support did not load/, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /unreadable/);
  }
});
