/**
 * Shared by the registry integration tests (not a test file itself): the CLI run asynchronously (the fault proxy
 * and the token issuer live in this process, so a spawnSync would starve them), skopeo against a test registry,
 * source images, pushImage with test defaults, and checks on what the registry holds.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pushImage, type PushImageOptions, type PushReport } from '../../../src/pipeline/push.js';
import { parseRecipients } from '../../../src/pipeline/keys.js';
import { CLI_ENTRY } from '../../helpers/cli.js';
import {
  makeLayout,
  readBlob,
  readJson,
  sha256,
  tempDir,
  writeKeyPair,
  keyPair,
  type BuiltImage,
  type ImageSpec,
  type KeyPair,
} from '../../helpers/fixtures.js';
import { fetchSimple, type SimpleResponse } from '../../helpers/registry/http.js';
import type { Registry } from '../../helpers/registry/registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export const MT_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MT_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MANIFEST_ACCEPT = [
  MT_INDEX,
  MT_MANIFEST,
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
export const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;

// ---- processes ---------------------------------------------------------------------------------------------

export interface ProcResult {
  status: number;
  stdout: string;
  stderr: string;
  /** Raw stdout (skopeo inspect --raw). */
  out: Buffer;
  ms: number;
}

/** Variables that would make a run read the developer's own registry credentials: never passed on. */
const CREDENTIAL_ENV = [
  'DOCKER_CONFIG',
  'REGISTRY_AUTH_FILE',
  'XDG_RUNTIME_DIR',
  'OCI_ENCRYPT_PUSH_USERNAME',
  'OCI_ENCRYPT_PUSH_PASSWORD',
];
/** A runner's own proxy settings would send the tests' loopback traffic elsewhere (or keep it from a test proxy). */
const PROXY_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((k) => [k, k.toLowerCase()]);

/** A folder for the whole test process (tempDir's would go when the first test that asked ends). */
export function processTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let emptyHome: string | undefined;

/** process.env without credential sources or proxies, HOME an empty folder; then `extra` (undefined deletes). */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  emptyHome ??= processTempDir('oep-home-');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: emptyHome };
  for (const k of [...CREDENTIAL_ENV, ...PROXY_ENV]) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runAsync(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; onSpawn?: (pid: number) => void } = {},
): Promise<ProcResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const o = Buffer.concat(out);
      resolve({
        status: code ?? (signal ? 128 : -1),
        stdout: o.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        out: o,
        ms: Date.now() - started,
      });
    });
    child.stdin.on('error', () => {
      /* the child may exit before reading its input */
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** The CLI from source, as users run it, in a clean environment (see cleanEnv) plus `env`. */
export function cli(
  args: string[],
  opts: { env?: Record<string, string | undefined>; input?: string; onSpawn?: (pid: number) => void } = {},
): Promise<ProcResult> {
  return runAsync(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
    env: cleanEnv(opts.env),
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.onSpawn ? { onSpawn: opts.onSpawn } : {}),
  });
}

