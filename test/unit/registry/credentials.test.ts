import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import {
  findCredential,
  normaliseKey,
  runCredentialHelper,
  type Credential,
} from '../../../src/registry/credentials.js';
import { parseReference } from '../../../src/registry/reference.js';
import { tempDir } from '../../helpers/fixtures.js';

/** Every secret used below: no error message or hint may ever contain one. */
const SECRETS = ['s3cret-pass', 'helper-pass', 'explicit-pass', 'auth-pass', 'refresh-tok', 'helper-tok'];

const b64 = (s: string) => Buffer.from(s).toString('base64');

/**
 * A sandbox: HOME with nothing in it, a bin folder first on PATH holding a fake `docker-credential-test`,
 * and the env object the front end would hand over. The real ~/.docker is never read.
 */
function sandbox() {
  const root = tempDir('oep-cred-');
  const home = join(root, 'home');
  const bin = join(root, 'bin');
  const answers = join(root, 'answers');
  const log = join(root, 'helper.log');
  for (const d of [home, bin, answers]) mkdirSync(d, { recursive: true });
  // Writes its argv and stdin to the log, answers from answers/<server with odd characters as _>, or says
  // "credentials not found" with exit 1 as docker-credential-helpers do.
  const script = `#!/bin/sh
input=$(cat)
printf '%s %s\\n' "$1" "$input" >> "$HELPER_LOG"
name=$(printf '%s' "$input" | sed 's/[^A-Za-z0-9.]/_/g')
if [ -f "$HELPER_ANSWERS/$name" ]; then cat "$HELPER_ANSWERS/$name"; exit 0; fi
echo "credentials not found in native keychain"
exit 1
`;
  writeFileSync(join(bin, 'docker-credential-test'), script);
  chmodSync(join(bin, 'docker-credential-test'), 0o755);
  writeFileSync(join(bin, 'docker-credential-broken'), '#!/bin/sh\necho "keychain locked" >&2\nexit 3\n');
  chmodSync(join(bin, 'docker-credential-broken'), 0o755);
  const env: Record<string, string | undefined> = {
    HOME: home,
    PATH: `${bin}:/usr/bin:/bin`,
    HELPER_LOG: log,
    HELPER_ANSWERS: answers,
  };
  return {
    root,
    home,
    env,
    answer(server: string, body: unknown) {
      writeFileSync(join(answers, server.replace(/[^A-Za-z0-9.]/g, '_')), JSON.stringify(body));
    },
    /** Lines "get <server>", one per helper call. */
    calls(): string[] {
      return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
    },
    dockerConfig(doc: unknown, dir = join(home, '.docker')): string {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'config.json');
      writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return path;
    },
    authFile(path: string, doc: unknown): string {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
      return path;
    },
  };
}

const find = (image: string, env: Record<string, string | undefined>, extra = {}) =>
  findCredential(parseReference(image), { env, ...extra });

