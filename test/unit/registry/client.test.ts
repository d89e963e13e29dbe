import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import {
  MANIFEST_ACCEPT,
  pushScope,
  RegistryClient,
  uploadLocation,
  type ClientOptions,
} from '../../../src/registry/client.js';
import type { Credential } from '../../../src/registry/credentials.js';
import { RegistryError } from '../../../src/registry/transport/errors.js';
import { sha256 } from '../../helpers/fixtures.js';
import { json, loopback, TRANSPORT, type Recorded } from './loopback.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const REPO = 'org/app';
const BLOB = Buffer.from('encrypted layer bytes '.repeat(1000));
const DIGEST = sha256(BLOB);
const OTHER = sha256(Buffer.from('something else'));

function options(cred?: Credential, extra: Partial<ClientOptions> = {}): ClientOptions {
  return { ...TRANSPORT, tlsVerify: false, credential: async () => cred, ...extra };
}

type Route = (req: Recorded, res: ServerResponse) => boolean | void | Promise<boolean | void>;

/**
 * A fake registry: /v2/ answers `ping` (200 by default), then each route gets the request until one returns
 * anything but false; unrouted requests get 404.
 */
async function registry(routes: Route[], ping: (res: ServerResponse) => void = (res) => json(res, 200, {})) {
  return loopback(async (req, res) => {
    if (req.url.pathname === '/v2/' && req.method === 'GET') return ping(res);
    for (const r of routes) if ((await r(req, res)) !== false) return;
    json(res, 404, {
      errors: [{ code: 'NOT_FOUND', message: `no route for ${req.method} ${req.url.pathname}` }],
    });
  });
}

const on =
  (
    method: string,
    path: string | RegExp,
    fn: (req: Recorded, res: ServerResponse) => void | Promise<void>,
  ): Route =>
  async (req, res) => {
    const p = req.url.pathname;
    if (req.method !== method || (typeof path === 'string' ? p !== path : !path.test(p))) return false;
    await fn(req, res);
  };

const status = (res: ServerResponse, code: number, headers: Record<string, string> = {}) => {
  res.writeHead(code, { 'content-length': '0', ...headers });
  res.end();
};

const withoutPing = (reqs: Recorded[]) => reqs.filter((r) => r.url.pathname !== '/v2/');

