/**
 * A tiny HTTP server on 127.0.0.1 (never another interface) for transport tests: it records every request
 * with its body and hands it to the test's handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { Agent } from 'undici';
import { createSend, type Send } from '../../../src/registry/transport/http.js';

export interface Recorded {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

export interface Loopback {
  origin: string;
  host: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function loopback(handler: Handler): Promise<Loopback> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: Recorded = {
        method: req.method ?? '',
        url: new URL(req.url ?? '/', 'http://127.0.0.1'),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(rec);
      Promise.resolve(handler(rec, res)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  after(close);
  return { origin: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, requests, close };
}

/** Reply with JSON. */
export function json(
  res: ServerResponse,
  status: number,
  doc: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(doc);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export const TRANSPORT = { tlsVerify: true, timeoutMs: 5000, env: {}, userAgent: 'oep-test' };

/** A real send over undici with its own agent, closed when the test file ends. */
export function testSend(): Send {
  const agent = new Agent();
  after(() => agent.close());
  return createSend(TRANSPORT, agent);
}
