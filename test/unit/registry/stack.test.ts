/**
 * Each transport layer on its own, over a fake `send` (no sockets): withRetry, withRedirects, withAuth. The
 * session's tests (client.test.ts) and the integration tests cover the stack as a whole.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isOepError, OepError } from '../../../src/errors.js';
import { parseChallenge, withAuth } from '../../../src/registry/transport/auth.js';
import { networkError, RegistryError } from '../../../src/registry/transport/errors.js';
import type { HttpRequest, HttpResponse, Send } from '../../../src/registry/transport/http.js';
import { withRedirects } from '../../../src/registry/transport/redirects.js';
import { withRetry, type RetryPolicy } from '../../../src/registry/transport/retry.js';

const REG = 'https://reg.example';
const STORAGE = 'https://storage.example';

/** A response whose body records whether it was drained (discard) and can be read once. */
function answer(
  req: HttpRequest,
  status: number,
  headers: HttpResponse['headers'] = {},
  text = '',
): HttpResponse & { drained: () => boolean } {
  let drained = false;
  const body = Object.assign(Readable.from([Buffer.from(text)]), {
    dump: async () => {
      drained = true;
    },
  }) as unknown as HttpResponse['body'];
  return { status, headers, body, url: req.url, drained: () => drained };
}

type Reply = (req: HttpRequest, n: number) => HttpResponse | Promise<HttpResponse>;

/** A fake send: records each request (with its body opened, as the real one does) and answers with `reply`. */
function fakeSend(reply: Reply) {
  const seen: (HttpRequest & { sentBody?: unknown })[] = [];
  const send: Send = async (req) => {
    const sentBody = await req.body?.();
    seen.push({ ...req, sentBody });
    return reply(req, seen.length);
  };
  return { send, seen };
}

function policy(retries = 2): RetryPolicy & { lines: string[] } {
  const lines: string[] = [];
  return { retries, baseMs: 1, maxMs: 5, log: (l) => lines.push(l), lines };
}

const reset = () =>
  networkError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'GET reg');

describe('withRetry', () => {
  it('retries a GET that failed before any answer, then returns the answer', async () => {
    const { send, seen } = fakeSend((req, n) => {
      if (n === 1) throw reset();
      return answer(req, 200);
    });
    const p = policy();
    const res = await withRetry(send, p)({ method: 'GET', url: new URL(`${REG}/v2/`), what: 'pinging reg' });
    assert.equal(res.status, 200);
    assert.equal(seen.length, 2);
    assert.match(p.lines[0]!, /^retry 1\/2 of pinging reg in \d+\.\d s: .*ECONNRESET/);
  });

  it('retries a HEAD answered 503, dropping that answer, and honours Retry-After', async () => {
    const first: ReturnType<typeof answer>[] = [];
    const { send, seen } = fakeSend((req, n) => {
      if (n > 1) return answer(req, 200);
      const a = answer(req, 503, { 'retry-after': '0' });
      first.push(a);
      return a;
    });
    const p = policy();
    const res = await withRetry(send, p)({ method: 'HEAD', url: new URL(`${REG}/v2/a/blobs/x`) });
    assert.equal(res.status, 200);
    assert.equal(seen.length, 2);
    assert.ok(first[0]!.drained(), 'the 503 body is drained, so the connection is reused');
    assert.match(p.lines[0]!, /in 0\.0 s: HEAD https:\/\/reg\.example\/v2\/a\/blobs\/x: HTTP 503/);
  });

  it('returns the last transient answer as it came once the retries are spent', async () => {
    const { send, seen } = fakeSend((req) => answer(req, 502, {}, 'bad gateway'));
    const res = await withRetry(send, policy(2))({ method: 'GET', url: new URL(`${REG}/v2/`) });
    assert.equal(res.status, 502);
    assert.equal(seen.length, 3);
  });

  it('never retries POST, PATCH or PUT: an upload session is retried as a whole by its caller', async () => {
    for (const method of ['POST', 'PATCH', 'PUT'] as const) {
      const { send, seen } = fakeSend(() => {
        throw reset();
      });
      await assert.rejects(withRetry(send, policy())({ method, url: new URL(`${REG}/v2/a/blobs/uploads/`) }));
      assert.equal(seen.length, 1, method);
    }
    const { send, seen } = fakeSend((req) => answer(req, 503));
    const res = await withRetry(send, policy())({ method: 'PUT', url: new URL(`${REG}/v2/a/manifests/t`) });
    assert.equal(res.status, 503);
    assert.equal(seen.length, 1);
  });

  it('does not retry what is not transient, nor anything with retries 0', async () => {
    const refused = new RegistryError('E_NETWORK', 'certificate', { transient: false });
    const a = fakeSend(() => {
      throw refused;
    });
    await assert.rejects(withRetry(a.send, policy())({ method: 'GET', url: new URL(REG) }), refused);
    assert.equal(a.seen.length, 1);
    const b = fakeSend((req) => answer(req, 404));
    assert.equal((await withRetry(b.send, policy())({ method: 'GET', url: new URL(REG) })).status, 404);
    const c = fakeSend((req) => answer(req, 503));
    assert.equal((await withRetry(c.send, policy(0))({ method: 'GET', url: new URL(REG) })).status, 503);
    assert.equal(b.seen.length + c.seen.length, 2);
  });
});