describe('RegistryClient.connect', () => {
  it('pings /v2/ and, with TLS verification off, falls back from https to http', async () => {
    const reg = await registry([on('HEAD', `/v2/${REPO}/blobs/${DIGEST}`, (_q, res) => status(res, 404))]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    assert.equal(client.host, reg.host);
    assert.deepEqual(
      reg.requests.map((r) => `${r.method} ${r.url.pathname}`),
      ['GET /v2/'],
      'the https attempt is not an HTTP request',
    );
    assert.equal(await client.blobExists(REPO, { digest: DIGEST, size: BLOB.length }), false);
    assert.equal(reg.requests[1]!.headers['user-agent'], 'oep-test');
  });

  it('with TLS verification on, never falls back to plain http', async () => {
    const reg = await registry([]);
    await assert.rejects(
      RegistryClient.connect({ apiHost: reg.host }, options(undefined, { tlsVerify: true })),
      (e) => {
        assert.ok(e instanceof RegistryError);
        assert.equal(e.code, 'E_NETWORK');
        assert.equal(e.transient, false);
        assert.ok(e.message.includes(`https://${reg.host}/v2/`), e.message);
        assert.match(e.hint ?? '', /--ca-file/);
        return true;
      },
    );
    assert.equal(reg.requests.length, 0);
  });

  it('reports an unreachable registry as E_NETWORK naming it', async () => {
    const reg = await registry([]);
    await reg.close();
    await assert.rejects(
      RegistryClient.connect({ apiHost: reg.host }, options()),
      (e) => isOepError(e, 'E_NETWORK') && e.message.includes(reg.host),
    );
  });

  it('refuses a server whose /v2/ is not a registry', async () => {
    const reg = await registry([], (res) => status(res, 404));
    await assert.rejects(
      RegistryClient.connect({ apiHost: reg.host }, options()),
      (e) => isOepError(e, 'E_REGISTRY') && e.message.includes(`${reg.host} is not an OCI registry`),
    );
  });

  it('keeps the Basic challenge of /v2/ and sends the credentials', async () => {
    const reg = await registry(
      [
        on('HEAD', /\/blobs\//, (q, res) =>
          q.headers.authorization === basic('ci', 'pw')
            ? status(res, 200, { 'content-length': String(BLOB.length) })
            : status(res, 401),
        ),
      ],
      (res) => json(res, 401, {}, { 'www-authenticate': 'Basic realm="test"' }),
    );
    const client = await RegistryClient.connect(
      { apiHost: reg.host },
      options({ username: 'ci', password: 'pw', source: 'test' }),
    );
    assert.equal(await client.blobExists(REPO, { digest: DIGEST, size: BLOB.length }), true);
  });
});

describe('redirects', () => {
  it('carry Authorization on same-origin hops only, never to another origin', async () => {
    const storage = await loopback((_q, res) => {
      res.writeHead(200, { 'content-length': String(BLOB.length) });
      res.end(BLOB);
    });
    const reg = await registry(
      [
        on('GET', `/v2/${REPO}/blobs/${DIGEST}`, (_q, res) =>
          status(res, 307, { location: `/v2/${REPO}/blobs/moved/${DIGEST}` }),
        ),
        on('GET', `/v2/${REPO}/blobs/moved/${DIGEST}`, (_q, res) =>
          status(res, 302, { location: `${storage.origin}/bucket/${DIGEST}?sig=abc` }),
        ),
      ],
      (res) => json(res, 401, {}, { 'www-authenticate': 'Basic realm="test"' }),
    );
    const client = await RegistryClient.connect(
      { apiHost: reg.host },
      options({ username: 'ci', password: 'pw', source: 'test' }),
    );
    const chunks: Buffer[] = [];
    for await (const c of await client.getBlob(REPO, DIGEST)) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), BLOB);

    const hops = withoutPing(reg.requests);
    assert.equal(hops.length, 2);
    for (const h of hops)
      assert.equal(h.headers.authorization, basic('ci', 'pw'), `${h.url.pathname} is same-origin`);
    assert.equal(storage.requests.length, 1);
    assert.equal(storage.requests[0]!.url.search, '?sig=abc');
    assert.equal(storage.requests[0]!.headers.authorization, undefined, 'no credentials for another origin');
  });

  it('are not followed for uploads', async () => {
    const reg = await registry([
      on('PUT', /\/manifests\//, (_q, res) => status(res, 307, { location: '/elsewhere' })),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(
      client.putManifest(REPO, 'v1', Buffer.from('{}'), 'application/vnd.oci.image.manifest.v1+json'),
      (e) =>
        isOepError(e, 'E_REGISTRY') &&
        e.message.includes('HTTP 307') &&
        e.message.includes(`manifest v1 to ${reg.host}/${REPO}`),
    );
  });
});

describe('uploadBlob', () => {
  /** Accepts a monolithic PUT, checking what a registry checks. */
  const monolithic = (answerDigest = DIGEST): Route =>
    on('PUT', `/v2/${REPO}/blobs/uploads/u1`, (q, res) => {
      const ok = q.url.searchParams.get('digest') === DIGEST && sha256(q.body) === DIGEST;
      status(res, ok ? 201 : 400, {
        'docker-content-digest': answerDigest,
        location: `/v2/${REPO}/blobs/${DIGEST}`,
      });
    });

  const start = (reg: { origin: string }) => new URL(`${reg.origin}/v2/${REPO}/blobs/uploads/u1?_state=s1`);

  it('streams the blob in one PUT with its length and ?digest=', async () => {
    const reg = await registry([monolithic()]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    let opened = 0;
    await client.uploadBlob(REPO, start(reg), { digest: DIGEST, size: BLOB.length }, async () => {
      opened++;
      return Readable.from([BLOB.subarray(0, 1000), BLOB.subarray(1000)]);
    });
    const [put] = withoutPing(reg.requests);
    assert.equal(put!.method, 'PUT');
    assert.equal(put!.url.searchParams.get('_state'), 's1', 'the session state is kept');
    assert.equal(put!.url.searchParams.get('digest'), DIGEST);
    assert.equal(put!.headers['content-length'], String(BLOB.length));
    assert.equal(put!.headers['transfer-encoding'], undefined);
    assert.equal(put!.headers['content-type'], 'application/octet-stream');
    assert.deepEqual(put!.body, BLOB);
    assert.equal(opened, 1);
  });

  it('falls back to PATCH then PUT when the PUT answers 405', async () => {
    const reg = await registry([
      on('PUT', `/v2/${REPO}/blobs/uploads/u1`, (q, res) => {
        if (q.body.length > 0)
          return json(res, 405, { errors: [{ code: 'UNSUPPORTED', message: 'no monolithic' }] });
        const ok = q.url.searchParams.get('digest') === DIGEST && q.url.searchParams.get('_state') === 's2';
        status(res, ok ? 201 : 400, { 'docker-content-digest': DIGEST });
      }),
      on('PATCH', `/v2/${REPO}/blobs/uploads/u1`, (q, res) =>
        status(res, sha256(q.body) === DIGEST ? 202 : 400, {
          location: 'u1?_state=s2',
          range: `0-${BLOB.length - 1}`,
        }),
      ),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    let opened = 0;
    await client.uploadBlob(REPO, start(reg), { digest: DIGEST, size: BLOB.length }, async () => {
      opened++;
      return Readable.from([BLOB]);
    });
    const seen = withoutPing(reg.requests).map((r) => `${r.method} ${r.url.pathname}${r.url.search}`);
    assert.deepEqual(seen, [
      `PUT /v2/${REPO}/blobs/uploads/u1?_state=s1&digest=${encodeURIComponent(DIGEST)}`,
      `PATCH /v2/${REPO}/blobs/uploads/u1?_state=s1`,
      `PUT /v2/${REPO}/blobs/uploads/u1?_state=s2&digest=${encodeURIComponent(DIGEST)}`,
    ]);
    const patch = withoutPing(reg.requests)[1]!;
    // One streamed PATCH, as docker and skopeo send it: some registries take a Content-Range for a chunk.
    assert.equal(patch.headers['content-range'], undefined);
    assert.equal(patch.headers['content-length'], String(BLOB.length));
    assert.equal(opened, 2, 'a fresh stream for the PATCH');
  });

  it('goes straight to PATCH with chunked', async () => {
    const reg = await registry([
      on('PATCH', /uploads/, (_q, res) =>
        status(res, 202, { location: `/v2/${REPO}/blobs/uploads/u1?_state=s2` }),
      ),
      on('PUT', /uploads/, (_q, res) => status(res, 201, { 'docker-content-digest': DIGEST })),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options(undefined, { chunked: true }));
    await client.uploadBlob(REPO, start(reg), { digest: DIGEST, size: BLOB.length }, async () =>
      Readable.from([BLOB]),
    );
    assert.deepEqual(
      withoutPing(reg.requests).map((r) => r.method),
      ['PATCH', 'PUT'],
    );
  });

  it('does not fall back on other failures', async () => {
    const reg = await registry([
      on('PUT', /uploads/, (_q, res) =>
        json(res, 400, { errors: [{ code: 'DIGEST_INVALID', message: 'digest did not match' }] }),
      ),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(
      client.uploadBlob(REPO, start(reg), { digest: DIGEST, size: BLOB.length }, async () =>
        Readable.from([BLOB]),
      ),
      (e) =>
        e instanceof RegistryError &&
        e.code === 'E_REGISTRY' &&
        !e.transient &&
        e.message.includes(`uploading blob ${DIGEST} to ${reg.host}/${REPO}`) &&
        e.message.includes('DIGEST_INVALID: digest did not match'),
    );
    assert.equal(withoutPing(reg.requests).length, 1);
  });

  it('fails with E_VERIFY when the registry stored another digest', async () => {
    const reg = await registry([monolithic(OTHER)]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(
      client.uploadBlob(REPO, start(reg), { digest: DIGEST, size: BLOB.length }, async () =>
        Readable.from([BLOB]),
      ),
      (e) => isOepError(e, 'E_VERIFY') && e.message.includes(OTHER) && e.message.includes(DIGEST),
    );
  });

  it('marks a 503 as transient, for the caller to retry the session', async () => {
    const reg = await registry([on('PUT', /uploads/, (_q, res) => status(res, 503, { 'retry-after': '2' }))]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(
      client.uploadBlob(REPO, start(reg), { digest: DIGEST, size: BLOB.length }, async () =>
        Readable.from([BLOB]),
      ),
      (e) => e instanceof RegistryError && e.transient && e.retryAfterMs === 2000,
    );
  });
});

describe('re-authentication', () => {
  /** A registry with Bearer tokens from its own /token; `grant` says which scopes each token carries. */
  async function bearerRegistry(opts: { needs: string[]; pingChallenge?: boolean }) {
    const tokens = new Map<string, string[]>();
    let issued = 0;
    const reg = await registry(
      [
        on('GET', '/token', (q, res) => {
          const token = `tok-${++issued}`;
          tokens.set(token, q.url.searchParams.getAll('scope'));
          json(res, 200, { token, expires_in: 300 });
        }),
        on('GET', `/v2/${REPO}/manifests/v1`, (q, res) => {
          const have = tokens.get((q.headers.authorization ?? '').replace(/^Bearer /, '')) ?? [];
          if (opts.needs.every((s) => have.includes(s))) {
            const body = Buffer.from('{"schemaVersion":2}');
            res.writeHead(200, {
              'content-type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8',
              'content-length': String(body.length),
              'docker-content-digest': sha256(body),
            });
            return void res.end(body);
          }
          json(
            res,
            401,
            { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
            {
              'www-authenticate': `Bearer realm="${reg.origin}/token",service="fake",scope="${opts.needs.join(' ')}"`,
            },
          );
        }),
      ],
      (res) =>
        opts.pingChallenge
          ? json(res, 401, {}, { 'www-authenticate': `Bearer realm="${reg.origin}/token",service="fake"` })
          : json(res, 200, {}),
    );
    return reg;
  }

  it('answers a 401 with a Bearer challenge once: token, then the request again', async () => {
    const reg = await bearerRegistry({ needs: [`repository:${REPO}:pull`] });
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    const m = await client.getManifest(REPO, 'v1');
    assert.equal(m.bytes.toString(), '{"schemaVersion":2}');
    assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(m.digest, sha256(m.bytes));
    const seen = withoutPing(reg.requests);
    assert.deepEqual(
      seen.map((r) => `${r.method} ${r.url.pathname} ${r.headers.authorization ?? '-'}`),
      [`GET /v2/${REPO}/manifests/v1 -`, 'GET /token -', `GET /v2/${REPO}/manifests/v1 Bearer tok-1`],
    );
    assert.equal(seen[0]!.headers.accept, MANIFEST_ACCEPT);
    assert.equal(seen[1]!.url.searchParams.get('service'), 'fake');
  });

  it('widens the token to the scopes a 401 asks for', async () => {
    const base = `repository:org/base:pull`;
    const reg = await bearerRegistry({ needs: [`repository:${REPO}:pull`, base], pingChallenge: true });
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await client.getManifest(REPO, 'v1');
    const tokenRequests = reg.requests.filter((r) => r.url.pathname === '/token');
    assert.deepEqual(
      tokenRequests.map((r) => r.url.searchParams.getAll('scope')),
      [[`repository:${REPO}:pull`], [`repository:${REPO}:pull`, base]],
    );
  });

  it('gives up after one re-auth with E_AUTH and a log-in hint', async () => {
    const reg = await registry([
      on('GET', '/token', (_q, res) => json(res, 200, { token: 'useless' })),
      on('HEAD', /blobs/, (_q, res) =>
        status(res, 401, { 'www-authenticate': `Bearer realm="${reg.origin}/token",service="fake"` }),
      ),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(client.blobExists(REPO, { digest: DIGEST, size: 1 }), (e) => {
      assert.ok(isOepError(e, 'E_AUTH'));
      assert.ok(e.message.includes(`checking blob ${DIGEST} in ${reg.host}/${REPO}`), e.message);
      assert.match(e.hint ?? '', /log in/);
      return true;
    });
    assert.equal(reg.requests.filter((r) => r.method === 'HEAD').length, 2);
  });

  it('opens the upload body again for the retried request', async () => {
    let tokenOk = false;
    const reg = await registry([
      on('GET', '/token', (_q, res) => {
        tokenOk = true;
        json(res, 200, { token: 'good' });
      }),
      on('PUT', /uploads/, (q, res) => {
        if (q.headers.authorization !== 'Bearer good' || !tokenOk)
          return status(res, 401, {
            'www-authenticate': `Bearer realm="${reg.origin}/token",service="fake"`,
          });
        status(res, sha256(q.body) === DIGEST ? 201 : 400, { 'docker-content-digest': DIGEST });
      }),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    let opened = 0;
    await client.uploadBlob(
      REPO,
      new URL(`${reg.origin}/v2/${REPO}/blobs/uploads/u1`),
      { digest: DIGEST, size: BLOB.length },
      async () => {
        opened++;
        return Readable.from([BLOB]);
      },
    );
    assert.equal(opened, 2);
  });
});

describe('other calls', () => {
  it('startUpload resolves a relative Location against the request, and asks to mount with both scopes', async () => {
    const reg = await registry(
      [
        on('GET', '/token', (q, res) =>
          json(res, 200, { token: q.url.searchParams.getAll('scope').join('|') }),
        ),
        on('POST', `/v2/${REPO}/blobs/uploads/`, (q, res) =>
          q.url.searchParams.get('mount')
            ? status(res, 201, { location: `/v2/${REPO}/blobs/${DIGEST}` })
            : status(res, 202, { location: 'u9?_state=abc' }),
        ),
      ],
      (res) =>
        json(res, 401, {}, { 'www-authenticate': `Bearer realm="http://${reg.host}/token",service="fake"` }),
    );
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    const s = await client.startUpload(REPO);
    assert.equal(s.mounted, false);
    assert.equal(s.location.href, `${reg.origin}/v2/${REPO}/blobs/uploads/u9?_state=abc`);

    const m = await client.startUpload(REPO, { digest: DIGEST, from: 'org/base' });
    assert.equal(m.mounted, true);
    const post = reg.requests.filter((r) => r.method === 'POST').at(-1)!;
    assert.equal(post.url.searchParams.get('mount'), DIGEST);
    assert.equal(post.url.searchParams.get('from'), 'org/base');
    assert.equal(post.headers.authorization, `Bearer ${pushScope(REPO)}|repository:org/base:pull`);
  });

  it('startUpload without a Location is E_REGISTRY', async () => {
    const reg = await registry([on('POST', /uploads/, (_q, res) => status(res, 202))]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(
      client.startUpload(REPO),
      (e) => isOepError(e, 'E_REGISTRY') && e.message.includes('Location'),
    );
  });

  it('blobExists checks the size of a present blob', async () => {
    const reg = await registry([
      on('HEAD', /blobs/, (_q, res) => status(res, 200, { 'content-length': '5' })),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    assert.equal(await client.blobExists(REPO, { digest: DIGEST, size: 5 }), true);
    await assert.rejects(
      client.blobExists(REPO, { digest: DIGEST, size: 6 }),
      (e) => isOepError(e, 'E_VERIFY') && e.message.includes(DIGEST) && e.message.includes('expected 6'),
    );
  });

  it('putManifest sends the exact bytes with their media type and returns the digest', async () => {
    const bytes = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"}');
    const reg = await registry([
      on('PUT', `/v2/${REPO}/manifests/v1`, (q, res) =>
        status(res, 201, { 'docker-content-digest': sha256(q.body) }),
      ),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    assert.equal(
      await client.putManifest(REPO, 'v1', bytes, 'application/vnd.oci.image.index.v1+json'),
      sha256(bytes),
    );
    const put = withoutPing(reg.requests)[0]!;
    assert.deepEqual(put.body, bytes);
    assert.equal(put.headers['content-type'], 'application/vnd.oci.image.index.v1+json');
  });

  it('getManifest refuses a manifest over 4 MiB', async () => {
    const reg = await registry([
      on('GET', /manifests/, (_q, res) => {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
        res.end(Buffer.alloc(4 * 1024 * 1024 + 10, 0x20));
      }),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(
      client.getManifest(REPO, 'big'),
      (e) => isOepError(e, 'E_MANIFEST') && e.message.includes('big'),
    );
  });

  it('a connection reset in the middle of a manifest body is a transient E_NETWORK', async () => {
    const reg = await registry([
      on('GET', /manifests/, (_q, res) => {
        res.writeHead(200, {
          'content-type': 'application/vnd.oci.image.manifest.v1+json',
          'content-length': '1000',
        });
        res.write('{"schemaVersion":');
        setTimeout(() => res.socket?.destroy(), 20);
      }),
    ]);
    const client = await RegistryClient.connect({ apiHost: reg.host }, options());
    await assert.rejects(client.getManifest(REPO, 'v1'), (e) => {
      assert.ok(e instanceof RegistryError, String(e));
      assert.equal(e.code, 'E_NETWORK');
      assert.equal(e.transient, true);
      assert.ok(e.message.includes(`/v2/${REPO}/manifests/v1`), e.message);
      return true;
    });
  });
});

describe('upload Locations', () => {
  const base = new URL('https://reg.example/v2/team/app/blobs/uploads/');
  it('resolve relative to the request, and may stay on HTTPS elsewhere', () => {
    assert.equal(uploadLocation('/v2/u/1?x=1', base, 'w').href, 'https://reg.example/v2/u/1?x=1');
    assert.equal(uploadLocation(['https://s3.example/up'], base, 'w').host, 's3.example');
  });
  it('never go from HTTPS to plain HTTP or another scheme (the blob would travel in clear)', () => {
    for (const bad of ['http://reg.example/v2/u/1', 'ftp://reg.example/u', 'file:///etc/passwd']) {
      assert.throws(
        () => uploadLocation(bad, base, 'uploading x'),
        (e) => isOepError(e, 'E_REGISTRY') && e.message.startsWith('uploading x'),
        bad,
      );
    }
    assert.equal(uploadLocation('http://reg/u', new URL('http://reg/v2/'), 'w').protocol, 'http:');
  });
});
