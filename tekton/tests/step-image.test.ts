/**
 * What a release pins by digest: the STEP_IMAGE default of every Task and StepAction of the catalog (the same
 * image, tagged with the release version), and the bundle the bundles-resolver sample runs. The script the release
 * workflow runs (tekton/pin-step-image.sh) rewrites exactly those values, in every file or in none.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers/fixtures.js';
import { catalogManifests, RELEASE_VERSION, REWRAP_DIR, ROOT } from './paths.js';
import { BUNDLE_REPOSITORY } from './resolve.js';
import { loadDoc } from './simulate.js';

const PINNED = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9._/-]+(?::[\w.-]+)?@sha256:[0-9a-f]{64}$/;
const PIN_SCRIPT = join(ROOT, 'tekton', 'pin-step-image.sh');
const BUNDLE_SAMPLE = join(REWRAP_DIR, 'samples', 'pipeline.yaml');

function stepImageDefault(file: string): unknown {
  const spec = loadDoc(file).value.spec as { params: { name: string; default?: unknown }[] };
  return spec.params.find((p) => p.name === 'STEP_IMAGE')?.default;
}

/** Copies of files in a temp folder, in the same order. */
function copies(files: string[]): string[] {
  const dir = tempDir('oep-pin-');
  return files.map((f, i) => {
    const copy = join(dir, `${i}-${basename(f)}`);
    copyFileSync(f, copy);
    return copy;
  });
}

/** The lines that differ between two versions of a file (same line count). */
function changedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  assert.equal(b.length, a.length);
  return b.filter((l, n) => l !== a[n]);
}

const pin = (args: string[]) => spawnSync('sh', [PIN_SCRIPT, ...args], { encoding: 'utf8' });

test('STEP_IMAGE defaults to one image of the release, pinned by digest, in every Task and StepAction', () => {
  const manifests = catalogManifests();
  assert.ok(manifests.length >= 3, manifests.map((m) => m.file).join(', '));
  const images = manifests.map((m) => stepImageDefault(m.file));
  assert.match(String(images[0]), PINNED);
  assert.match(String(images[0]), new RegExp(`:v${RELEASE_VERSION.replace(/\./g, '\\.')}@`));
  assert.deepEqual(new Set(images), new Set([images[0]]), 'the manifests name different step images');
});

test('the release pin script rewrites the STEP_IMAGE default of every manifest, and that line only', () => {
  const files = catalogManifests().map((m) => m.file);
  const pinned = copies(files);
  const ref = `ghcr.io/org/oci-encrypt-push:v9.9.9@sha256:${'ab'.repeat(32)}`;
  const r = pin([ref, ...pinned]);
  assert.equal(r.status, 0, r.stderr);
  files.forEach((f, i) => {
    assert.equal(stepImageDefault(pinned[i]!), ref);
    assert.equal(changedLines(readFileSync(f, 'utf8'), readFileSync(pinned[i]!, 'utf8')).length, 1);
  });
});

test('the pin script refuses a reference without a digest, and a file without STEP_IMAGE changes no file', () => {
  const [task] = copies([catalogManifests()[0]!.file]);
  const original = readFileSync(task!, 'utf8');
  const tagOnly = pin(['ghcr.io/org/oci-encrypt-push:v1', task!]);
  assert.notEqual(tagOnly.status, 0);
  assert.match(tagOnly.stderr, /not pinned by digest/);
  const [other] = copies([join(ROOT, 'action.yml')]);
  const none = pin([`ghcr.io/o/i:v1@sha256:${'0'.repeat(64)}`, task!, other!]);
  assert.notEqual(none.status, 0);
  assert.match(none.stderr, /no STEP_IMAGE default/);
  assert.equal(readFileSync(task!, 'utf8'), original, 'a file was changed although another one failed');
});

test('--bundle pins the bundles-resolver sample to the bundle the release pushed, and refuses what is not ours', () => {
  const [sample] = copies([BUNDLE_SAMPLE]);
  const ref = `${BUNDLE_REPOSITORY}:v9.9.9@sha256:${'cd'.repeat(32)}`;
  const r = pin(['--bundle', ref, sample!]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(changedLines(readFileSync(BUNDLE_SAMPLE, 'utf8'), readFileSync(sample!, 'utf8')), [
    `            value: ${ref}`,
  ]);
  const untagged = pin(['--bundle', `${BUNDLE_REPOSITORY}@sha256:${'cd'.repeat(32)}`, sample!]);
  assert.notEqual(untagged.status, 0);
  assert.match(untagged.stderr, /has no tag/);
  const elsewhere = pin(['--bundle', `ghcr.io/other/bundle:v1@sha256:${'cd'.repeat(32)}`, sample!]);
  assert.notEqual(elsewhere.status, 0);
  assert.match(elsewhere.stderr, /no bundle param naming ghcr\.io\/other\/bundle/);
});
