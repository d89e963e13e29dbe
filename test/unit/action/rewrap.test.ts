/**
 * The rewrap sub-action's contract and adapter without a runner: rewrap/action.yml (node24, the shared bundle's
 * dist/rewrap entry as github/codeql-action's sub-actions point at ../lib, the inputs of design.md and the main
 * action's outputs), and inputs → the request and keys, each bad value failing on the input that holds it.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { REWRAP_INPUT_NAMES, rewrapFailureMessage, rewrapRequest } from '../../../src/action/rewrap/main.js';
import { asOepError } from '../../../src/errors.js';
import { keyPair, tempDir } from '../../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const load = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as ActionYml;

test('rewrap/action.yml: node24 on the shared bundle, the inputs of the contract, the outputs of the main action', () => {
  const action = load('rewrap/action.yml');
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, '../dist/rewrap/index.js');
  const bundle = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { bundle: string } }
  ).scripts.bundle;
  assert.match(
    bundle,
    /ncc build src\/action\/rewrap\/index\.ts -o dist\/rewrap /,
    'npm run bundle builds it',
  );
  for (const name of [
    'from',
    'image',
    'tags',
    'private-keys',
    'public-keys',
    'recipients',
    'rekey',
    'expect-recipients',
  ]) {
    assert.ok(action.inputs[name], `input ${name} of design.md is missing`);
  }
  assert.deepEqual(
    Object.keys(action.inputs).sort(),
    [...REWRAP_INPUT_NAMES].sort(),
    'the adapter reads them all',
  );
  for (const [name, input] of Object.entries(action.inputs))
    assert.ok(input.description.length > 20, `${name} needs a description`);
  assert.equal(action.inputs.rekey!.default, 'false');
  assert.match(action.inputs.rekey!.description, /revok/);
  const main = load('action.yml');
  for (const out of ['digest', 'image', 'image-ref', 'tags', 'platform-digests', 'report']) {
    assert.ok(main.outputs[out] && action.outputs[out], `output ${out} is missing`);
  }
});

describe('rewrap inputs → request', () => {
  const a = keyPair('rsa2048');
  const b = keyPair('p256');
  const inputs = Object.fromEntries(REWRAP_INPUT_NAMES.map((n) => [n, ''])) as Record<
    (typeof REWRAP_INPUT_NAMES)[number],
    string
  >;
  const base = {
    ...inputs,
    from: 'registry.example/team/app:v1',
    image: 'registry.example/team/app:v2',
    'private-keys': `${a.privatePem}\n${b.privatePem}`,
    'public-keys': b.publicPem,
    'tls-verify': 'true',
    retries: '3',
  };

  test('maps from, image, tags, keys, recipients and rekey', () => {
    const { req, keys } = rewrapRequest({ ...base, tags: 'latest, v2.0\nstable', rekey: 'true' }, {});
    assert.equal(req.command, 'rewrap');
    assert.equal(req.from, base.from);
    assert.equal(req.image, base.image);
    assert.deepEqual(req.tags, ['latest', 'v2.0', 'stable']);
    assert.equal(req.rekey, true);
    assert.equal(req.recipients.length, 1);
    assert.equal(keys.length, 2, 'two PEM blocks: two keys');
    assert.equal(rewrapRequest(base, {}).req.rekey, false, 'rekey defaults to false');
  });

  test('private-keys: a key file line beside PEM text is read too, not dropped', () => {
    const file = join(tempDir(), 'c.pem');
    writeFileSync(file, keyPair('p256').privatePem);
    const { keys } = rewrapRequest({ ...base, 'private-keys': `${a.privatePem}\n${file}` }, {});
    assert.equal(keys.length, 2);
    assert.throws(
      () => rewrapRequest({ ...base, 'private-keys': `${a.privatePem}\n${file}.missing` }, {}),
      /private-keys .*c\.pem\.missing: cannot read the file/,
    );
  });

  for (const [name, change, input, pattern] of [
    ['no private key', { 'private-keys': '' }, 'private-keys', /is empty/],
    ['a public key as private key', { 'private-keys': a.publicPem }, 'private-keys', /no private key/],
    ['no recipient', { 'public-keys': '' }, 'public-keys', /both empty/],
    ['a bad rekey', { rekey: 'yes' }, 'rekey', /"yes" is not true or false/],
    ['no from', { from: '' }, 'from', /is required/],
    ['no image', { image: '' }, 'image', /is empty/],
    [
      'a recipient not pinned',
      { 'expect-recipients': `sha256:${'0'.repeat(64)}` },
      'expect-recipients',
      /not the expected/,
    ],
  ] as const) {
    test(`${name}: fails on ${input}`, () => {
      let err: unknown;
      try {
        rewrapRequest({ ...base, ...change }, {});
      } catch (e) {
        err = e;
      }
      assert.ok(err, 'no error');
      const line = rewrapFailureMessage(err).replace(/^error\[E_[A-Z_]+\]: /, '');
      assert.match(line, new RegExp(`^${input}[: ]`), `${line} does not name ${input} first`);
      assert.match(asOepError(err).message, pattern);
    });
  }
});
