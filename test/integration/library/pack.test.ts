// The package as users get it: `npm pack`, installed offline into an empty project (the tarball needs no
// dependencies: every file it ships is a bundle), then `import { encrypt } from 'oci-encrypt-push'` under the
// Node running the suite, and its .d.ts files typechecked by a small TypeScript consumer.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function run(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${String(r.stderr)}${String(r.stdout)}`);
  return String(r.stdout);
}

const CONSUMER_JS = `
import { decrypt, encrypt, inspect } from 'oci-encrypt-push';
const [layout, pub, priv, out] = process.argv.slice(2);
const r = await encrypt({ layout, recipients: ['jwe:' + pub], output: out + '/enc' });
const seen = await inspect({ layout: out + '/enc' });
const back = await decrypt({ layout: out + '/enc', keys: [priv], output: out + '/plain' });
console.log(JSON.stringify({ digest: r.digest, seen: seen.digest, r, back }));
`;

const CONSUMER_TS = `
import { createEngine, encrypt, isOepError, type ImageReport, type PushReport } from 'oci-encrypt-push';
export async function main(): Promise<string> {
  const r: ImageReport = await encrypt({ layout: 'image.tar', recipients: ['jwe:team.pub.pem'], output: 'out/' });
  const p: PushReport = await createEngine({ log: (line: string) => void line }).push({
    layout: 'image.tar',
    recipients: ['jwe:team.pub.pem'],
    image: 'registry.example/app:1',
    tlsVerify: false,
    retries: 2,
  });
  // @ts-expect-error: layout is a path, not a number (the declarations are real types, not any)
  await encrypt({ layout: 1, output: 'out/' });
  try {
    await encrypt({ layout: 'x', output: 'y' });
  } catch (e) {
    if (isOepError(e, 'E_NO_RECIPIENT')) return e.code;
  }
  return r.digest + p.imageRef;
}
`;

describe('the packed library', () => {
  // Made here, not in the hook: a temp folder lives as long as the suite that made it.
  const dir = tempDir();
  const project = join(dir, 'consumer');
  before(() => {
    const tgz = run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT }).trim();
    run('mkdir', [project]);
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "consumer", "private": true, "type": "module" }\n',
    );
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, tgz)], { cwd: project });
  });

  it('installs with no dependencies, its bundle and declarations in place', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.deepEqual(installed, ['oci-encrypt-push']);
    const lib = join(project, 'node_modules', 'oci-encrypt-push', 'dist', 'lib');
    assert.ok(readdirSync(lib).includes('index.d.ts'));
    assert.ok(readdirSync(lib).includes('index.js'));
  });

  it('encrypts a layout through `import { encrypt }`, and the output decrypts', () => {
    const dir = tempDir();
    const layout = join(dir, 'src');
    const built = makeLayout(layout, {
      layers: [{ files: { a: randomBytes(4096) } }, { files: { b: randomBytes(4096) } }],
    });
    const key = writeKeyPair(dir, 'k', keyPair('rsa2048'));
    writeFileSync(join(project, 'main.js'), CONSUMER_JS);
    const out = run(process.execPath, ['main.js', layout, key.pub, key.priv, dir], { cwd: project });
    const { digest, seen, r, back } = JSON.parse(out) as {
      digest: string;
      seen: string;
      r: { platforms: { layers: { action: string; sourceDigest: string }[] }[] };
      back: { platforms: { layers: { action: string; digest: string }[] }[] };
    };
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(seen, digest);
    const index = JSON.parse(readFileSync(join(dir, 'enc', 'index.json'), 'utf8')) as {
      manifests: { digest: string }[];
    };
    assert.equal(index.manifests[0]!.digest, digest);
    assert.deepEqual(
      r.platforms[0]!.layers.map((l) => l.action),
      ['encrypted', 'encrypted'],
    );
    // Decrypted, every layer is byte for byte the source layer again.
    assert.deepEqual(
      back.platforms[0]!.layers.map((l) => [l.action, l.digest]),
      built.layers.map((l) => ['decrypted', l.digest]),
    );
  });

  it('ships .d.ts files that typecheck a TypeScript consumer', () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER_TS);
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['consumer.ts'],
    };
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project]);
  });
});