describe('withRedirects', () => {
  it('follows a relative Location on the same origin, keeping Authorization', async () => {
    const { send, seen } = fakeSend((req, n) =>
      n === 1 ? answer(req, 307, { location: '/v2/a/blobs/moved' }) : answer(req, 200),
    );
    const res = await withRedirects(send)({
      method: 'GET',
      url: new URL(`${REG}/v2/a/blobs/x`),
      headers: { authorization: 'Bearer t', accept: '*/*' },
    });
    assert.equal(res.url.href, `${REG}/v2/a/blobs/moved`);
    assert.deepEqual(seen[1]!.headers, { accept: '*/*', authorization: 'Bearer t' });
  });

  it('never carries Authorization to another origin, and gives it back on the way home', async () => {
    const { send, seen } = fakeSend((req, n) => {
      if (n === 1) return answer(req, 302, { location: `${STORAGE}/bucket/x?sig=1` });
      if (n === 2) return answer(req, 307, { location: `${REG}/v2/a/blobs/back` });
      return answer(req, 200);
    });
    await withRedirects(send)({
      method: 'GET',
      url: new URL(`${REG}/v2/a/blobs/x`),
      headers: { authorization: 'Bearer t' },
    });
    assert.deepEqual(
      seen.map((r) => [r.url.origin, r.headers?.authorization]),
      [
        [REG, 'Bearer t'],
        [STORAGE, undefined],
        [REG, 'Bearer t'],
      ],
    );
  });

  it('sends the body with the first request only, and never redirects an upload', async () => {
    const { send, seen } = fakeSend((req) => answer(req, 307, { location: `${REG}/elsewhere` }));
    const res = await withRedirects(send)({
      method: 'PUT',
      url: new URL(`${REG}/v2/a/manifests/t`),
      body: async () => 'manifest',
    });
    assert.equal(res.status, 307, 'a PUT answered with a redirect is the caller to judge');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.sentBody, 'manifest');
  });

  it('refuses https to plain http and too many hops, draining the refused answer', async () => {
    const downgrade: ReturnType<typeof answer>[] = [];
    const a = fakeSend((req) => {
      const r = answer(req, 302, { location: 'http://storage.example/x' });
      downgrade.push(r);
      return r;
    });
    await assert.rejects(
      withRedirects(a.send)({ method: 'GET', url: new URL(`${REG}/v2/`), what: 'reading blob x' }),
      (e) =>
        isOepError(e, 'E_REGISTRY') &&
        /^reading blob x: .*plain http:\/\/storage\.example\/x/.test(e.message),
    );
    assert.ok(downgrade[0]!.drained());
    const b = fakeSend((req, n) => answer(req, 307, { location: `/hop${n}` }));
    await assert.rejects(
      withRedirects(b.send)({ method: 'HEAD', url: new URL(`${REG}/v2/`) }),
      (e) => isOepError(e, 'E_REGISTRY') && /more than 5 redirects/.test(e.message),
    );
    assert.equal(b.seen.length, 6);
  });
});