/** The error a user sees, with no secret in it. */
function fails(code: ErrorCode, ...fragments: string[]) {
  return (e: unknown) => {
    assert.ok(isOepError(e, code), `expected ${code}, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `${JSON.stringify(e.message)} lacks ${f}`);
    const shown = `${e.message} ${e.hint ?? ''}`;
    for (const s of SECRETS)
      assert.ok(!shown.includes(s), `secret ${s} leaked into ${JSON.stringify(shown)}`);
    return true;
  };
}

const userPass = (c: Credential | undefined) => c && { username: c.username, password: c.password };

describe('normaliseKey', () => {
  const table: [string, string][] = [
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['https://ghcr.io/', 'ghcr.io'],
    ['ghcr.io', 'ghcr.io'],
    ['http://localhost:5000/v1/', 'localhost:5000'],
    ['https://quay.io/v2/', 'quay.io'],
    ['ghcr.io/org/app', 'ghcr.io/org/app'],
  ];
  for (const [key, want] of table) it(`${key} → ${want}`, () => assert.equal(normaliseKey(key), want));
});

describe('explicit username/password', () => {
  it('wins over every config file', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': { auth: b64('cfg-user:s3cret-pass') } } });
    const c = await find('ghcr.io/org/app', sb.env, { username: 'me', password: 'explicit-pass' });
    assert.deepEqual(c, { username: 'me', password: 'explicit-pass', source: 'username/password' });
  });

  for (const [name, extra] of [
    ['only a username', { username: 'me' }],
    ['only a password', { password: 'explicit-pass' }],
    ['an empty username', { username: '', password: 'explicit-pass' }],
    ['an empty password', { username: 'me', password: '' }],
  ] as const) {
    it(`${name} is E_USAGE, without the password in the message`, async () => {
      const sb = sandbox();
      await assert.rejects(find('ghcr.io/org/app', sb.env, extra), fails('E_USAGE', 'username and password'));
    });
  }
});

describe('docker config.json auths', () => {
  it('reads Docker Hub credentials from https://index.docker.io/v1/ for short and docker.io names', async () => {
    const sb = sandbox();
    const path = sb.dockerConfig({
      auths: { 'https://index.docker.io/v1/': { auth: b64('hubuser:s3cret-pass') } },
    });
    for (const image of ['ubuntu', 'docker.io/x/y:1', 'index.docker.io/x']) {
      const c = await find(image, sb.env);
      assert.deepEqual(userPass(c), { username: 'hubuser', password: 's3cret-pass' }, image);
      assert.equal(c?.source, `docker config ${path}`);
    }
    assert.equal(await find('ghcr.io/x/y', sb.env), undefined, 'Docker Hub credentials stay on Docker Hub');
  });

  for (const key of ['ghcr.io', 'https://ghcr.io', 'https://ghcr.io/v1/']) {
    it(`matches ghcr.io images with the key ${key}`, async () => {
      const sb = sandbox();
      sb.dockerConfig({ auths: { [key]: { auth: b64('gh:s3cret-pass') } } });
      assert.deepEqual(userPass(await find('ghcr.io/org/app:v1', sb.env)), {
        username: 'gh',
        password: 's3cret-pass',
      });
    });
  }

  it('matches localhost:5000 with http://localhost:5000/v1/, and not other ports', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'http://localhost:5000/v1/': { auth: b64('local:s3cret-pass') } } });
    assert.equal((await find('localhost:5000/x', sb.env))?.username, 'local');
    assert.equal(await find('localhost:5001/x', sb.env), undefined);
    assert.equal(await find('localhost/x', sb.env), undefined);
  });

  it('keeps the colons of a password in auth', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': { auth: b64('gh:s3cret-pass:with:colons') } } });
    assert.deepEqual(userPass(await find('ghcr.io/a/b', sb.env)), {
      username: 'gh',
      password: 's3cret-pass:with:colons',
    });
  });

  it('reads username and password fields', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': { username: 'gh', password: 's3cret-pass' } } });
    assert.deepEqual(userPass(await find('ghcr.io/a/b', sb.env)), {
      username: 'gh',
      password: 's3cret-pass',
    });
  });

  it('reads an identitytoken as an identity token', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': { auth: b64('gh:'), identitytoken: 'refresh-tok' } } });
    const c = await find('ghcr.io/a/b', sb.env);
    assert.equal(c?.identityToken, 'refresh-tok');
    assert.equal(c?.password, undefined);
  });

  it('prefers the longest repository-prefix key over the bare host', async () => {
    const sb = sandbox();
    sb.dockerConfig({
      auths: {
        'ghcr.io': { auth: b64('host:s3cret-pass') },
        'ghcr.io/org': { auth: b64('org:s3cret-pass') },
        'ghcr.io/org/app': { auth: b64('app:s3cret-pass') },
      },
    });
    assert.equal((await find('ghcr.io/org/app:v1', sb.env))?.username, 'app');
    assert.equal((await find('ghcr.io/org/app/sub', sb.env))?.username, 'app');
    assert.equal((await find('ghcr.io/org/other', sb.env))?.username, 'org');
    assert.equal((await find('ghcr.io/organisation/app', sb.env))?.username, 'host', 'no partial component');
    assert.equal((await find('ghcr.io/org/application', sb.env))?.username, 'org', 'no partial component');
    assert.equal((await find('ghcr.io/x', sb.env))?.username, 'host');
  });

  it('never matches by substring', async () => {
    const sb = sandbox();
    sb.dockerConfig({
      auths: {
        'ghcr.io.evil.com': { auth: b64('evil:s3cret-pass') },
        'https://evil.com/ghcr.io': { auth: b64('evil2:s3cret-pass') },
        'myghcr.io': { auth: b64('evil3:s3cret-pass') },
      },
    });
    assert.equal(await find('ghcr.io/org/app', sb.env), undefined);
    assert.equal((await find('ghcr.io.evil.com/org/app', sb.env))?.username, 'evil');
  });

  it('skips an entry without usable credentials', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': {}, 'quay.io': { auth: 5, username: 'only-user' } } });
    assert.equal(await find('ghcr.io/a/b', sb.env), undefined);
    assert.equal(await find('quay.io/a/b', sb.env), undefined);
  });

  it('reads DOCKER_CONFIG instead of HOME/.docker', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': { auth: b64('home:s3cret-pass') } } });
    const dir = join(sb.root, 'dockercfg');
    const path = sb.dockerConfig({ auths: { 'ghcr.io': { auth: b64('dc:s3cret-pass') } } }, dir);
    const c = await find('ghcr.io/a/b', { ...sb.env, DOCKER_CONFIG: dir });
    assert.equal(c?.username, 'dc');
    assert.equal(c?.source, `docker config ${path}`);
  });

  it('refuses malformed JSON with E_AUTH naming the file, and no secret', async () => {
    const sb = sandbox();
    const path = sb.dockerConfig('{"auths": {"ghcr.io": {"password": "s3cret-pass"'); // truncated
    await assert.rejects(find('ghcr.io/a/b', sb.env), fails('E_AUTH', path));
  });

  it('finds nothing (anonymous) when no file exists', async () => {
    const sb = sandbox();
    assert.equal(await find('ghcr.io/a/b', sb.env), undefined);
    assert.equal(await find('ghcr.io/a/b', {}), undefined, 'no HOME at all');
  });
});

describe('credential helpers', () => {
  it('asks the credHelpers helper, with the server on stdin and get as argument', async () => {
    const sb = sandbox();
    sb.dockerConfig({
      credHelpers: { 'ghcr.io': 'test' },
      auths: { 'ghcr.io': { auth: b64('cfg:s3cret-pass') } },
    });
    sb.answer('ghcr.io', { ServerURL: 'ghcr.io', Username: 'helper-user', Secret: 'helper-pass' });
    const c = await find('ghcr.io/org/app', sb.env);
    assert.deepEqual(c, {
      username: 'helper-user',
      password: 'helper-pass',
      source: 'credential helper docker-credential-test',
    });
    assert.deepEqual(sb.calls(), ['get ghcr.io']);
  });

  it('asks credsStore for Docker Hub under https://index.docker.io/v1/', async () => {
    const sb = sandbox();
    // What docker login writes with a store: an empty auths entry.
    sb.dockerConfig({ auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'test' });
    sb.answer('https://index.docker.io/v1/', { Username: 'hub', Secret: 'helper-pass' });
    assert.deepEqual(userPass(await find('ubuntu:22.04', sb.env)), {
      username: 'hub',
      password: 'helper-pass',
    });
    assert.deepEqual(sb.calls(), ['get https://index.docker.io/v1/']);
  });

  it('prefers usable auths over credsStore', async () => {
    const sb = sandbox();
    sb.dockerConfig({ auths: { 'ghcr.io': { auth: b64('cfg:s3cret-pass') } }, credsStore: 'test' });
    sb.answer('ghcr.io', { Username: 'helper-user', Secret: 'helper-pass' });
    assert.equal((await find('ghcr.io/a/b', sb.env))?.username, 'cfg');
    assert.deepEqual(sb.calls(), []);
  });

  it('reads Username <token> as an identity token', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credsStore: 'test' });
    sb.answer('ghcr.io', { Username: '<token>', Secret: 'helper-tok' });
    const c = await find('ghcr.io/a/b', sb.env);
    assert.deepEqual(c, { identityToken: 'helper-tok', source: 'credential helper docker-credential-test' });
  });

  it('falls through to containers auth.json when the credHelpers helper has nothing', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credHelpers: { 'ghcr.io': 'test' } });
    const path = sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), {
      auths: { 'ghcr.io': { auth: b64('podman:s3cret-pass') } },
    });
    const c = await find('ghcr.io/a/b', sb.env);
    assert.equal(c?.username, 'podman');
    assert.equal(c?.source, `containers auth file ${path}`);
    assert.deepEqual(sb.calls(), ['get ghcr.io'], 'the helper was asked first');
  });

  it('falls through to containers auth.json when credsStore has nothing', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credsStore: 'test' });
    sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), {
      auths: { 'ghcr.io': { auth: b64('podman:s3cret-pass') } },
    });
    assert.equal((await find('ghcr.io/a/b', sb.env))?.username, 'podman');
    assert.equal(sb.calls().length, 1);
  });

  it('a missing helper is E_AUTH naming the helper', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credHelpers: { 'ghcr.io': 'nosuch' } });
    await assert.rejects(find('ghcr.io/a/b', sb.env), fails('E_AUTH', 'docker-credential-nosuch'));
  });

  it('a failing helper is E_AUTH naming the helper and its complaint', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credsStore: 'broken' });
    await assert.rejects(
      find('ghcr.io/a/b', sb.env),
      fails('E_AUTH', 'docker-credential-broken', 'exit 3', 'keychain locked'),
    );
  });

  it('a helper answering garbage is E_AUTH naming the helper', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credsStore: 'test' });
    writeFileSync(join(sb.root, 'answers', 'ghcr.io'), 'Username=helper-user');
    await assert.rejects(find('ghcr.io/a/b', sb.env), fails('E_AUTH', 'docker-credential-test', 'JSON'));
  });

  it('survives a helper that exits without reading its input (EPIPE)', async () => {
    const sb = sandbox();
    const bin = join(sb.root, 'bin', 'docker-credential-deaf');
    writeFileSync(bin, '#!/bin/sh\necho \'{"Username":"u","Secret":"helper-pass"}\'\n');
    chmodSync(bin, 0o755);
    // More than a pipe holds, so the write really fails once the helper is gone.
    const c = await runCredentialHelper('deaf', 'x'.repeat(1 << 20), sb.env);
    assert.deepEqual(userPass(c), { username: 'u', password: 'helper-pass' });
  });

  it('refuses a helper name that could be a path', async () => {
    const sb = sandbox();
    sb.dockerConfig({ credHelpers: { 'ghcr.io': '../../bin/sh' } });
    await assert.rejects(find('ghcr.io/a/b', sb.env), fails('E_AUTH', '"../../bin/sh"'));
  });
});

describe('containers auth.json', () => {
  const entry = (user: string) => ({ auths: { 'ghcr.io': { auth: b64(`${user}:s3cret-pass`) } } });

  it('comes after docker config.json', async () => {
    const sb = sandbox();
    sb.dockerConfig(entry('docker'));
    sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), entry('podman'));
    assert.equal((await find('ghcr.io/a/b', sb.env))?.username, 'docker');
  });

  it('reads XDG_RUNTIME_DIR/containers/auth.json before HOME/.config/containers/auth.json', async () => {
    const sb = sandbox();
    const xdg = join(sb.root, 'run');
    const path = sb.authFile(join(xdg, 'containers', 'auth.json'), entry('xdg'));
    sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), entry('home'));
    const c = await find('ghcr.io/a/b', { ...sb.env, XDG_RUNTIME_DIR: xdg });
    assert.equal(c?.username, 'xdg');
    assert.equal(c?.source, `containers auth file ${path}`);
  });

  it('reads HOME/.config/containers/auth.json when XDG_RUNTIME_DIR has no entry', async () => {
    const sb = sandbox();
    const xdg = join(sb.root, 'run');
    sb.authFile(join(xdg, 'containers', 'auth.json'), {
      auths: { 'quay.io': { auth: b64('q:s3cret-pass') } },
    });
    sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), entry('home'));
    assert.equal((await find('ghcr.io/a/b', { ...sb.env, XDG_RUNTIME_DIR: xdg }))?.username, 'home');
  });

  it('reads only REGISTRY_AUTH_FILE when it is set', async () => {
    const sb = sandbox();
    const xdg = join(sb.root, 'run');
    sb.authFile(join(xdg, 'containers', 'auth.json'), entry('xdg'));
    sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), entry('home'));
    const file = sb.authFile(join(sb.root, 'custom', 'auth.json'), entry('custom'));
    const env = { ...sb.env, XDG_RUNTIME_DIR: xdg, REGISTRY_AUTH_FILE: file };
    assert.equal((await find('ghcr.io/a/b', env))?.username, 'custom');
    assert.equal(await find('quay.io/a/b', env), undefined, 'no fallback to the other files');
  });

  it('prefers repository-prefixed keys there too', async () => {
    const sb = sandbox();
    sb.authFile(join(sb.home, '.config', 'containers', 'auth.json'), {
      auths: { 'ghcr.io': { auth: b64('host:s3cret-pass') }, 'ghcr.io/org': { auth: b64('ns:s3cret-pass') } },
    });
    assert.equal((await find('ghcr.io/org/app', sb.env))?.username, 'ns');
    assert.equal((await find('ghcr.io/other/app', sb.env))?.username, 'host');
  });

  it('refuses malformed JSON with E_AUTH naming the file, and no secret', async () => {
    const sb = sandbox();
    const file = sb.authFile(join(sb.root, 'auth.json'), '{"auths":{"ghcr.io":{"auth":"s3cret-pass"}');
    await assert.rejects(
      find('ghcr.io/a/b', { ...sb.env, REGISTRY_AUTH_FILE: file }),
      fails('E_AUTH', file, 'not valid JSON'),
    );
  });
});