export function assertCliOk(r: ProcResult, what = 'oci-encrypt-push'): void {
  assert.equal(r.status, 0, `${what} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
}

/** The digest the CLI printed: its stdout is exactly one line, the digest. */
export function printedDigest(r: ProcResult): string {
  assertCliOk(r);
  const lines = r.stdout.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `stdout should be one line (the digest), got:\n${r.stdout}`);
  assert.match(lines[0]!, DIGEST_RE);
  return lines[0]!;
}

// ---- where to push and how skopeo reaches it --------------------------------------------------------------

export interface Endpoint {
  /** 127.0.0.1:PORT: the registry, or a fault proxy in front of it. */
  host: string;
  /** https://… or http://… */
  url: string;
  caFile: string | undefined;
  username?: string;
  password?: string;
}

export function endpoint(reg: Registry, via?: { host: string; url: string }): Endpoint {
  return {
    host: via?.host ?? reg.host,
    url: via?.url ?? reg.url,
    caFile: reg.caFile,
    ...(reg.mode !== 'plain' ? { username: reg.username, password: reg.password } : {}),
  };
}

/** The CLI's transport flags for an endpoint (no credentials). */
export function cliTransport(ep: Endpoint): string[] {
  return ep.caFile ? ['--ca-file', ep.caFile] : ['--tls-verify=false'];
}

const certDirs = new Map<string, string>();
/** skopeo reads CAs from a folder (*.crt): copy the test CA there once per process. */
function certDir(caFile: string): string {
  let dir = certDirs.get(caFile);
  if (!dir) {
    dir = join(processTempDir('oep-certs-'), 'certs');
    mkdirSync(dir);
    copyFileSync(caFile, join(dir, 'ca.crt'));
    certDirs.set(caFile, dir);
  }
  return dir;
}

/** skopeo flags for reading from ep: `prefix` is '' for inspect, 'src-' for copy. */
function skopeoFlags(ep: Endpoint, prefix: '' | 'src-'): string[] {
  const tls = ep.caFile ? [`--${prefix}cert-dir`, certDir(ep.caFile)] : [`--${prefix}tls-verify=false`];
  // --creds on skopeo's command line is fine in a test; it is exactly what our own CLI must never do.
  const creds = ep.username ? [`--${prefix}creds`, `${ep.username}:${ep.password}`] : [];
  return [...tls, ...creds];
}

export async function skopeo(args: string[]): Promise<ProcResult> {
  const r = await runAsync('skopeo', ['--insecure-policy', ...args], { env: cleanEnv() });
  assert.equal(r.status, 0, `skopeo ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r;
}

/** `skopeo inspect --raw`: the exact manifest bytes the registry serves for repo:tag. */
export async function inspectRaw(ep: Endpoint, repoTag: string): Promise<Buffer> {
  return (await skopeo(['inspect', '--raw', ...skopeoFlags(ep, ''), `docker://${ep.host}/${repoTag}`])).out;
}

/** `skopeo copy --decryption-key` from the registry into an OCI layout `out`, tagged x. */
export async function skopeoDecrypt(
  ep: Endpoint,
  repoTag: string,
  key: string,
  out: string,
  extra: string[] = [],
): Promise<void> {
  await skopeo([
    'copy',
    '--quiet',
    ...extra,
    ...skopeoFlags(ep, 'src-'),
    '--decryption-key',
    key,
    `docker://${ep.host}/${repoTag}`,
    `oci:${out}:x`,
  ]);
}

// ---- images -------------------------------------------------------------------------------------------------

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
}
export interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}
export interface Index {
  mediaType?: string;
  manifests: Descriptor[];
}

export interface Source {
  dir: string;
  layout: string;
  image: BuiltImage;
  keys: KeyPair;
  pub: string;
  priv: string;
}

let sharedKeys: KeyPair | undefined;
/** One RSA key pair per test process (key generation is the slow part of a fixture). */
export function testKeys(): KeyPair {
  sharedKeys ??= keyPair('rsa2048');
  return sharedKeys;
}

/** A small image: a gzip layer and an uncompressed one, unless `spec` says otherwise. */
export function sourceImage(spec?: ImageSpec): Source {
  const dir = tempDir('oep-reg-');
  const layout = join(dir, 'src');
  const image = makeLayout(
    layout,
    spec ?? {
      layers: [
        { files: { 'etc/hello.txt': 'hello from the gzip layer\n' } },
        { compression: 'none', files: { 'etc/world.txt': 'hello from the tar layer\n' } },
      ],
    },
  );
  const keys = testKeys();
  return { dir, layout, image, keys, ...writeKeyPair(dir, 'k', keys) };
}

/** The image manifest a layout's ref `ref` points at (through an index when it is one), by platform. */
export function layoutManifests(layout: string, ref: string): Map<string, Manifest> {
  const index = readJson<Index & { manifests: Descriptor[] }>(join(layout, 'index.json'));
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  assert.ok(entry, `${layout}/index.json has no ref ${ref}`);
  const out = new Map<string, Manifest>();
  const visit = (d: Descriptor, platform: string) => {
    const bytes = readBlob(layout, d.digest);
    assert.equal(sha256(bytes), d.digest, `${layout}: blob ${d.digest} does not match its digest`);
    const doc = JSON.parse(bytes.toString('utf8')) as Manifest & Index;
    if (Array.isArray(doc.manifests)) {
      for (const c of doc.manifests)
        visit(c, c.platform ? `${c.platform.os}/${c.platform.architecture}` : '');
    } else out.set(platform, doc);
  };
  visit(entry, 'linux/amd64');
  return out;
}

