import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OepError } from '../../../src/errors.js';
import {
  httpError,
  isTransient,
  networkError,
  parseDiagnostics,
  parseRetryAfter,
  inContext,
  RegistryError,
} from '../../../src/registry/transport/errors.js';
import { retryOperation, type RetryPolicy } from '../../../src/registry/retry.js';

const errorsBody = (...errors: { code: string; message: string; detail?: unknown }[]) =>
  JSON.stringify({ errors });

describe('httpError', () => {
  it('parses the Distribution errors[] into code: message, naming the operation', () => {
    const body = errorsBody(
      { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: 'sha256:abc' },
      { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown' },
    );
    const e = httpError(400, {}, body, 'pushing manifest v1 to ghcr.io/org/app');
    assert.ok(e instanceof RegistryError);
    assert.equal(e.code, 'E_REGISTRY');
    assert.equal(e.status, 400);
    assert.equal(
      e.message,
      'pushing manifest v1 to ghcr.io/org/app: HTTP 400 (BLOB_UNKNOWN: blob unknown to registry; MANIFEST_BLOB_UNKNOWN: blob unknown)',
    );
    assert.deepEqual(e.diagnostics, [
      { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' },
      { code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown' },
    ]);
    assert.match(e.hint ?? '', /blob the manifest needs is missing/);
  });

  it('shows a short, one-line piece of a body that is not Distribution JSON', () => {
    const e = httpError(502, {}, `<html>\n  <body>Bad   gateway</body>\n</html>${'x'.repeat(500)}`, 'op');
    assert.ok(e.message.startsWith('op: HTTP 502 (<html> <body>Bad gateway</body> </html>'));
    assert.ok(e.message.length < 230);
    assert.equal(httpError(500, {}, '', 'op').message, 'op: HTTP 500 (no details)');
    assert.deepEqual(parseDiagnostics('{"errors": "nope"}'), []);
    assert.deepEqual(parseDiagnostics('{"errors": [null, 3, {"code": "X"}]}'), [{ code: 'X', message: '' }]);
  });

  const hints: [string, number, string, string, RegExp][] = [
    ['401', 401, '', 'op', /log in/],
    ['UNAUTHORIZED', 400, errorsBody({ code: 'UNAUTHORIZED', message: 'x' }), 'op', /log in/],
    ['403', 403, '', 'op', /permission/],
    [
      'DENIED',
      400,
      errorsBody({ code: 'DENIED', message: 'requested access to the resource is denied' }),
      'op',
      /permission/,
    ],
    [
      'NAME_UNKNOWN',
      404,
      errorsBody({ code: 'NAME_UNKNOWN', message: 'repository name not known' }),
      'op',
      /does not exist/,
    ],
    [
      'MANIFEST_INVALID',
      400,
      errorsBody({ code: 'MANIFEST_INVALID', message: 'manifest invalid' }),
      'op',
      /\+encrypted/,
    ],
    ['415 on a manifest', 415, '', 'pushing manifest v1', /\+encrypted/],
    ['429', 429, '', 'op', /rate limiting/],
  ];
  for (const [name, status, body, what, hint] of hints) {
    it(`hints for ${name}`, () => assert.match(httpError(status, {}, body, what).hint ?? '', hint));
  }

  it('gives no hint where it knows none', () => {
    assert.equal(httpError(500, {}, '', 'op').hint, undefined);
    assert.equal(httpError(415, {}, '', 'uploading blob').hint, undefined);
  });

  it('codes 401 and 403 as E_AUTH, others as E_REGISTRY', () => {
    assert.equal(httpError(401, {}, '', 'op').code, 'E_AUTH');
    assert.equal(httpError(403, {}, '', 'op').code, 'E_AUTH');
    assert.equal(httpError(404, {}, '', 'op').code, 'E_REGISTRY');
    assert.equal(httpError(500, {}, '', 'op').code, 'E_REGISTRY');
  });

  for (const status of [408, 429, 500, 502, 503, 504]) {
    it(`HTTP ${status} is transient`, () => {
      const e = httpError(status, {}, '', 'op');
      assert.equal(e.transient, true);
      assert.equal(isTransient(e), true);
    });
  }
  for (const status of [400, 401, 403, 404, 405, 409, 413]) {
    it(`HTTP ${status} is not transient`, () =>
      assert.equal(httpError(status, {}, '', 'op').transient, false));
  }
  it('TOOMANYREQUESTS and UNAVAILABLE codes are transient whatever the status', () => {
    assert.equal(
      httpError(403, {}, errorsBody({ code: 'TOOMANYREQUESTS', message: 'slow down' }), 'op').transient,
      true,
    );
    assert.equal(httpError(400, {}, errorsBody({ code: 'UNAVAILABLE', message: 'x' }), 'op').transient, true);
    assert.equal(httpError(400, {}, errorsBody({ code: 'DENIED', message: 'x' }), 'op').transient, false);
  });

  it('keeps Retry-After', () => {
    assert.equal(httpError(429, { 'retry-after': '7' }, '', 'op').retryAfterMs, 7000);
    assert.equal(httpError(503, { 'retry-after': ['2', '9'] }, '', 'op').retryAfterMs, 2000);
    assert.equal(httpError(503, {}, '', 'op').retryAfterMs, undefined);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  it('reads seconds', () => {
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 3 ', now), 3000);
  });
  it('reads an HTTP-date', () => {
    assert.equal(parseRetryAfter('Wed, 01 May 2024 12:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 01 May 2024 11:00:00 GMT', now), 0, 'a past date means now');
  });
  it('ignores what it cannot read', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('', now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});

describe('networkError', () => {
  const errno = (code: string, message = `connect ${code} 127.0.0.1:5000`) =>
    Object.assign(new Error(message), { code });

  for (const [name, err] of [
    ['ECONNRESET', errno('ECONNRESET', 'read ECONNRESET')],
    ['ECONNREFUSED', errno('ECONNREFUSED')],
    ['ETIMEDOUT', errno('ETIMEDOUT')],
    ['EAI_AGAIN', errno('EAI_AGAIN', 'getaddrinfo EAI_AGAIN ghcr.io')],
    ['undici socket error', errno('UND_ERR_SOCKET', 'other side closed')],
    ['undici headers timeout', errno('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error')],
    ['undici body timeout', errno('UND_ERR_BODY_TIMEOUT', 'Body Timeout Error')],
    [
      'a wrapped cause',
      Object.assign(new TypeError('fetch failed'), { cause: errno('ECONNRESET', 'read ECONNRESET') }),
    ],
    ['socket hang up', new Error('socket hang up')],
  ] as const) {
    it(`${name} is a transient E_NETWORK naming the operation`, () => {
      const e = networkError(err, 'PUT https://ghcr.io/v2/org/app/blobs/uploads/x');
      assert.ok(e instanceof RegistryError);
      assert.equal(e.code, 'E_NETWORK');
      assert.equal(e.transient, true);
      assert.ok(e.message.startsWith('PUT https://ghcr.io/v2/org/app/blobs/uploads/x: '), e.message);
      assert.equal(e.cause, err);
    });
  }

  it('adds the code when the message lacks it', () => {
    const e = networkError(errno('ECONNRESET', 'the connection dropped'), 'op');
    assert.equal(e.message, 'op: the connection dropped (ECONNRESET)');
  });

  for (const [name, err] of [
    ['self-signed certificate', errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')],
    ['unknown CA', errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify the first certificate')],
    [
      'host name mismatch',
      errno('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
    ],
    [
      'TLS to a plain HTTP port',
      errno('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'),
    ],
  ] as const) {
    it(`${name} is not transient and hints at --ca-file`, () => {
      const e = networkError(err, 'GET https://localhost:5000/v2/');
      assert.equal(e.code, 'E_NETWORK');
      assert.equal(isTransient(e), false);
      assert.match(e.hint ?? '', /--ca-file/);
    });
  }

  it('passes our own errors through unchanged', () => {
    const ours = new OepError('E_DIGEST', 'blob does not match');
    assert.equal(networkError(ours, 'op'), ours);
  });

  it('an unknown failure is not transient', () => {
    const e = networkError(new Error('something odd'), 'op');
    assert.equal(isTransient(e), false);
    assert.equal(e.message, 'op: something odd');
  });
});

describe('retryOperation', () => {
  function policy(retries: number, extra: Partial<RetryPolicy> = {}) {
    const lines: string[] = [];
    return { lines, policy: { retries, baseMs: 1, maxMs: 50, log: (l: string) => lines.push(l), ...extra } };
  }
  const transient = (msg = 'HTTP 503', retryAfterMs?: number) =>
    new RegistryError('E_REGISTRY', msg, {
      status: 503,
      transient: true,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });

  it('returns the first success without logging', async () => {
    const { lines, policy: p } = policy(3);
    assert.equal(await retryOperation('op', p, async () => 42), 42);
    assert.deepEqual(lines, []);
  });

  it('retries transient failures and logs each retry with its cause', async () => {
    const { lines, policy: p } = policy(3);
    const attempts: number[] = [];
    const got = await retryOperation('blob sha256:abc to ghcr.io/a/b', p, async (attempt) => {
      attempts.push(attempt);
      if (attempt < 2) throw transient(`boom ${attempt}`);
      return 'ok';
    });
    assert.equal(got, 'ok');
    assert.deepEqual(attempts, [0, 1, 2]);
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^retry 1\/3 of blob sha256:abc to ghcr\.io\/a\/b in \d+\.\d s: boom 0$/);
    assert.match(lines[1]!, /^retry 2\/3 of .* boom 1$/);
  });

  it('gives up after `retries` further attempts with the last error', async () => {
    const { lines, policy: p } = policy(2);
    let calls = 0;
    await assert.rejects(
      retryOperation('op', p, async () => {
        calls++;
        throw transient(`boom ${calls}`);
      }),
      (e: unknown) => e instanceof RegistryError && e.message === 'boom 3',
    );
    assert.equal(calls, 3);
    assert.equal(lines.length, 2);
  });

  it('never retries a non-transient failure', async () => {
    for (const err of [
      new RegistryError('E_AUTH', 'HTTP 401', { status: 401 }),
      new OepError('E_DIGEST', 'mismatch'),
      new Error('plain'),
    ]) {
      const { lines, policy: p } = policy(5);
      let calls = 0;
      await assert.rejects(
        retryOperation('op', p, async () => {
          calls++;
          throw err;
        }),
        (e: unknown) => e === err,
      );
      assert.equal(calls, 1);
      assert.deepEqual(lines, []);
    }
  });

  it('does not retry at all with retries 0', async () => {
    const { policy: p } = policy(0);
    let calls = 0;
    await assert.rejects(
      retryOperation('op', p, async () => {
        calls++;
        throw transient();
      }),
    );
    assert.equal(calls, 1);
  });

  it('waits for Retry-After, capped by maxMs', async () => {
    const { lines, policy: p } = policy(2, { maxMs: 120 });
    const times: number[] = [];
    await retryOperation('op', p, async (attempt) => {
      times.push(Date.now());
      if (attempt === 0) throw transient('HTTP 429', 60);
      if (attempt === 1) throw transient('HTTP 429', 3_600_000);
      return 'ok';
    });
    assert.match(lines[0]!, / in 0\.1 s: HTTP 429$/);
    assert.match(lines[1]!, / in 0\.1 s: HTTP 429$/, 'an hour is capped at maxMs');
    assert.ok(times[1]! - times[0]! >= 55, `waited ${times[1]! - times[0]!} ms for Retry-After 60 ms`);
    assert.ok(times[2]! - times[1]! >= 115, 'waited maxMs');
    assert.ok(times[2]! - times[1]! < 2000, 'did not wait an hour');
  });

  it('backs off exponentially, within maxMs', async () => {
    const { lines, policy: p } = policy(4, { baseMs: 20, maxMs: 40 });
    const times: number[] = [];
    await retryOperation('op', p, async (attempt) => {
      times.push(Date.now());
      if (attempt < 4) throw transient();
      return 'ok';
    });
    const waits = times.slice(1).map((t, i) => t - times[i]!);
    // Full jitter over the upper half: [b/2, b] for b = 20, 40, 40 (capped), 40.
    assert.ok(waits[0]! >= 9, `first wait ${waits[0]}`);
    for (const w of waits.slice(1)) assert.ok(w >= 19 && w < 1000, `wait ${w}`);
    assert.equal(lines.length, 4);
  });
});

describe('RegistryError.withContext and explained', () => {
  const base = new RegistryError('E_REGISTRY', 'HTTP 503 (UNAVAILABLE: busy)', {
    status: 503,
    diagnostics: [{ code: 'UNAVAILABLE', message: 'busy' }],
    transient: true,
    retryAfterMs: 2000,
    hint: 'try later',
  });

  it('withContext names the request and keeps every field, the original as the cause', () => {
    const e = base.withContext('uploading blob x');
    assert.ok(e instanceof RegistryError);
    assert.equal(e.message, 'uploading blob x: HTTP 503 (UNAVAILABLE: busy)');
    assert.deepEqual(
      [e.code, e.status, e.diagnostics, e.transient, e.retryAfterMs, e.hint, e.cause],
      ['E_REGISTRY', 503, base.diagnostics, true, 2000, 'try later', base],
    );
  });

  it('inContext does the same for an OepError that is no RegistryError, keeping its hint', () => {
    const plain = new OepError('E_AUTH', 'realm is not a URL', { hint: 'h' });
    const e = inContext(plain, 'reading manifest t');
    assert.ok(!(e instanceof RegistryError));
    assert.deepEqual(
      [e.code, e.message, e.hint, e.cause],
      ['E_AUTH', 'reading manifest t: realm is not a URL', 'h', plain],
    );
    assert.equal(inContext(base, 'w').message, `w: ${base.message}`);
  });

  it('explained changes code and hint, keeps message, status and diagnostics; a refusal is never transient', () => {
    const e = base.explained('E_REGISTRY', 'fix the redirects');
    assert.deepEqual(
      [e.code, e.message, e.status, e.diagnostics, e.transient, e.retryAfterMs, e.hint],
      ['E_REGISTRY', base.message, 503, base.diagnostics, true, undefined, 'fix the redirects'],
    );
    assert.equal(base.explained('E_AUTH', 'refused').transient, false);
  });
});
