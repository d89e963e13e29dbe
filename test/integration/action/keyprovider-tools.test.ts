/**
 * keyprovider-tools under the runner contract: dist/index.js downloads key-provider releases served from
 * 127.0.0.1 — a tar.gz (the tool in a wrapping folder), a zip (the tool at its root) and a bare binary — checks
 * each SHA-256, caches each in RUNNER_TOOL_CACHE, puts them on PATH and runs each through @actions/exec by its
 * bare name, as a `provider:NAME` recipient's `cmd` in keyprovider-config. A wrong digest fails the step before
 * anything is extracted or run; a second run takes the tools from the cache without asking the server.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { decryptCli } from '../../helpers/cli.js';
import { readBlob, readJson, sha256, tempDir } from '../../helpers/fixtures.js';
import { hasCommand } from '../../helpers/peers.js';
import { assertFailedOn, assertSucceeded, NODES, runAction, workspaceWithImage } from './support.js';

const TOKEN = `t0ken${randomBytes(6).toString('hex')}`;
const KEK = randomBytes(32).toString('hex');
const SCRIPT = join(import.meta.dirname, '../../helpers/keyprovider-cmd.mjs');

/** A node wrapper around the test provider that notes the path it ran from in KP_RAN, one line a run. */
function wrapper(): string {
  return [
    '#!/usr/bin/env node',
    "if (process.env.KP_RAN) require('node:fs').appendFileSync(process.env.KP_RAN, process.argv[1] + '\\n');",
    `import(${JSON.stringify(pathToFileURL(SCRIPT).href)});`,
    '',
  ].join('\n');
}

interface Release {
  /** The provider's name in keyprovider-config. */
  provider: string;
  /** The file name served (the URL's last segment). */
  file: string;
  /** The bare command keyprovider-config names, found on PATH. */
  command: string;
  /** Its folder in the tool cache: name/version/arch. */
  cached: string[];
  body: Buffer;
}

