/**
 * keyprovider-tools under the runner contract: dist/index.js downloads a key-provider release (a tar.gz holding
 * a test provider, served from 127.0.0.1), checks its SHA-256, caches it in RUNNER_TOOL_CACHE, puts it on PATH
 * and runs it through @actions/exec by its bare name. A wrong digest fails the step before the tool could run;
 * a second run takes the tool from the cache without asking the server.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { decryptCli } from '../../helpers/cli.js';
import { readBlob, readJson, sha256, tempDir } from '../../helpers/fixtures.js';
import { assertFailedOn, assertSucceeded, NODES, runAction, workspaceWithImage } from './support.js';

const TOOL = 'oep-test-kp';
const FILE = `${TOOL}-v1.0.0-linux-amd64.tar.gz`;
const TOKEN = `t0ken${randomBytes(6).toString('hex')}`;
const KEK = randomBytes(32).toString('hex');
const SCRIPT = join(import.meta.dirname, '../../helpers/keyprovider-cmd.mjs');

/** The release: `oep-test-kp-v1.0.0-linux-amd64/oep-test-kp`, a node wrapper that notes each run in KP_RAN. */
function release(): Buffer {
  const dir = tempDir('oep-kp-release-');
  const folder = join(dir, `${TOOL}-v1.0.0-linux-amd64`);
  mkdirSync(folder);
  const wrapper = [
    '#!/usr/bin/env node',
    "if (process.env.KP_RAN) require('node:fs').appendFileSync(process.env.KP_RAN, 'ran\\n');",
    `import(${JSON.stringify(pathToFileURL(SCRIPT).href)});`,
    '',
  ].join('\n');
  writeFileSync(join(folder, TOOL), wrapper, { mode: 0o755 });
  execFileSync('tar', ['-czf', join(dir, FILE), '-C', dir, `${TOOL}-v1.0.0-linux-amd64`]);
  return readFileSync(join(dir, FILE));
}

const TARBALL = release();
const CONFIG = JSON.stringify({ 'key-providers': { kms: { cmd: { path: TOOL, args: [] } } } });

interface Manifest {
  layers: { digest: string }[];
}

function onlyManifest(layout: string): Manifest {
  const index = readJson<{ manifests: { digest: string }[] }>(join(layout, 'index.json'));
  return JSON.parse(readBlob(layout, index.manifests[0]!.digest).toString('utf8')) as Manifest;
}

/** The log as the runner shows it: each `::add-mask::` value replaced by *** in the lines after it. */
function asShown(stdout: string): string {
  const masks: string[] = [];
  const shown: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('::add-mask::')) masks.push(line.slice('::add-mask::'.length));
    else shown.push(masks.reduce((l, m) => l.split(m).join('***'), line));
  }
  return shown.join('\n');
}

for (const node of NODES) {
  describe(`keyprovider-tools: dist/index.js under ${node.name}`, () => {
    const requests: string[] = [];
    let server: Server;
    let base = '';
    const cache = tempDir('oep-tool-cache-');

    before(async () => {
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        if (req.url?.startsWith(`/r/${FILE}?`)) res.end(TARBALL);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    /** Encrypt the workspace's layout into ./out for provider:kms, with the tool at `digest`. */
    function encrypt(toolCache: string, digest: string) {
      const ws = workspaceWithImage();
      const ran = join(tempDir('oep-kp-ran-'), 'ran');
      const tools = `# the test provider\n\n${base}/r/${FILE}?token=${TOKEN}#sha256=${digest.slice(7)}\n`;
      const run = runAction(
        node.bin,
        {
          layout: ws.layout,
          output: 'out',
          recipients: 'provider:kms:team-a',
          'keyprovider-config': CONFIG,
          'keyprovider-tools': tools,
        },
        { workspace: ws.dir, env: { RUNNER_TOOL_CACHE: toolCache, KP_KEK: KEK, KP_RAN: ran } },
      );
      return { ws, ran, run };
    }

    test('good checksum: downloaded once, verified, on PATH, run by its bare name; the output decrypts', async () => {
      requests.length = 0;
      const { ws, ran, run } = encrypt(cache, sha256(TARBALL));
      const r = await run;
      assertSucceeded(r);
      assert.deepEqual(requests, [`/r/${FILE}?token=${TOKEN}`], 'one download, query string as given');
      const folder = join(cache, TOOL, '1.0.0', process.arch);
      assert.equal(r.path.trim(), folder, 'the cached folder is added to PATH');
      assert.ok(readFileSync(ran, 'utf8').includes('ran'), 'the provider ran');
      assert.ok(!asShown(r.stdout).includes(TOKEN), 'the token shows in the log');

      // The same provider, by its cached path, opens what the Action wrote.
      const out = join(ws.dir, 'out');
      const plain = join(tempDir('oep-kp-dec-'), 'plain');
      const config = JSON.stringify({ 'key-providers': { kms: { cmd: { path: join(folder, TOOL) } } } });
      const d = decryptCli(out, plain, 'provider:kms', ['--keyprovider-config', config], {
        env: { KP_KEK: KEK },
      });
      assert.equal(d.status, 0, d.stderr);
      assert.deepEqual(
        onlyManifest(plain).layers.map((l) => l.digest),
        ws.image.layers.map((l) => l.digest),
      );
    });

    test('second run: the tool comes from the cache, the server gets no request', async () => {
      requests.length = 0;
      const { ws, ran, run } = encrypt(cache, sha256(TARBALL));
      const r = await run;
      assertSucceeded(r);
      assert.deepEqual(requests, [], 'a cache hit downloads nothing');
      assert.match(r.stdout, /oep-test-kp 1\.0\.0 from the tool cache/);
      assert.ok(existsSync(ran) && existsSync(join(ws.dir, 'out', 'index.json')));
    });

    test('bad checksum: one error naming the URL and both digests; nothing cached, on PATH, run or written', async () => {
      requests.length = 0;
      const toolCache = tempDir('oep-tool-cache-');
      const wrong = sha256(Buffer.from('another release'));
      const { ws, ran, run } = encrypt(toolCache, wrong);
      const r = await run;
      const message = assertFailedOn(r, 'keyprovider-tools');
      assert.equal(requests.length, 1);
      assert.ok(message.includes(`${base}/r/${FILE} has sha256 ${sha256(TARBALL).slice(7)}`), message);
      assert.ok(message.includes(wrong.slice(7)), message);
      assert.ok(!message.includes(TOKEN), 'the query string is in the message');
      assert.equal(r.path, '', 'PATH was changed');
      assert.ok(!existsSync(join(toolCache, TOOL)), 'the tool was cached');
      assert.ok(!existsSync(ran), 'the tool ran');
      assert.ok(!existsSync(join(ws.dir, 'out')), 'an output was written');
    });
  });
}
