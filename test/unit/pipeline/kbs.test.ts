import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { attestationAgentKbsRecipient } from '../../../src/pipeline/kbs.js';
import { tempDir } from '../../helpers/fixtures.js';

const admin = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const dir = tempDir();
const adminFile = join(dir, 'admin.key');
const strangerFile = join(dir, 'stranger.key');
writeFileSync(adminFile, admin.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(strangerFile, stranger.privateKey.export({ type: 'pkcs8', format: 'pem' }));

interface Stored {
  method: string;
  path: string;
  type: string | undefined;
  body: Buffer;
}

/** A small KBS: checks the admin JWT (EdDSA, the admin public key, a 2-hour token) and stores what it gets. */
function kbs(store: Stored[], status?: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      jwtVerify(token, admin.publicKey, { algorithms: ['EdDSA'] })
        .then(({ payload }) => {
          assert.deepEqual(decodeProtectedHeader(token), { alg: 'EdDSA', typ: 'JWT' });
          assert.equal(payload.exp! - payload.iat!, 7200);
          const body = Buffer.concat(chunks);
          store.push({ method: req.method!, path: req.url!, type: req.headers['content-type'], body });
          res.writeHead(status ?? 200).end();
        })
        .catch(() => res.writeHead(401).end('{"detail":"Admin Token could not be verified"}'));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

describe('KEK registration at a KBS', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  test('a fresh KEK is POSTed under the keyid with a valid admin JWT; the recipient wraps with it', async () => {
    const store: Stored[] = [];
    const { url, server } = await kbs(store);
    servers.push(server);
    const r = await attestationAgentKbsRecipient('keyid=kbs:///default/image-kek/app', url, adminFile);
    assert.equal(store.length, 1);
    assert.equal(store[0]!.method, 'POST');
    assert.equal(store[0]!.path, '/kbs/v0/resource/default/image-kek/app');
    assert.equal(store[0]!.type, 'application/octet-stream');
    assert.equal(store[0]!.body.length, 32);
    assert.ok(
      r.key.export().equals(store[0]!.body),
      'the registered KEK is the one the recipient wraps with',
    );
    assert.equal(r.kid, 'kbs:///default/image-kek/app');
    assert.ok(!r.source.includes(store[0]!.body.toString('hex')));
  });

  test('no keyid: coco_keyprovider default kbs:///default/image-kek/UUID', async () => {
    const store: Stored[] = [];
    const { url, server } = await kbs(store);
    servers.push(server);
    const r = await attestationAgentKbsRecipient('', url, adminFile);
    assert.match(r.kid!, /^kbs:\/\/\/default\/image-kek\/[0-9a-f-]{36}$/);
    assert.equal(store[0]!.path, `/kbs/v0/resource${new URL(r.kid!).pathname}`);
  });

  test('a non-2xx answer fails: 401 for an untrusted admin key, 500 names the status', async () => {
    const { url, server } = await kbs([]);
    servers.push(server);
    await assert.rejects(attestationAgentKbsRecipient('', url, strangerFile), {
      name: 'OepError',
      code: 'E_AUTH',
      message: /refused the KEK .* answered 401 \(.*could not be verified/,
    });
    const failing = await kbs([], 500);
    servers.push(failing.server);
    await assert.rejects(attestationAgentKbsRecipient('', failing.url, adminFile), {
      code: 'E_REGISTRY',
      message: /answered 500/,
    });
  });

  test('bad inputs: keypath with --kbs-url, a non-Ed25519 admin key, an unreachable KBS', async () => {
    await assert.rejects(attestationAgentKbsRecipient('keypath=k', 'http://127.0.0.1:1', adminFile), {
      code: 'E_USAGE',
      message: /keypath and --kbs-url/,
    });
    const rsa = join(dir, 'rsa.key');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    await assert.rejects(attestationAgentKbsRecipient('', 'http://127.0.0.1:1', rsa), {
      code: 'E_KEY',
      message: /rsa, not Ed25519/,
    });
    await assert.rejects(attestationAgentKbsRecipient('', 'http://127.0.0.1:1', adminFile), {
      code: 'E_NETWORK',
      message: /cannot be reached/,
    });
  });
});
