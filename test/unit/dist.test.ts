// dist/ is committed (the Action and the Tekton step run it, the package ships the library from dist/lib): it
// must equal a fresh bundle of src/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

test('dist/ equals a fresh bundle of src/', () => {
  const out = join(tempDir(), 'dist');
  // The same command as `npm run bundle`, pointed at a temp folder.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { bundle: string } };
  const command = pkg.scripts.bundle.replace(
    / (-o|--outDir|-rf) dist(\/[\w-]+)?( |$)/g,
    (_m, flag: string, sub: string | undefined, end: string) => ` ${flag} ${out}${sub ?? ''}${end}`,
  );
  assert.equal(
    command.split(out).length,
    9,
    'the bundle script no longer writes dist/, dist/cli/, dist/rewrap/, dist/index/, dist/worker/ and the library (emptied first; JS and .d.ts) to dist/lib/',
  );
  const r = spawnSync('sh', ['-c', command], {
    cwd: ROOT,
    env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const committed = join(ROOT, 'dist');
  assert.deepEqual(files(out), files(committed), 'dist/ has other files than a fresh bundle');
  for (const f of files(out)) {
    assert.ok(
      readFileSync(join(out, f)).equals(readFileSync(join(committed, f))),
      `dist/${f} is stale: run npm run bundle`,
    );
  }
});

test('the bundled CLI runs on its own', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli', 'index.js'), '--version'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^oci-encrypt-push \d+\.\d+\.\d+/);
});

test('the bundles start their layer workers (dist/worker) for large layers', async () => {
  const { randomBytes } = await import('node:crypto');
  const { keyPair, makeLayout, writeKeyPair } = await import('../helpers/fixtures.js');
  const dir = tempDir();
  // Over 4 MiB each, so both layers go to the worker pool rather than running inline.
  makeLayout(join(dir, 'src'), {
    layers: [0, 1].map((i) => ({
      files: { [`f${i}`]: randomBytes(5 * 1024 * 1024) },
      compression: 'none' as const,
    })),
  });
  const key = writeKeyPair(dir, 'k', keyPair('p256'));
  const cli = join(ROOT, 'dist', 'cli', 'index.js');
  const r = spawnSync(
    process.execPath,
    [cli, 'encrypt', '--layout', join(dir, 'src'), '--output', join(dir, 'out'), '--recipient', key.pub],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sha256:[0-9a-f]{64}\n$/);
});

test('the library bundle loads on its own, with its declarations beside it', async () => {
  const lib = join(ROOT, 'dist', 'lib');
  const mod = (await import(join(lib, 'index.js'))) as Record<string, unknown>;
  for (const name of [
    'encrypt',
    'push',
    'decrypt',
    'inspect',
    'rewrap',
    'index',
    'createEngine',
    'isOepError',
    'OepError',
  ]) {
    assert.equal(typeof mod[name], 'function', `dist/lib/index.js exports ${name}`);
  }
  const types = readFileSync(join(lib, 'index.d.ts'), 'utf8');
  assert.match(types, /export declare function encrypt\(opts: PushOptions\): Promise<PushReport>;/);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: { '.': { types: string; import: string } };
    types: string;
  };
  assert.deepEqual(pkg.exports['.'], { types: './dist/lib/index.d.ts', import: './dist/lib/index.js' });
  assert.equal(pkg.types, 'dist/lib/index.d.ts');
});

test('the bundles hold pkijs and asn1js in a chunk loaded at the first pkcs7 use, not in their entry', () => {
  // Their licence banner, at the top of each of their modules (none of ours says it).
  const PKIJS = 'Peculiar Ventures';
  for (const entry of ['', 'cli', 'rewrap', 'index', 'lib']) {
    const dir = join(ROOT, 'dist', entry);
    const holds = (f: string) => readFileSync(join(dir, f), 'utf8').includes(PKIJS);
    assert.ok(!holds('index.js'), `dist/${entry}/index.js, read at every start, holds pkijs`);
    const chunks = readdirSync(dir).filter((f) => /^\d+\.index\.js$/.test(f) && holds(f));
    assert.equal(chunks.length, 1, `dist/${entry}/ has no chunk of its own for pkijs`);
  }
});
