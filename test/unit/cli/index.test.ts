// `oci-encrypt-push index` and `encrypt --push-by-digest` on the command line, before any network: the help names
// them, each usage mistake is one error line naming the flag, exit 2; sources are the command's arguments.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCommand } from '../../../src/cli/args.js';
import { assertOneError, runCli } from '../../helpers/cli.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';

const A = `sha256:${'a'.repeat(64)}`;

describe('index and push-by-digest (CLI)', () => {
  const dir = tempDir();
  const src = join(dir, 'src');
  makeLayout(src, { layers: [{ files: { 'a.txt': 'a\n' } }] });
  const key = writeKeyPair(dir, 'k', keyPair('p256'));

  it('--help shows index and --push-by-digest', () => {
    const r = runCli(['--help']);
    assert.equal(r.status, 0);
    const text = r.stdout.replace(/\s+/g, ' ');
    assert.match(
      text,
      /oci-encrypt-push index --image REPO\[:TAG\] \[--tag T\]\.\.\. \(SOURCE\.\.\. \| --digests-dir DIR\)/,
    );
    assert.match(text, /\[--require-encrypted=false\]/);
    assert.match(text, /--image REPO --push-by-digest/);
  });

  it('sources are the arguments of index; bare boolean flags mean true', () => {
    const cmd = parseCommand([
      'index',
      '--image',
      'r.example/a:v1',
      A,
      `r.example/b@${A}`,
      '--require-encrypted',
    ]);
    assert.equal(cmd.name, 'index');
    assert.deepEqual(cmd.strings.sources, [A, `r.example/b@${A}`]);
    assert.equal(cmd.strings['require-encrypted'], 'true');
    const enc = parseCommand(['encrypt', '--layout', 'x', '--image', 'r.example/a', '--push-by-digest']);
    assert.equal(enc.strings['push-by-digest'], 'true');
    assert.equal(
      parseCommand(['encrypt', '--layout', 'x', '--image', 'r.example/a', '--push-by-digest=false']).strings[
        'push-by-digest'
      ],
      'false',
    );
  });

  for (const [name, args, mentions] of [
    ['index with no image', ['index', A], ['image: is required']],
    [
      'index with no source',
      ['index', '--image', 'r.example/a:v1'],
      ['sources: is empty and so is digests-dir'],
    ],
    ['a tagged source', ['index', '--image', 'r.example/a:v1', 'r.example/a:amd64'], ['names no digest']],
    [
      'index takes no recipient',
      ['index', '--image', 'r.example/a', A, '--recipient', key.pub],
      ['index does not take --recipient'],
    ],
    [
      'encrypt takes no digests-dir',
      ['encrypt', '--layout', src, '--output', join(dir, 'o'), '--recipient', key.pub, '--digests-dir', dir],
      ['encrypt does not take --digests-dir'],
    ],
    [
      'other commands take no arguments',
      ['inspect', '--layout', src, 'extra'],
      ['unexpected argument "extra"'],
    ],
    [
      'push-by-digest with a tag',
      ['encrypt', '--layout', src, '--image', 'r.example/a:v1', '--push-by-digest', '--recipient', key.pub],
      ['image: names the tag v1, but push-by-digest is true'],
    ],
    [
      'push-by-digest with --tag',
      [
        'encrypt',
        '--layout',
        src,
        '--image',
        'r.example/a',
        '--tag',
        'v1',
        '--push-by-digest',
        '--recipient',
        key.pub,
      ],
      ['tags: v1: push-by-digest is true'],
    ],
  ] as const) {
    it(`refused: ${name}`, () => {
      assertOneError(runCli([...args]), 2, [...mentions]);
    });
  }
});