/** The decrypted layout `out` (ref x) holds, for every platform of the source, the source's layer bytes. */
export function assertSameAsSource(out: string, src: string): void {
  const got = layoutManifests(out, 'x');
  const want = layoutManifests(src, 'latest');
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), 'platforms differ');
  for (const [platform, w] of want) {
    const g = got.get(platform)!;
    assert.equal(g.config.digest, w.config.digest, `${platform}: config`);
    assert.deepEqual(
      g.layers.map((l) => [l.mediaType, l.digest, l.size]),
      w.layers.map((l) => [l.mediaType, l.digest, l.size]),
      `${platform}: decrypted layers are not the source's`,
    );
    for (const l of g.layers) {
      assert.ok(readBlob(out, l.digest).equals(readBlob(src, l.digest)), `${platform}: ${l.digest} bytes`);
    }
  }
}

// ---- pushImage in-process ---------------------------------------------------------------------------------

export interface InProcessPush {
  report?: PushReport;
  error?: unknown;
  logs: string[];
  ms: number;
}

/** pushImage with test defaults (fast retries), never throwing: the outcome is in the result. */
export async function pushInProcess(
  src: Source,
  ep: Endpoint,
  image: string,
  o: Partial<Omit<PushImageOptions, 'registry'>> & { registry?: Partial<PushImageOptions['registry']> } = {},
): Promise<InProcessPush> {
  const logs: string[] = [];
  const started = Date.now();
  const { registry, ...rest } = o;
  try {
    const report = await pushImage({
      layout: src.layout,
      image: `${ep.host}/${image}`,
      recipients: parseRecipients(src.keys.publicPem, src.pub),
      verify: true,
      log: (l) => logs.push(l),
      ...rest,
      registry: {
        tlsVerify: ep.caFile !== undefined,
        ...(ep.caFile ? { ca: readFileSync(ep.caFile, 'utf8') } : {}),
        ...(ep.username ? { username: ep.username, password: ep.password } : {}),
        retries: 3,
        retryBaseMs: 50,
        env: {},
        ...registry,
      },
    });
    return { report, logs, ms: Date.now() - started };
  } catch (error) {
    return { error, logs, ms: Date.now() - started };
  }
}

// ---- reading the registry directly ---------------------------------------------------------------------

/** GET (or HEAD) a /v2/ path on the registry itself, authenticated as its first user whatever the mode. */
export async function registryGet(
  reg: Registry,
  path: string,
  o: { method?: 'GET' | 'HEAD'; accept?: string } = {},
): Promise<SimpleResponse> {
  const headers: Record<string, string> = { accept: o.accept ?? MANIFEST_ACCEPT };
  if (reg.mode === 'htpasswd') {
    headers.authorization = `Basic ${Buffer.from(`${reg.username}:${reg.password}`).toString('base64')}`;
  } else if (reg.mode === 'token') {
    const repo = /^\/v2\/(.+)\/(?:manifests|blobs|tags)\//.exec(path)?.[1];
    const token = await reg.token!.mint(repo ? [{ type: 'repository', name: repo, actions: ['pull'] }] : [], {
      ttlSeconds: 300,
    });
    headers.authorization = `Bearer ${token}`;
  }
  return fetchSimple(`${reg.url}${path}`, {
    method: o.method ?? 'GET',
    headers,
    ...(reg.caFile ? { caFile: reg.caFile } : {}),
  });
}

/** What repo:tag points at in the registry: status, and the digest of the bytes served. */
export async function tagState(
  reg: Registry,
  repo: string,
  tag: string,
): Promise<{ status: number; digest?: string; header?: string; bytes?: Buffer }> {
  const r = await registryGet(reg, `/v2/${repo}/manifests/${tag}`);
  if (r.status !== 200) return { status: r.status };
  const header = r.headers['docker-content-digest'];
  return {
    status: 200,
    digest: sha256(r.body),
    bytes: r.body,
    ...(typeof header === 'string' ? { header } : {}),
  };
}

export async function assertNoTag(reg: Registry, repo: string, tag: string): Promise<void> {
  const s = await tagState(reg, repo, tag);
  assert.equal(s.status, 404, `${repo}:${tag} exists (${s.digest}) after a failed push`);
}

/** Every regular file under dir, recursively. */
export function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walkFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** The repositories the registry's filesystem storage holds (empty when nothing was ever pushed). */
export function storedRepositories(reg: Registry): string[] {
  const root = join(reg.storageDir, 'docker', 'registry', 'v2', 'repositories');
  let st;
  try {
    st = statSync(root);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [];
  return walkFiles(root)
    .map((f) => f.slice(root.length + 1).split('/_')[0]!)
    .filter((v, i, a) => a.indexOf(v) === i);
}