/** `oep-test-kp-v1.0.0-linux-amd64/oep-test-kp`, as a tar.gz. */
function tarRelease(): Release {
  const dir = tempDir('oep-kp-release-');
  const top = 'oep-test-kp-v1.0.0-linux-amd64';
  mkdirSync(join(dir, top));
  writeFileSync(join(dir, top, 'oep-test-kp'), wrapper(), { mode: 0o755 });
  const file = `${top}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, file), '-C', dir, top]);
  const body = readFileSync(join(dir, file));
  return { provider: 'kms-tar', file, command: 'oep-test-kp', cached: ['oep-test-kp', '1.0.0'], body };
}

/** `oep-test-kz` at the root of a zip, as `zip` (Info-ZIP) writes it: the mode is kept in the archive. */
function zipRelease(): Release {
  const dir = tempDir('oep-kz-release-');
  writeFileSync(join(dir, 'oep-test-kz'), wrapper(), { mode: 0o755 });
  const file = 'oep-test-kz_2.1_linux_x86_64.zip';
  execFileSync('zip', ['-q', join(dir, file), 'oep-test-kz'], { cwd: dir });
  const body = readFileSync(join(dir, file));
  return { provider: 'kms-zip', file, command: 'oep-test-kz', cached: ['oep-test-kz', '2.1.0'], body };
}

/** A bare executable, no version in its name: cached as 0.0.0-sha256-<digest's start>. */
function bareRelease(): Release {
  const body = Buffer.from(wrapper());
  const version = `0.0.0-sha256-${sha256(body).slice(7, 19)}`;
  return {
    provider: 'kms-bin',
    file: 'oep-test-kb',
    command: 'oep-test-kb',
    cached: ['oep-test-kb', version],
    body,
  };
}

interface Manifest {
  layers: { digest: string; annotations?: Record<string, string> }[];
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

/** The paths the providers ran from (each runs once per layer), sorted, without repeats. */
function ranFrom(ran: string): string[] {
  return [...new Set(readFileSync(ran, 'utf8').trim().split('\n'))].sort();
}

/** Every file name under dir, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

for (const node of NODES) {
  describe(`keyprovider-tools: dist/index.js under ${node.name}`, () => {
    const releases: Release[] = [];
    const requests: string[] = [];
    let server: Server;
    let base = '';
    const cache = tempDir('oep-tool-cache-');

    before(async () => {
      // zip makes the release, unzip is what tool-cache extracts it with (test/run.sh installs both).
      assert.ok(hasCommand('zip') && hasCommand('unzip'), 'zip and unzip (Debian packages) are needed');
      releases.push(tarRelease(), zipRelease(), bareRelease());
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        const hit = releases.find((r) => req.url?.startsWith(`/r/${r.file}?`));
        if (hit) res.end(hit.body);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const url = (r: Release) => `/r/${r.file}?token=${TOKEN}`;
    const folder = (toolCache: string, r: Release) => join(toolCache, ...r.cached, process.arch);

    /** Encrypt the workspace's layout into ./out for every release's provider, each tool at `digest(r)`. */
    function encrypt(toolCache: string, digest: (r: Release) => string) {
      const ws = workspaceWithImage();
      const ran = join(tempDir('oep-kp-ran-'), 'ran');
      const temp = tempDir('oep-kp-runner-temp-');
      const tools = releases.map((r) => `${base}${url(r)}#sha256=${digest(r).slice(7)}`);
      const providers = Object.fromEntries(releases.map((r) => [r.provider, { cmd: { path: r.command } }]));
      const run = runAction(
        node.bin,
        {
          layout: ws.layout,
          output: 'out',
          recipients: releases.map((r) => `provider:${r.provider}:team-a`).join('\n'),
          'keyprovider-config': JSON.stringify({ 'key-providers': providers }),
          'keyprovider-tools': `# the test providers\n\n${tools.join('\n')}\n`,
        },
        {
          workspace: ws.dir,
          env: { RUNNER_TOOL_CACHE: toolCache, RUNNER_TEMP: temp, KP_KEK: KEK, KP_RAN: ran },
        },
      );
      return { ws, ran, temp, run };
    }

    test('tar.gz, zip and bare binary: each downloaded once, verified, on PATH, run by its bare name; the output decrypts', async () => {
      requests.length = 0;
      const { ws, ran, run } = encrypt(cache, (r) => sha256(r.body));
      const r = await run;
      assertSucceeded(r);
      assert.deepEqual(requests, releases.map(url), 'one download each, query string as given');
      const folders = releases.map((rel) => folder(cache, rel));
      assert.deepEqual(r.path.trim().split('\n'), folders, 'the cached folders are added to PATH');
      assert.deepEqual(
        ranFrom(ran),
        releases.map((rel) => join(folder(cache, rel), rel.command)).sort(),
        'each provider ran, from its folder in the tool cache',
      );
      assert.ok(!asShown(r.stdout).includes(TOKEN), 'the token shows in the log');
      // tool-cache's own tar and unzip runs are echoed; the providers' runs (silent @actions/exec) must not be.
      const echoed = r.stdout.split('\n').filter((l) => l.startsWith('[command]'));
      for (const rel of releases) assert.ok(!echoed.some((l) => l.includes(rel.command)), echoed.join('\n'));

      // Every layer carries each provider's annotation; each provider, by its cached path, opens the output.
      const out = join(ws.dir, 'out');
      for (const layer of onlyManifest(out).layers)
        for (const rel of releases)
          assert.ok(
            layer.annotations?.[`org.opencontainers.image.enc.keys.provider.${rel.provider}`],
            rel.provider,
          );
      for (const rel of releases) {
        const plain = join(tempDir('oep-kp-dec-'), 'plain');
        const cmd = { cmd: { path: join(folder(cache, rel), rel.command) } };
        const config = JSON.stringify({ 'key-providers': { [rel.provider]: cmd } });
        const d = decryptCli(out, plain, `provider:${rel.provider}`, ['--keyprovider-config', config], {
          env: { KP_KEK: KEK },
        });
        assert.equal(d.status, 0, `${rel.provider}: ${d.stderr}`);
        assert.deepEqual(
          onlyManifest(plain).layers.map((l) => l.digest),
          ws.image.layers.map((l) => l.digest),
        );
      }
    });

    test('second run: the tools come from the cache, the server gets no request', async () => {
      requests.length = 0;
      const { ws, ran, run } = encrypt(cache, (r) => sha256(r.body));
      const r = await run;
      assertSucceeded(r);
      assert.deepEqual(requests, [], 'a cache hit downloads nothing');
      for (const rel of releases)
        assert.ok(
          r.stdout.includes(`${rel.cached.join(' ')} from the tool cache`),
          `${rel.file}:\n${r.stdout}`,
        );
      assert.deepEqual(ranFrom(ran), releases.map((rel) => join(folder(cache, rel), rel.command)).sort());
      assert.ok(existsSync(join(ws.dir, 'out', 'index.json')));
    });

    test('bad checksum on the zip: one error naming the URL and both digests; nothing extracted, cached, on PATH, run or written', async () => {
      requests.length = 0;
      const toolCache = tempDir('oep-tool-cache-');
      const wrong = sha256(Buffer.from('another release'));
      const zip = releases.find((rel) => rel.file.endsWith('.zip'))!;
      const { ws, ran, temp, run } = encrypt(toolCache, (rel) => (rel === zip ? wrong : sha256(rel.body)));
      const r = await run;
      const message = assertFailedOn(r, 'keyprovider-tools');
      assert.deepEqual(
        requests,
        releases.slice(0, 2).map(url),
        'the tools are fetched in order, up to the bad one',
      );
      assert.ok(message.includes(`${base}/r/${zip.file} has sha256 ${sha256(zip.body).slice(7)}`), message);
      assert.ok(message.includes(wrong.slice(7)), message);
      assert.ok(!message.includes(TOKEN), 'the query string is in the message');
      assert.equal(r.path, '', 'PATH was changed');
      assert.ok(!existsSync(join(toolCache, zip.command)), 'the tool was cached');
      assert.deepEqual(
        filesUnder(temp).filter((f) => f.endsWith(zip.command) || f.endsWith('.zip')),
        [],
        'the zip was extracted or left behind',
      );
      assert.ok(!existsSync(ran), 'a tool ran');
      assert.ok(!existsSync(join(ws.dir, 'out')), 'an output was written');
    });
  });
}
