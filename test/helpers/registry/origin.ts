/**
 * A tiny HTTP or HTTPS server on one loopback address (127.0.0.2, 127.0.0.3: other origins on this machine, as
 * Linux routes all of 127/8 to lo) that records every request, headers included, and answers with the test's
 * handler. It plays the hosts a registry client must be careful with: a blob redirect target, a token realm
 * named by someone else. Tests assert on `requests` (what that host received), e.g. no Authorization.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { issueServerCert, sharedPki } from './tls.js';

export interface OriginRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: IncomingMessage['headers'];
}

export interface Origin {
  /** e.g. https://127.0.0.2:40111 */
  url: string;
  /** 127.0.0.2:40111 */
  host: string;
  requests: OriginRequest[];
  close(): Promise<void>;
}

export type OriginHandler = (req: OriginRequest, res: ServerResponse, origin: Origin) => void;

const certs = new Map<string, { certFile: string; keyFile: string }>();

/** A certificate for `address` from the shared test CA, made once per process. */
function certFor(address: string): { certFile: string; keyFile: string } {
  let c = certs.get(address);
  if (!c) {
    const dir = mkdtempSync(join(tmpdir(), 'oep-origin-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    c = issueServerCert(sharedPki().server, dir, [address]);
    certs.set(address, c);
  }
  return c;
}

/** Start a server on `address` (never 0.0.0.0), HTTPS with a certificate from the shared CA unless `tls: false`. */
export async function startOrigin(
  t: TestContext,
  address: string,
  handler: OriginHandler,
  opts: { tls?: boolean } = {},
): Promise<Origin> {
  const tls = opts.tls ?? true;
  const requests: OriginRequest[] = [];
  const box: { self?: Origin } = {};
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const rec = { method: req.method ?? '', path: req.url ?? '/', headers: req.headers };
    requests.push(rec);
    req.resume();
    req.on('end', () => handler(rec, res, box.self!));
  };
  const cert = tls ? certFor(address) : undefined;
  const server = cert
    ? createHttpsServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, handle)
    : createHttpServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const self: Origin = {
    url: `${tls ? 'https' : 'http'}://${address}:${port}`,
    host: `${address}:${port}`,
    requests,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
  box.self = self;
  t.after(() => self.close());
  return self;
}

/** Answer with a status, headers and no body. */
export function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...headers });
  res.end();
}
