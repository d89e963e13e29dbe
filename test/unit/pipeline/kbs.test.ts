import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { kbsUrlFrom, sanitized } from '../../../src/pipeline/kbs.js';
import { fromStrings, kbsFrom, type RequestStrings } from '../../../src/pipeline/request.js';
import { createEngine } from '../../../src/index.js';
import { keyPair, makeLayout, tempDir } from '../../helpers/fixtures.js';
import { startKbs } from '../../helpers/kbs.js';

const dir = tempDir();
const host = { env: {}, userAgent: 'test' };

describe('KEK registration at a KBS', () => {
  test('a fresh KEK is POSTed under the keyid with a 5-minute EdDSA JWT; the recipient wraps with it', async () => {
    const kbs = await startKbs();
    const registrar = kbsFrom(kbs.url, kbs.writeAdminKey(dir))!;
    const r = registrar.recipient('keyid=kbs:///default/image-kek/app');
    assert.equal(kbs.stored.length, 0, 'nothing is registered before register()');
    const lines: string[] = [];
    await registrar.register((l) => lines.push(l));
    await registrar.register((l) => lines.push(l));
    assert.deepEqual(kbs.refused, []);
    assert.equal(kbs.stored.length, 1, 'registered once');
    assert.equal(kbs.stored[0]!.path, '/kbs/v0/resource/default/image-kek/app');
    assert.equal(kbs.stored[0]!.body.length, 32);
    assert.ok(
      r.key.export().equals(kbs.stored[0]!.body),
      'the registered KEK is the one the recipient wraps with',
    );
    assert.equal(r.kid, 'kbs:///default/image-kek/app');
    const hex = kbs.stored[0]!.body.toString('hex');
    const b64 = kbs.stored[0]!.body.toString('base64');
    assert.ok(![r.source, ...lines].some((l) => l.includes(hex) || l.includes(b64)), 'the KEK is shown');
    assert.equal(lines.length, 2);
    assert.match(
      lines[0]!,
      /resource default\/image-kek\/app is replaced by a fresh KEK: images encrypted for the KEK it held no longer open.*kbs:\/\/\/default\/image-kek\/UUID/,
    );
    assert.equal(lines[1], `registered a fresh KEK at ${kbs.url} as kbs:///default/image-kek/app`);
  });

  test('no keyid: coco_keyprovider default kbs:///default/image-kek/UUID, no overwrite warning; a jti each', async () => {
    const kbs = await startKbs();
    const registrar = kbsFrom(kbs.url, kbs.admin.privatePem)!;
    const a = registrar.recipient('');
    const b = registrar.recipient('');
    const lines: string[] = [];
    await registrar.register((l) => lines.push(l));
    assert.deepEqual(kbs.refused, [], 'every token is fresh (its own jti) and lives 5 minutes');
    assert.match(a.kid!, /^kbs:\/\/\/default\/image-kek\/[0-9a-f-]{36}$/);
    assert.notEqual(a.kid, b.kid);
    assert.deepEqual(
      kbs.stored.map((s) => s.path),
      [a, b].map((r) => `/kbs/v0/resource${new URL(r.kid!).pathname}`),
    );
    assert.ok(
      lines.every((l) => l.startsWith('registered a fresh KEK')),
      lines.join('\n'),
    );
  });

  test('a non-2xx answer fails: 401 for an untrusted admin key, 500 names the status', async () => {
    const kbs = await startKbs();
    const stranger = keyPair('ed25519');
    const untrusted = kbsFrom(kbs.url, stranger.privatePem)!;
    untrusted.recipient('');
    await assert.rejects(untrusted.register(), {
      name: 'OepError',
      code: 'E_AUTH',
      message: /^kbs-admin-key: the KBS at .* refused the KEK .* answered 401 \(.*could not be verified/,
    });
    const failing = await startKbs({ status: 500, body: 'database down' });
    const registrar = kbsFrom(failing.url, failing.admin.privatePem)!;
    registrar.recipient('');
    await assert.rejects(registrar.register(), {
      code: 'E_PROVIDER',
      message: /^kbs-url: .*answered 500 \(database down\)$/,
    });
  });

  test("the KBS's error body is quoted sanitised: no control characters, no KEK, at most ~200 characters", async () => {
    const kbs = await startKbs({
      status: 400,
      body: (req) =>
        `bad \x1b[31mresource\r\nkek=${req.body.toString('base64')} hex=${req.body.toString('hex')} ${'x '.repeat(300)}`,
    });
    const registrar = kbsFrom(kbs.url, kbs.admin.privatePem)!;
    registrar.recipient('');
    const err = await registrar.register().then(
      () => assert.fail('a 400 was accepted'),
      (e: Error) => e,
    );
    assert.equal(kbs.stored.length, 0);
    assert.match(err.message, /answered 400 \(bad \[31mresource \[…\] \[…\] x x/);
    assert.doesNotMatch(err.message, /[\x00-\x1f\x7f]/);
    assert.doesNotMatch(err.message, /[A-Za-z0-9+/=]{32,}/, 'a long base64 or hex run is quoted');
    const quoted = /answered 400 \((.*)\)$/.exec(err.message)![1]!;
    assert.ok(quoted.length <= 201, `${quoted.length} characters quoted`);
    assert.equal(sanitized('a\u202eb'), 'a b', 'bidi controls go too');
  });

  test('an endless error body: the first KiBs are quoted, the rest is not read', async () => {
    // A KBS (or what answers in its place) that never ends its body must neither hang the run nor fill memory.
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.write('storage failed: ');
      const timer = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const registrar = kbsFrom(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        keyPair('ed25519').privatePem,
      )!;
      registrar.recipient('');
      const started = Date.now();
      await assert.rejects(registrar.register(), {
        code: 'E_PROVIDER',
        message: /answered 500 \(storage failed: \[…\]/,
      });
      assert.ok(Date.now() - started < 10_000, 'the body was read to its end (or the timeout)');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('kbs-url with user info is refused, without echoing it', () => {
    for (const url of [
      'https://admin:s3cr3t-pw@kbs.example',
      'http://admin:s3cr3t-pw@127.0.0.1:8080',
      'https://admin:s3cr3t-pw@[kbs.example',
    ]) {
      assert.throws(
        () => kbsUrlFrom(url),
        (err: Error & { code?: string; hint?: string }) => {
          assert.equal(err.code, 'E_USAGE');
          assert.match(err.message, /^kbs-url: .*(user name or password|is not a URL)/);
          assert.ok(!`${err.message} ${err.hint}`.includes('s3cr3t'), err.message);
          return true;
        },
      );
    }
  });

  test('kbs-url: https anywhere, plain http only to a loopback host', () => {
    for (const ok of [
      'https://kbs.example:8080',
      'http://127.0.0.1:8080',
      'http://127.1.2.3',
      'http://localhost:1',
      'http://[::1]:8080',
    ])
      assert.equal(kbsUrlFrom(ok).href, new URL(ok).href);
    for (const [bad, why] of [
      [
        'http://kbs.example:8080',
        /kbs-url: http:\/\/kbs\.example:8080 is plain http: the KEK would cross the network in the clear/,
      ],
      ['http://10.0.0.1', /plain http/],
      ['http://127.0.0.1.nip.io', /plain http/],
      ['http://[::ffff:7f00:1]', /plain http/],
      ['ftp://127.0.0.1', /is not an http\(s\) URL/],
      ['kbs.example:8080', /is not an http\(s\) URL/],
      ['not a url', /is not a URL/],
    ] as const)
      assert.throws(() => kbsUrlFrom(bad), { code: 'E_USAGE', message: why }, bad);
  });

  test('bad inputs: keypath with kbs-url, a non-Ed25519 admin key, a file that is not there, an unreachable KBS', async () => {
    const admin = keyPair('ed25519').privatePem;
    assert.throws(() => kbsFrom('http://127.0.0.1:1', admin)!.recipient('keypath=k::keyid=kbs:///a/b/c'), {
      code: 'E_USAGE',
      message: /keypath and kbs-url exclude each other/,
    });
    const rsa = join(dir, 'rsa.key');
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(rsa, rsaKey.export({ type: 'pkcs8', format: 'pem' }));
    assert.throws(() => kbsFrom('http://127.0.0.1:1', rsa), {
      code: 'E_KEY',
      message: /^kbs-admin-key .*rsa\.key: the KBS admin key is rsa, not Ed25519$/,
    });
    const secretish = 'MC4CAQAwBQYDK2VwBCIEIHh0ZXN0LW5vdC1hLXJlYWwta2V5LWF0LWFsbC0wMQ==';
    assert.throws(
      () => kbsFrom('http://127.0.0.1:1', secretish),
      (err: Error) => {
        assert.match(err.message, /^kbs-admin-key \[…\] is neither PEM text nor a readable file$/);
        return true;
      },
    );
    const unreachable = kbsFrom('http://127.0.0.1:1', admin)!;
    unreachable.recipient('');
    await assert.rejects(unreachable.register(), {
      code: 'E_NETWORK',
      message: /^kbs-url: .*cannot be reached/,
    });
  });
});

describe('kbs-url and kbs-admin-key in the request', () => {
  const admin = keyPair('ed25519').privatePem;
  const encrypt = (s: RequestStrings) => () =>
    fromStrings('encrypt', { layout: 'image', output: 'out', ...s }, host);

  test('one without the other: one E_USAGE error naming both', () => {
    for (const [s, first] of [
      [{ 'kbs-url': 'https://kbs.example' }, 'kbs-admin-key'],
      [{ 'kbs-admin-key': admin }, 'kbs-url'],
    ] as const) {
      assert.throws(encrypt({ ...s, recipients: ['provider:attestation-agent'] }), {
        code: 'E_USAGE',
        message: new RegExp(
          `^${first}: is empty but kbs-(url|admin-key) is set: .*kbs-url and kbs-admin-key together`,
        ),
      });
    }
  });

  test('given, but no recipient takes its KEK from the KBS: an error, not silence', () => {
    const kek = join(dir, 'kek');
    writeFileSync(kek, Buffer.alloc(32, 1));
    const pub = keyPair('p256');
    writeFileSync(join(dir, 'pub.pem'), pub.publicPem);
    const kbs = { 'kbs-url': 'https://kbs.example', 'kbs-admin-key': admin };
    assert.throws(encrypt({ ...kbs, recipients: [`jwe:${join(dir, 'pub.pem')}`] }), {
      code: 'E_USAGE',
      message: /^kbs-url: is set, but no recipient takes its KEK from the KBS$/,
    });
    assert.throws(
      encrypt({ ...kbs, recipients: [`provider:attestation-agent:keypath=${kek}::keyid=kbs:///a/b/c`] }),
      {
        code: 'E_USAGE',
        message: /keypath and kbs-url exclude each other/,
      },
    );
  });

  test('the recipients of the KBS are in the request; the key text is in no message', () => {
    const req = encrypt({
      'kbs-url': 'https://kbs.example',
      'kbs-admin-key': admin,
      recipients: ['provider:attestation-agent', 'provider:attestation-agent:keyid=kbs:///team/key/app'],
    })();
    assert.equal(req.recipients.length, 2);
    assert.equal(req.recipients[1]!.kid, 'kbs:///team/key/app');
    assert.ok(req.kbs?.used);
    assert.ok(!JSON.stringify(req.recipients).includes(admin.split('\n')[1]!));
  });
});

describe('the library: kbsUrl and kbsAdminKey', () => {
  test('encrypt registers the KEK and logs it; the same options without kbsAdminKey fail naming both', async () => {
    const kbs = await startKbs();
    const layout = join(dir, 'lib-layout');
    makeLayout(layout, { layers: [{ files: { a: 'library' } }] });
    const lines: string[] = [];
    const engine = createEngine({ log: (l) => lines.push(l) });
    const opts = { layout, recipients: ['provider:attestation-agent'], kbsUrl: kbs.url };
    await assert.rejects(engine.encrypt({ ...opts, output: join(dir, 'lib-bad') }), {
      code: 'E_USAGE',
      message: /^kbs-admin-key: is empty but kbs-url is set/,
    });
    const r = await engine.encrypt({
      ...opts,
      kbsAdminKey: kbs.admin.privatePem,
      output: join(dir, 'lib-enc'),
    });
    assert.equal(kbs.stored.length, 1);
    const kid = `kbs://${kbs.stored[0]!.path.replace('/kbs/v0/resource', '')}`;
    assert.ok(lines.includes(`registered a fresh KEK at ${kbs.url} as ${kid}`), lines.join('\n'));
    assert.equal(r.recipients?.[0]?.source, `KEK registered at ${kbs.url}`);
  });
});
