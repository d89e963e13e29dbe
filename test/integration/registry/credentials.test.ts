/**
 * Credentials without flags, the way CI hands them over: docker's config.json with a credential helper
 * (docker-credential-oeptest, a script first on PATH), containers auth.json through REGISTRY_AUTH_FILE, and
 * docker's `auths` (what docker/login-action writes). Each pushes to the htpasswd registry with no
 * --username/--password-stdin, HOME an empty folder. The password is in no line of the CLI's output and in no
 * process's argv: the helper records its own argv, and every /proc/<pid>/cmdline is scanned every 20 ms while a
 * push runs (slowed by a stall at the fault proxy so the scan has time to see it).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, chmodSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { tempDir } from '../../helpers/fixtures.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import {
  cli,
  cliTransport,
  endpoint,
  printedDigest,
  sourceImage,
  tagState,
  type ProcResult,
} from './support.js';

const HELPER = 'oeptest';

/**
 * A docker credential helper: records "$0 $@" and its stdin, answers `get` for `host` with a JSON file (so the
 * secret is never an argument of any command it runs), "credentials not found" for anything else.
 */
function writeHelper(dir: string, host: string, username: string, password: string) {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const answer = join(dir, 'answer.json');
  writeFileSync(answer, JSON.stringify({ ServerURL: host, Username: username, Secret: password }), {
    mode: 0o600,
  });
  const argvLog = join(dir, 'argv.log');
  const stdinLog = join(dir, 'stdin.log');
  const script = join(bin, `docker-credential-${HELPER}`);
  writeFileSync(
    script,
    `#!/bin/sh
echo "$0 $*" >> '${argvLog}'
server=$(cat)
echo "$server" >> '${stdinLog}'
[ "$1" = get ] || { echo "unsupported: $1" >&2; exit 1; }
if [ "$server" = '${host}' ]; then cat '${answer}'; else echo 'credentials not found in native keychain'; exit 1; fi
`,
  );
  chmodSync(script, 0o755);
  return {
    bin,
    script,
    argv: () => (existsSync(argvLog) ? readFileSync(argvLog, 'utf8').split('\n').filter(Boolean) : []),
    stdin: () => (existsSync(stdinLog) ? readFileSync(stdinLog, 'utf8').split('\n').filter(Boolean) : []),
  };
}

/** Scan every process's argv every 20 ms until stopped; `hits` are cmdlines holding the needle. */
function scanArgv(needle: string, seenMarker: string) {
  const hits: string[] = [];
  let scans = 0;
  let sawMarker = false;
  const scan = () => {
    scans++;
    let pids: string[] = [];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      let cmd: string;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue; // gone, or not ours to read
      }
      if (cmd.includes(needle)) hits.push(`${pid}: ${cmd}`);
      if (cmd.includes(seenMarker)) sawMarker = true;
    }
  };
  const timer = setInterval(scan, 20);
  return {
    stop: () => {
      clearInterval(timer);
      scan();
      return { hits, scans, sawMarker };
    },
  };
}

function assertNoSecretInOutput(r: ProcResult, password: string): void {
  for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
    assert.ok(!line.includes(password), `the password is printed: ${line}`);
  }
}

const PASSWORD = () => `pw-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;

test('docker config.json credHelpers: the helper gets the host on stdin; the secret is in no argv and no output', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const password = PASSWORD();
  const reg = await useRegistry(t, { mode: 'htpasswd', users: { ci: password } });
  const proxy = await startFaultProxy(reg);
  t.after(() => proxy.close());
  // Slow the push down so the /proc scan sees it running (and the helper, if it lingers).
  proxy.when('PUT', /\/blobs\/uploads\//).stall(800);
  const dir = tempDir('oep-creds-');
  const helper = writeHelper(dir, proxy.host, 'ci', password);
  const dockerConfig = join(dir, 'docker');
  mkdirSync(dockerConfig);
  writeFileSync(
    join(dockerConfig, 'config.json'),
    JSON.stringify({ credHelpers: { [proxy.host]: HELPER, 'other.example': 'missing' } }),
  );
  const src = sourceImage();
  const image = `${proxy.host}/creds/helper:v1`;

  const scanner = scanArgv(password, image);
  const r = await cli(
    [
      'encrypt',
      '--layout',
      src.layout,
      '--image',
      image,
      '--recipient',
      `jwe:${src.pub}`,
      ...cliTransport(endpoint(reg, proxy)),
    ],
    {
      env: {
        HOME: join(dir, 'home'),
        DOCKER_CONFIG: dockerConfig,
        PATH: `${helper.bin}:${process.env.PATH ?? ''}`,
      },
    },
  );
  const scan = scanner.stop();
  const digest = printedDigest(r);
  assert.equal((await tagState(reg, 'creds/helper', 'v1')).digest, digest);

  assert.deepEqual(
    helper.argv(),
    [`${helper.script} get`],
    'the helper was run once, as `get`, nothing else',
  );
  assert.deepEqual(helper.stdin(), [proxy.host], 'the helper was asked for the registry host, on stdin');
  assertNoSecretInOutput(r, password);
  assert.ok(scan.sawMarker, `the scan never saw the CLI running (${scan.scans} scans)`);
  assert.ok(scan.scans >= 10, `only ${scan.scans} scans ran during the push`);
  assert.deepEqual(scan.hits, [], 'the password was in a process argv');
});

async function pushWithFiles(t: TestContext, files: (dir: string, reg: Registry) => Record<string, string>) {
  if (!needRegistry(t, 'htpasswd')) return;
  const password = PASSWORD();
  const reg = await useRegistry(t, { mode: 'htpasswd', users: { ci: password } });
  const dir = tempDir('oep-creds-');
  const env = files(dir, reg);
  const src = sourceImage();
  const r = await cli(
    [
      'encrypt',
      '--layout',
      src.layout,
      '--image',
      `${reg.host}/creds/file:v1`,
      '--recipient',
      `jwe:${src.pub}`,
      ...cliTransport(endpoint(reg)),
    ],
    { env },
  );
  const digest = printedDigest(r);
  assert.equal((await tagState(reg, 'creds/file', 'v1')).digest, digest);
  assertNoSecretInOutput(r, password);
}

const basicAuth = (reg: Registry) => Buffer.from(`${reg.username}:${reg.password}`).toString('base64');

test('containers auth.json through REGISTRY_AUTH_FILE, no flags', async (t) => {
  await pushWithFiles(t, (dir, reg) => {
    const file = join(dir, 'auth.json');
    // Another registry's entry first: the host must be matched exactly, not by prefix.
    writeFileSync(
      file,
      JSON.stringify({
        auths: {
          '127.0.0.1': { auth: Buffer.from('wrong:wrong').toString('base64') },
          [reg.host]: { auth: basicAuth(reg) },
        },
      }),
    );
    return { HOME: join(dir, 'home'), REGISTRY_AUTH_FILE: file };
  });
});

test('docker config.json auths (what docker/login-action writes) under HOME/.docker, no flags', async (t) => {
  await pushWithFiles(t, (dir, reg) => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    writeFileSync(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { [`https://${reg.host}/v1/`]: { auth: basicAuth(reg) } } }),
    );
    return { HOME: home };
  });
});
