import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import type { Credential } from '../../../src/registry/credentials.js';
import { Authorizer, parseChallenge } from '../../../src/registry/transport/auth.js';
import { RegistryError } from '../../../src/registry/transport/errors.js';
import { json, loopback, testSend, type Recorded } from './loopback.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const PULL = 'repository:org/app:pull';
const PUSH = 'repository:org/app:pull,push';

describe('parseChallenge', () => {
  it('reads a Bearer challenge with quoted realm, service and scope', () => {
    assert.deepEqual(
      parseChallenge(
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:org/app:pull,push"',
      ),
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example.com/token',
          service: 'registry.example.com',
          scope: 'repository:org/app:pull,push',
        },
      },
    );
  });

  it('keeps commas and escaped quotes inside quoted values, and tolerates spaces', () => {
    const c = parseChallenge(
      'Bearer realm = "https://a/t" , scope="repository:a:pull,push repository:b:pull", error="insufficient_scope", error_description="say \\"hi\\", please"',
    );
    assert.equal(c?.scheme, 'bearer');
    assert.equal(c?.params.realm, 'https://a/t');
    assert.equal(c?.params.scope, 'repository:a:pull,push repository:b:pull');
    assert.equal(c?.params.error, 'insufficient_scope');
    assert.equal(c?.params.error_description, 'say "hi", please');
  });

  it('reads unquoted values and lowercases scheme and parameter names', () => {
    assert.deepEqual(parseChallenge('BEARER Realm=https://a/t,Service=reg'), {
      scheme: 'bearer',
      params: { realm: 'https://a/t', service: 'reg' },
    });
  });

  it('reads Basic', () => {
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), {
      scheme: 'basic',
      params: { realm: 'Registry Realm' },
    });
    assert.deepEqual(parseChallenge(['Basic realm="a"', 'Bearer realm="b"']), {
      scheme: 'basic',
      params: { realm: 'a' },
    });
  });

  it('returns undefined without a header', () => {
    assert.equal(parseChallenge(undefined), undefined);
    assert.equal(parseChallenge(''), undefined);
  });
});

/** A token server on loopback; `reply` decides each answer. */
async function tokenServer(
  reply: (
    req: Recorded,
    n: number,
  ) => { status?: number; doc?: unknown; raw?: string; delayMs?: number } = () => ({}),
) {
  let n = 0;
  const srv = await loopback(async (req, res) => {
    n++;
    const r = reply(req, n);
    if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
    if (r.raw !== undefined) {
      res.writeHead(r.status ?? 200, { 'content-type': 'text/plain' });
      res.end(r.raw);
      return;
    }
    json(res, r.status ?? 200, r.doc ?? { token: `tok-${n}`, expires_in: 300 });
  });
  const challenge = parseChallenge(`Bearer realm="${srv.origin}/token",service="test-registry"`)!;
  return { ...srv, challenge };
}

/** The loopback token server speaks plain HTTP, which only a --tls-verify=false authorizer may use. */
function authorizer(cred: Credential | undefined, allowPlainRealm = true) {
  let asked = 0;
  const a = new Authorizer(
    testSend(),
    async () => {
      asked++;
      return cred;
    },
    allowPlainRealm ? { plainRealmHost: '127.0.0.1' } : {},
  );
  return { a, asked: () => asked };
}

