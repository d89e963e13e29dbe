/**
 * The catalog's layout is what Artifact Hub and the git resolver read (TEP-0115, git-based versioning):
 * tekton/<kind>/<name>/<name>.yaml holding one resource of that kind named <name>, its README.md and samples/,
 * no version folders (versions are git tags), and each kind's folder with an artifacthub-repo.yaml. The samples
 * refer to this release (git tag v<version>, the release bundle by digest), and every tekton/ path the documents
 * and scripts name exists.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import {
  ARTIFACTHUB_REPO_FILE,
  CATALOG_KINDS,
  catalogManifests,
  catalogYamlFiles,
  RELEASE_VERSION,
  ROOT,
  TEKTON_DIR,
} from './paths.js';
import { BUNDLE_REPOSITORY, localRef, refersTo } from './resolve.js';
import { isObject } from './schema.js';
import { loadYamlFile } from './validate.js';

const TAG = `v${RELEASE_VERSION}`;

test('tekton/ holds the kind folders, the shared tests and the release scripts; nothing else', () => {
  assert.deepEqual(
    readdirSync(TEKTON_DIR).sort(),
    ['Dockerfile', 'pin-step-image.sh', ...Object.keys(CATALOG_KINDS), 'tests'].sort(),
  );
});

test('each kind folder: artifacthub-repo.yaml, and <name>/<name>.yaml of that kind named <name>, README.md, samples/', () => {
  for (const [folder, kind] of Object.entries(CATALOG_KINDS)) {
    const entries = readdirSync(join(TEKTON_DIR, folder), { withFileTypes: true });
    assert.deepEqual(
      entries.filter((e) => !e.isDirectory()).map((e) => e.name),
      [ARTIFACTHUB_REPO_FILE],
      `tekton/${folder}`,
    );
    const packages = catalogManifests().filter((m) => m.kind === kind);
    assert.ok(packages.length > 0, `no ${kind} in tekton/${folder}`);
    for (const m of packages) {
      const { docs, problems } = loadYamlFile(m.file);
      assert.deepEqual(problems, [], m.file);
      assert.deepEqual(
        docs.map((d) => [d.kind, d.name]),
        [[kind, m.name]],
        `${relative(ROOT, m.file)} holds one ${kind} named ${m.name}`,
      );
      // Only samples/ beside the manifest: a version folder (0.1/) is the old directory-based layout.
      const inside = readdirSync(m.dir).sort();
      assert.ok(inside.includes('README.md'), `${relative(ROOT, m.dir)} has no README.md`);
      assert.deepEqual(
        inside.filter((f) => !['README.md', `${m.name}.yaml`, 'samples'].includes(f)),
        [],
        `${relative(ROOT, m.dir)} holds more than its manifest, README.md and samples/`,
      );
    }
  }
});

test('artifacthub-repo.yaml has only the keys Artifact Hub reads, with their shapes', () => {
  for (const folder of Object.keys(CATALOG_KINDS)) {
    const file = join(TEKTON_DIR, folder, ARTIFACTHUB_REPO_FILE);
    const md: unknown = parse(readFileSync(file, 'utf8'));
    assert.ok(isObject(md), `${file}: Artifact Hub refuses an empty metadata file`);
    assert.deepEqual(
      Object.keys(md).filter((k) => !['repositoryID', 'owners', 'ignore'].includes(k)),
      [],
      file,
    );
    if (md.repositoryID !== undefined)
      assert.match(String(md.repositoryID), /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/, 'repositoryID');
    for (const o of (md.owners ?? []) as unknown[])
      assert.ok(isObject(o) && typeof o.email === 'string', `owners: ${JSON.stringify(o)} has no email`);
    for (const i of (md.ignore ?? []) as unknown[])
      assert.ok(isObject(i) && typeof i.name === 'string', `ignore: ${JSON.stringify(i)} has no name`);
  }
});

/** Every resolver reference (taskRef, pipelineRef, step ref) in a parsed document, with where it is. */
function resolverRefs(v: unknown, path: string): { ref: Record<string, unknown>; path: string }[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => resolverRefs(x, `${path}[${i}]`));
  if (!isObject(v)) return [];
  const here = typeof v.resolver === 'string' ? [{ ref: v, path }] : [];
  return [...here, ...Object.entries(v).flatMap(([k, x]) => resolverRefs(x, `${path}.${k}`))];
}

test(`the samples refer to this release: git revision ${TAG}, the bundle ${TAG} by digest, of manifests that exist`, () => {
  const manifests = catalogManifests();
  let seen = { git: 0, bundles: 0 };
  for (const file of catalogYamlFiles())
    for (const d of loadYamlFile(file).docs)
      for (const { ref, path } of resolverRefs(d.value, '')) {
        const local = localRef(ref, ROOT);
        if (!local) continue;
        const where = `${relative(ROOT, file)} ${path}`;
        const kind = path.endsWith('.taskRef') ? 'Task' : path.endsWith('.ref') ? 'StepAction' : '?';
        assert.ok(
          manifests.some((m) => m.kind === kind && refersTo(local, m)),
          `${where} names no ${kind} of the catalog`,
        );
        if (local.resolver === 'git') assert.equal(local.revision, TAG, where);
        else
          assert.match(
            local.bundle,
            new RegExp(
              `^${BUNDLE_REPOSITORY.replace(/\./g, '\\.')}:${TAG.replace(/\./g, '\\.')}@sha256:[0-9a-f]{64}$`,
            ),
            where,
          );
        seen = { ...seen, [local.resolver]: seen[local.resolver] + 1 };
      }
  assert.ok(seen.git > 0 && seen.bundles > 0, `a sample through each resolver: ${JSON.stringify(seen)}`);
});

/** Files that name tekton/ paths for people and scripts. */
const DOCUMENTS = [
  'README.md',
  'CONTRIBUTING.md',
  '.github/workflows/release.yml',
  'tekton/Dockerfile',
  'tekton/pin-step-image.sh',
  ...catalogManifests().map((m) => relative(ROOT, join(m.dir, 'README.md'))),
  ...catalogYamlFiles().map((f) => relative(ROOT, f)),
];

test('every tekton/ path the documents, samples and scripts name exists (globs: at least one match)', () => {
  const missing: string[] = [];
  for (const doc of DOCUMENTS) {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    // A path of this repository, alone or in a raw.githubusercontent.com URL (not /tekton/home in a container).
    const paths = [
      ...text.matchAll(/(?<![\w/.-])tekton\/[\w./*-]*[\w*]/g),
      ...text.matchAll(/raw\.githubusercontent\.com\/[^/\s]+\/[^/\s]+\/[^/\s]+\/(tekton\/[\w./*-]*[\w*])/g),
    ].map((m) => m[1] ?? m[0]);
    for (const path of paths) {
      const found = path.includes('*') ? globMatches(path).length > 0 : existsSync(join(ROOT, path));
      if (!found) missing.push(`${doc}: ${path}`);
    }
  }
  assert.deepEqual(missing, []);
});

/** Files matching a path whose segments may hold * (one segment each), under ROOT. */
function globMatches(pattern: string): string[] {
  let paths = [''];
  for (const seg of pattern.split('/')) {
    const re = new RegExp(`^${seg.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
    paths = paths.flatMap((p) => {
      const dir = join(ROOT, p);
      if (!seg.includes('*')) return existsSync(join(dir, seg)) ? [join(p, seg)] : [];
      if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
      return readdirSync(dir)
        .filter((e) => re.test(e))
        .map((e) => join(p, e));
    });
  }
  return paths;
}
