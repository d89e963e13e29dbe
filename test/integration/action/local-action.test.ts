/**
 * The Action under @github/local-action, the debugger users run locally: it loads the inputs from a .env file
 * and runs src/action/main.ts through tsx with stubbed @actions/* (so it checks src/, not the bundle). Offline:
 * npm runs with --offline and an empty HOME, so nothing is fetched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { keyPair, readBlob, readJson, sha256, tempDir } from '../../helpers/fixtures.js';
import { DIGEST_RE, ROOT, workspaceWithImage } from './support.js';

const LOCAL_ACTION = join(ROOT, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

function runLocalAction(
  envFile: string,
  home: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOCAL_ACTION, 'run', ROOT, 'src/action/main.ts', envFile], {
      // npm exec finds tsx and `npm ls` finds @actions/core from the project folder.
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        npm_config_offline: 'true',
        npm_config_update_notifier: 'false',
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        status: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

test('local-action runs src/action/main.ts from a .env file: an encrypted layout and its digest output', async () => {
  const ws = workspaceWithImage();
  const dir = tempDir('oep-local-action-');
  const home = join(dir, 'home');
  mkdirSync(home);
  const output = join(dir, 'encrypted');
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  const envFile = join(dir, '.env');
  // Inputs as INPUT_<NAME>, dashes kept; a PEM value spans lines inside double quotes (dotenv).
  writeFileSync(
    envFile,
    [
      `INPUT_LAYOUT=${join(ws.dir, ws.layout)}`,
      `INPUT_OUTPUT=${output}`,
      `INPUT_PUBLIC-KEYS="${keyPair('p256').publicPem.trim()}"`,
      `GITHUB_STEP_SUMMARY=${summary}`,
      'ACTIONS_STEP_DEBUG=false',
      '',
    ].join('\n'),
  );

  const r = await runLocalAction(envFile, home);
  assert.equal(r.status, 0, `local-action failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /::error::/, r.stdout);
  // The stubbed core.setOutput logs each output as a set-output command.
  const digest = /^::set-output name=digest::(.*)$/m.exec(r.stdout)?.[1];
  assert.match(digest ?? '', DIGEST_RE, `no digest output:\n${r.stdout}`);

  const index = readJson<{ manifests: { digest: string }[] }>(join(output, 'index.json'));
  assert.deepEqual(
    index.manifests.map((m) => m.digest),
    [digest],
  );
  const manifest = JSON.parse(readBlob(output, digest!).toString('utf8')) as {
    layers: { mediaType: string }[];
  };
  assert.equal(sha256(readBlob(output, digest!)), digest);
  assert.ok(manifest.layers.every((l) => l.mediaType.endsWith('+encrypted')));
  assert.ok(readFileSync(summary, 'utf8').includes(`**Digest:** \`${digest}\``), 'no job summary');
});