describe('Authorizer', () => {
  it('never sends credentials to a plain-HTTP token endpoint while TLS is verified', async () => {
    const ts = await tokenServer();
    const { a, asked } = authorizer({ username: 'u', password: 'secret-pw', source: 'test' }, false);
    a.setChallenge(ts.challenge);
    await assert.rejects(a.header([PULL]), (e) => {
      assert.ok(isOepError(e, 'E_AUTH'));
      assert.match(e.message, /not HTTPS/);
      assert.ok(!e.message.includes('secret-pw'));
      return true;
    });
    assert.equal(asked(), 0);
    assert.equal(ts.requests.length, 0);
  });

  it('a token endpoint that reflects what it received in its error body cannot put a secret in our message', async () => {
    for (const status of [401, 400, 500]) {
      const ts = await tokenServer((req) => ({
        status,
        raw: JSON.stringify({
          errors: [{ code: 'DENIED', message: `you sent ${req.headers.authorization} ${req.url.search}` }],
          error: 'invalid_grant',
          error_description: `refresh ${String(req.headers.authorization)}`,
        }),
      }));
      const { a } = authorizer({ username: 'u', password: 'reflected-pw-77', source: 'test' });
      a.setChallenge(ts.challenge);
      await assert.rejects(a.header([PULL]), (e) => {
        assert.ok(isOepError(e), String(e));
        const text = `${e.describe()} ${JSON.stringify((e as RegistryError).diagnostics ?? [])}`;
        assert.ok(!text.includes(Buffer.from('u:reflected-pw-77').toString('base64')), text);
        assert.ok(!text.includes('reflected-pw-77'), text);
        assert.match(text, /DENIED|invalid_grant/);
        return true;
      });
      await ts.close();
    }
  });

  it('sends nothing before the registry asked for authentication', async () => {
    const { a, asked } = authorizer({ username: 'u', password: 'p', source: 'test' });
    assert.equal(await a.header([PULL]), undefined);
    assert.equal(asked(), 0);
  });

  it('answers a Basic challenge with Basic credentials, or nothing when it has none', async () => {
    const { a } = authorizer({ username: 'u', password: 'p:w', source: 'test' });
    a.setChallenge(parseChallenge('Basic realm="r"'));
    assert.equal(await a.header([PUSH]), basic('u', 'p:w'));
    const anon = authorizer(undefined).a;
    anon.setChallenge(parseChallenge('Basic realm="r"'));
    assert.equal(await anon.header([PUSH]), undefined);
  });

  it('refuses a scheme it does not speak, naming it', async () => {
    const { a } = authorizer(undefined);
    a.setChallenge(parseChallenge('Negotiate abc'));
    await assert.rejects(a.header([PULL]), (e) => isOepError(e, 'E_AUTH') && e.message.includes('negotiate'));
  });

  it('GETs a token with service, each scope, and Basic credentials', async () => {
    const srv = await tokenServer();
    const { a } = authorizer({ username: 'ci', password: 'pw', source: 'test' });
    a.setChallenge(srv.challenge);
    assert.equal(await a.header([PUSH, 'repository:org/base:pull']), 'Bearer tok-1');
    assert.equal(srv.requests.length, 1);
    const req = srv.requests[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url.pathname, '/token');
    assert.equal(req.url.searchParams.get('service'), 'test-registry');
    assert.deepEqual(req.url.searchParams.getAll('scope'), [PUSH, 'repository:org/base:pull']);
    assert.equal(req.headers.authorization, basic('ci', 'pw'));
  });

  it('GETs an anonymous token without credentials', async () => {
    const srv = await tokenServer(() => ({ doc: { access_token: 'anon' } }));
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    assert.equal(await a.header([PULL]), 'Bearer anon');
    assert.equal(srv.requests[0]!.headers.authorization, undefined);
  });

  it('exchanges an identity token with an OAuth2 refresh_token POST', async () => {
    const srv = await tokenServer(() => ({ doc: { access_token: 'from-refresh', expires_in: 300 } }));
    const { a } = authorizer({ identityToken: 'refresh-123', username: 'ci', source: 'test' });
    a.setChallenge(srv.challenge);
    assert.equal(await a.header([PUSH, PULL]), 'Bearer from-refresh');
    const req = srv.requests[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.headers.authorization, undefined, 'the refresh token is the credential');
    const form = new URLSearchParams(req.body.toString('utf8'));
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'refresh-123');
    assert.equal(form.get('service'), 'test-registry');
    assert.equal(form.get('scope'), `${PUSH} ${PULL}`);
    assert.ok(form.get('client_id'));
  });

  it('caches a token per scope set', async () => {
    const srv = await tokenServer();
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    assert.equal(await a.header([PUSH, PULL]), 'Bearer tok-1');
    assert.equal(await a.header([PULL, PUSH, PULL]), 'Bearer tok-1', 'same set, other order');
    assert.equal(srv.requests.length, 1);
    assert.equal(await a.header([PULL]), 'Bearer tok-2', 'another set');
    assert.equal(srv.requests.length, 2);
    assert.equal(await a.header([PULL]), 'Bearer tok-2');
    assert.equal(srv.requests.length, 2);
  });

  it('fetches again when the token expires (expires_in less the 10 s margin)', async () => {
    const srv = await tokenServer((_req, n) => ({ doc: { token: `tok-${n}`, expires_in: 1 } }));
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    assert.equal(await a.header([PULL]), 'Bearer tok-1');
    assert.equal(await a.header([PULL]), 'Bearer tok-2');
    assert.equal(srv.requests.length, 2);
  });

  it('makes one token request for concurrent calls with the same scopes', async () => {
    const srv = await tokenServer(() => ({ delayMs: 50 }));
    const { a } = authorizer({ username: 'u', password: 'p', source: 'test' });
    a.setChallenge(srv.challenge);
    const got = await Promise.all(
      Array.from({ length: 8 }, (_, i) => a.header(i % 2 ? [PUSH, PULL] : [PULL, PUSH])),
    );
    assert.deepEqual(new Set(got), new Set(['Bearer tok-1']));
    assert.equal(srv.requests.length, 1);
  });

  it('does not remember a failed token request', async () => {
    const srv = await tokenServer((_req, n) => (n === 1 ? { status: 503, raw: 'busy' } : {}));
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    await assert.rejects(
      a.header([PULL]),
      (e) => e instanceof RegistryError && e.transient && e.status === 503,
    );
    assert.equal(await a.header([PULL]), 'Bearer tok-2');
  });

  it('turns a 401 from the token endpoint into E_AUTH naming the credential source, without the password', async () => {
    const srv = await tokenServer(() => ({
      status: 401,
      doc: { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
    }));
    const { a } = authorizer({
      username: 'ci',
      password: 'hunter2-secret',
      source: 'docker config /x/config.json',
    });
    a.setChallenge(srv.challenge);
    await assert.rejects(a.header([PUSH]), (e) => {
      assert.ok(isOepError(e, 'E_AUTH'));
      assert.ok(e instanceof RegistryError);
      assert.equal(e.status, 401);
      assert.ok(e.message.includes(`${srv.origin}/token`), e.message);
      assert.ok(e.message.includes('UNAUTHORIZED'), e.message);
      assert.match(e.hint ?? '', /docker config \/x\/config\.json/);
      assert.ok(!`${e.message} ${e.hint}`.includes('hunter2-secret'));
      return true;
    });
  });

  it('says no credentials were found when an anonymous token is refused', async () => {
    const srv = await tokenServer(() => ({ status: 403, raw: 'denied' }));
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    await assert.rejects(
      a.header([PUSH]),
      (e) => isOepError(e, 'E_AUTH') && /no credentials were found/.test(e.hint ?? ''),
    );
  });

  it('refuses a token answer without a token, or not JSON', async () => {
    for (const r of [{ doc: { nothing: true } }, { raw: '<html>' }]) {
      const srv = await tokenServer(() => r);
      const { a } = authorizer(undefined);
      a.setChallenge(srv.challenge);
      await assert.rejects(
        a.header([PULL]),
        (e) => isOepError(e, 'E_AUTH') && e.message.includes(srv.origin),
      );
    }
  });

  it('refuses a Bearer challenge without a usable realm', async () => {
    const { a } = authorizer(undefined);
    a.setChallenge(parseChallenge('Bearer service="x"'));
    await assert.rejects(
      a.header([PULL]),
      (e) => isOepError(e, 'E_AUTH') && /without a realm/.test(e.message),
    );
    a.setChallenge(parseChallenge('Bearer realm="not a url"'));
    await assert.rejects(
      a.header([PULL]),
      (e) => isOepError(e, 'E_AUTH') && e.message.includes('"not a url"'),
    );
  });

  it('invalidate() drops the token and widens the scopes from the challenge', async () => {
    const srv = await tokenServer();
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    assert.equal(await a.header([PUSH]), 'Bearer tok-1');
    const wider = a.invalidate(
      [PUSH],
      parseChallenge(
        `Bearer realm="${srv.origin}/token",service="test-registry",scope="${PUSH} repository:org/base:pull",error="insufficient_scope"`,
      ),
    );
    assert.deepEqual(wider, [PUSH, 'repository:org/base:pull']);
    assert.equal(await a.header(wider), 'Bearer tok-2');
    assert.deepEqual(srv.requests[1]!.url.searchParams.getAll('scope'), [PUSH, 'repository:org/base:pull']);
    assert.equal(await a.header([PUSH]), 'Bearer tok-3', 'the old token is gone');
  });

  it('invalidate() without a new challenge keeps the old one and the scopes', async () => {
    const srv = await tokenServer();
    const { a } = authorizer(undefined);
    a.setChallenge(srv.challenge);
    await a.header([PULL]);
    assert.deepEqual(a.invalidate([PULL], undefined), [PULL]);
    assert.equal(await a.header([PULL]), 'Bearer tok-2');
  });
});