/** A fake Authorizer: a header per scope set, and what invalidate was told. */
function fakeAuth(fail?: OepError) {
  const asked: string[][] = [];
  const invalidated: { scopes: string[]; scope?: string }[] = [];
  return {
    asked,
    invalidated,
    auth: {
      header: async (scopes: string[]) => {
        asked.push(scopes);
        if (fail) throw fail;
        return `Bearer ${scopes.join('+')}`;
      },
      invalidate: (scopes: string[], c: ReturnType<typeof parseChallenge>) => {
        invalidated.push({ scopes, ...(c?.params.scope ? { scope: c.params.scope } : {}) });
        return [...scopes, ...(c?.params.scope ? [c.params.scope] : [])];
      },
    },
  };
}

describe('withAuth', () => {
  it('authorizes requests to the registry only, and marks their answers', async () => {
    const { auth, asked } = fakeAuth();
    const { send, seen } = fakeSend((req) => answer(req, 200));
    const call = withAuth(send, auth, REG);
    const own = await call({ method: 'GET', url: new URL(`${REG}/v2/`), scopes: ['repository:a:pull'] });
    const other = await call({ method: 'GET', url: new URL(`${STORAGE}/x`), scopes: ['repository:a:pull'] });
    assert.equal(seen[0]!.headers?.authorization, 'Bearer repository:a:pull');
    assert.equal(seen[1]!.headers?.authorization, undefined);
    assert.equal(own.authorized, true);
    assert.equal(other.authorized, undefined);
    assert.equal(asked.length, 1);
  });

  it("takes the registry's 401 challenge and sends once more with the wider scopes, body reopened", async () => {
    const { auth, invalidated } = fakeAuth();
    let opened = 0;
    const { send, seen } = fakeSend((req) =>
      answer(req, 401, {
        'www-authenticate': `Bearer realm="${REG}/token",scope="repository:b:pull"`,
      }),
    );
    const res = await withAuth(
      send,
      auth,
      REG,
    )({
      method: 'POST',
      url: new URL(`${REG}/v2/a/blobs/uploads/`),
      scopes: ['repository:a:pull,push'],
      body: async () => `body ${++opened}`,
    });
    assert.equal(res.status, 401, 'a second 401 is the answer');
    assert.deepEqual(invalidated, [{ scopes: ['repository:a:pull,push'], scope: 'repository:b:pull' }]);
    assert.deepEqual(
      seen.map((r) => [r.headers?.authorization, r.sentBody]),
      [
        ['Bearer repository:a:pull,push', 'body 1'],
        ['Bearer repository:a:pull,push+repository:b:pull', 'body 2'],
      ],
    );
  });

  it('takes no challenge from another origin: its 401 is the answer', async () => {
    const { auth, invalidated } = fakeAuth();
    const { send, seen } = fakeSend((req) => ({
      ...answer(req, 401, { 'www-authenticate': 'Bearer realm="https://evil.example/token"' }),
      url: new URL(`${STORAGE}/bucket/x`),
    }));
    const res = await withAuth(send, auth, REG)({ method: 'GET', url: new URL(`${REG}/v2/a/blobs/x`) });
    assert.equal(res.status, 401);
    assert.equal(seen.length, 1);
    assert.deepEqual(invalidated, []);
  });

  it("tells a token endpoint's failure as the request's, keeping its fields", async () => {
    const refused = new RegistryError('E_AUTH', 'token request to https://auth.example/token: HTTP 401 (x)', {
      status: 401,
      hint: 'the credentials from test were refused',
    });
    const { auth } = fakeAuth(refused);
    const { send, seen } = fakeSend((req) => answer(req, 200));
    await assert.rejects(
      withAuth(send, auth, REG)({ method: 'GET', url: new URL(`${REG}/v2/`), what: 'pushing manifest t' }),
      (e) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.message, `pushing manifest t: ${refused.message}`);
        assert.equal(e.status, 401);
        assert.equal(e.hint, refused.hint);
        assert.equal(e.cause, refused);
        return true;
      },
    );
    assert.equal(seen.length, 0);
  });
});
