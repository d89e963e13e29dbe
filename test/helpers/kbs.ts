/**
 * A small Key Broker Service on 127.0.0.1 for the KEK registration tests: the resource API
 * `POST /kbs/v0/resource/REPO/TYPE/TAG` as Trustee's KBS serves it, guarded as it is by an admin JWT that must be
 * EdDSA-signed by the admin key it trusts. It checks more than the KBS does, so the tests hold us to it: the
 * protected header is exactly {alg: EdDSA, typ: JWT}, the token lives 5 minutes (exp - iat = 300), carries a jti
 * never seen before, and the body is application/octet-stream. What passes is stored; anything else is a 401
 * with Trustee's message. `status` makes it answer that status (and `body`) to every verified request instead.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { keyPair, type KeyPair } from './fixtures.js';

export interface Stored {
  method: string;
  /** The request path: /kbs/v0/resource/REPO/TYPE/TAG. */
  path: string;
  type: string | undefined;
  body: Buffer;
}

export interface TestKbs {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The key the KBS trusts as admin. */
  admin: KeyPair;
  /** Registrations it accepted, in order. */
  stored: Stored[];
  /** Why it refused requests (a failed check), in order. */
  refused: string[];
  /** The admin key's PKCS#8 PEM written to dir/name (0600); its path. */
  writeAdminKey(dir: string, name?: string): string;
  /** The KEK stored last, written to dir/name; its path. */
  writeStoredKek(dir: string, name?: string): string;
}

export interface KbsOptions {
  /** Answer every verified request with this status (and body) instead of storing it. */
  status?: number;
  body?: string | ((req: Stored) => string);
  /** Awaited before a verified request is answered: a test looks at the world as it is when the KBS is asked. */
  before?: (req: Stored) => Promise<void>;
}

const TOKEN_SECONDS = 300;

async function check(req: IncomingMessage, body: Buffer, admin: KeyPair, jtis: Set<string>): Promise<Stored> {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const { payload } = await jwtVerify(token, admin.publicKey, { algorithms: ['EdDSA'] });
  const header = decodeProtectedHeader(token);
  if (JSON.stringify(header) !== JSON.stringify({ alg: 'EdDSA', typ: 'JWT' }))
    throw new Error(`header ${JSON.stringify(header)}`);
  if (payload.exp === undefined || payload.iat === undefined || payload.exp - payload.iat !== TOKEN_SECONDS)
    throw new Error(`lifetime ${String(payload.exp)} - ${String(payload.iat)}`);
  if (typeof payload.jti !== 'string' || payload.jti.length < 16 || jtis.has(payload.jti))
    throw new Error(`jti ${String(payload.jti)}`);
  jtis.add(payload.jti);
  if (req.method !== 'POST' || !/^\/kbs\/v0\/resource\/[^/]+\/[^/]+\/[^/]+$/.test(req.url ?? ''))
    throw new Error(`${req.method} ${req.url}`);
  const type = req.headers['content-type'];
  if (type !== 'application/octet-stream') throw new Error(`content-type ${type}`);
  return { method: req.method, path: req.url!, type, body };
}

/** Start a test KBS trusting `admin` (a fresh Ed25519 key by default); closed after the test file. */
export async function startKbs(opts: KbsOptions = {}, admin: KeyPair = keyPair('ed25519')): Promise<TestKbs> {
  const stored: Stored[] = [];
  const refused: string[] = [];
  const jtis = new Set<string>();
  const answer = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    check(req, body, admin, jtis)
      .then(async (got) => {
        await opts.before?.(got);
        if (opts.status === undefined) {
          stored.push(got);
          res.writeHead(200).end();
        } else {
          const text = typeof opts.body === 'function' ? opts.body(got) : (opts.body ?? '');
          res.writeHead(opts.status, { 'content-type': 'text/plain' }).end(text);
        }
      })
      .catch((err: unknown) => {
        refused.push(String(err));
        res.writeHead(401).end('{"detail":"Admin Token could not be verified"}');
      });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    admin,
    stored,
    refused,
    writeAdminKey: (dir, name = 'kbs-admin.key') => {
      writeFileSync(join(dir, name), admin.privatePem, { mode: 0o600 });
      return join(dir, name);
    },
    writeStoredKek: (dir, name = 'kek') => {
      const last = stored.at(-1);
      if (!last) throw new Error('the KBS stored no KEK');
      writeFileSync(join(dir, name), last.body, { mode: 0o600 });
      return join(dir, name);
    },
  };
}
