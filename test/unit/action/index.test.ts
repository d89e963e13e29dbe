/**
 * The index sub-action's contract and adapter without a runner: index/action.yml (node24 on the shared bundle's
 * dist/index entry, the inputs of design.md, the main action's outputs), and inputs → the request, each bad
 * value failing on the input that holds it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { INDEX_INPUT_NAMES, indexFailureMessage, indexRequest } from '../../../src/action/index/main.js';
import { asOepError, OepError } from '../../../src/errors.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const load = (file: string) => parse(readFileSync(join(ROOT, file), 'utf8')) as ActionYml;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

test('index/action.yml: node24 on the shared bundle, the inputs of the contract, the outputs of the main action', () => {
  const action = load('index/action.yml');
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, '../dist/index/index.js');
  const bundle = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { bundle: string } }
  ).scripts.bundle;
  assert.match(bundle, /ncc build src\/action\/index\/index\.ts -o dist\/index /, 'npm run bundle builds it');
  for (const name of [
    'image',
    'tags',
    'sources',
    'digests-dir',
    'require-encrypted',
    'username',
    'password',
  ]) {
    assert.ok(action.inputs[name], `input ${name} of the contract is missing`);
  }
  assert.deepEqual(
    Object.keys(action.inputs).sort(),
    [...INDEX_INPUT_NAMES].sort(),
    'the adapter reads them all',
  );
  for (const [name, input] of Object.entries(action.inputs)) {
    assert.ok(input.description.length > 20, `${name} needs a description`);
    assert.notEqual(input.required, true, `${name}: sources or digests-dir, so nothing is required alone`);
  }
  assert.equal(action.inputs['require-encrypted']!.default, 'true');
  const main = load('action.yml');
  assert.deepEqual(
    Object.keys(action.outputs).sort(),
    Object.keys(main.outputs)
      .filter((o) => o !== 'digest-file')
      .sort(),
  );
});

describe('index inputs → request', () => {
  const empty = Object.fromEntries(INDEX_INPUT_NAMES.map((n) => [n, ''])) as Record<
    (typeof INDEX_INPUT_NAMES)[number],
    string
  >;
  const base = { ...empty, image: 'registry.example/team/app:v1', 'tls-verify': 'true', retries: '3' };

  test('maps image, tags, sources (lines or commas) and require-encrypted', () => {
    const req = indexRequest(
      { ...base, tags: 'latest\nstable', sources: `${A}\n registry.example/team/arm@${B} ,` },
      {},
    );
    assert.equal(req.command, 'index');
    assert.equal(req.image, base.image);
    assert.deepEqual(req.tags, ['latest', 'stable']);
    assert.deepEqual(req.sources, [`registry.example/team/app@${A}`, `registry.example/team/arm@${B}`]);
    assert.equal(req.requireEncrypted, true, 'on by default');
    assert.equal(
      indexRequest({ ...base, sources: A, 'require-encrypted': 'false' }, {}).requireEncrypted,
      false,
    );
  });

  for (const [name, change, input, pattern] of [
    ['no source', {}, 'sources', /is empty and so is digests-dir/],
    ['a tag for a source', { sources: 'registry.example/team/app:amd64' }, 'sources', /names no digest/],
    ['a source in another registry', { sources: `ghcr.io/team/app@${A}` }, 'sources', /another registry/],
    ['no image', { image: '', sources: A }, 'image', /is required/],
    [
      'a bad require-encrypted',
      { sources: A, 'require-encrypted': 'yes' },
      'require-encrypted',
      /not true or false/,
    ],
  ] as const) {
    test(`${name}: fails on ${input}`, () => {
      let err: unknown;
      try {
        indexRequest({ ...base, ...change }, {});
      } catch (e) {
        err = e;
      }
      assert.ok(err, 'no error');
      const line = indexFailureMessage(err).replace(/^error\[E_[A-Z_]+\]: /, '');
      assert.match(line, new RegExp(`^${input}[: ]`), `${line} does not name ${input} first`);
      assert.match(asOepError(err).message, pattern);
    });
  }

  test('a plaintext or duplicate source found in the registry is put on sources', () => {
    for (const code of ['E_PLAINTEXT', 'E_PLATFORM'] as const) {
      const line = indexFailureMessage(new OepError(code, 'x@sha256:… is for linux/amd64'));
      assert.match(line, new RegExp(`^error\\[${code}\\]: sources: x@`));
    }
  });
});
