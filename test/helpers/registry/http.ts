/**
 * A minimal HTTP(S) client for the harness and the registry tests' own assertions (undici is not a dependency
 * here): one request, whole body buffered, never follows redirects, trusts an extra CA when given. Not for the
 * code under test, which brings its own client.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
  json<T = unknown>(): T;
}

export interface SimpleRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** CA file to trust (PEM), for the test PKI. */
  caFile?: string;
  /** Give up after this long (default 10 s): a stalled server fails the request instead of the test timing out. */
  timeoutMs?: number;
}

export function fetchSimple(url: string, opts: SimpleRequest = {}): Promise<SimpleResponse> {
  const u = new URL(url);
  const https = u.protocol === 'https:';
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  const headers: Record<string, string | number> = { ...opts.headers };
  if (body) headers['content-length'] = body.length;
  return new Promise((resolve, reject) => {
    const reqOpts = {
      method: opts.method ?? 'GET',
      headers,
      timeout: opts.timeoutMs ?? 10_000,
      agent: false as const, // a fresh connection each time: no keep-alive state leaks between assertions
      ...(https && opts.caFile ? { ca: readFileSync(opts.caFile) } : {}),
    };
    const req = (https ? httpsRequest : httpRequest)(u, reqOpts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: buf,
          text: () => buf.toString('utf8'),
          json: <T>() => JSON.parse(buf.toString('utf8')) as T,
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs ?? 10_000} ms: ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Parse a `WWW-Authenticate: Bearer k="v",k2="v2"` challenge into its parameters. */
export function parseChallenge(header: string | undefined): {
  scheme: string;
  params: Record<string, string>;
} {
  const h = header ?? '';
  const sp = h.indexOf(' ');
  const scheme = sp < 0 ? h : h.slice(0, sp);
  const params: Record<string, string> = {};
  for (const m of h.slice(sp + 1).matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) params[m[1]!] = m[2]!;
  return { scheme, params };
}
