/**
 * A loopback HTTP-level fault injector between a client and a registry (or the token issuer): design.md's
 * "faults are injected by a loopback proxy" — 5xx, 429 + Retry-After, resets mid-blob, stalls, corrupted bodies.
 *
 *   const proxy = await startFaultProxy(registry);         // same TLS-ness as the target
 *   proxy.when('PATCH', /\/blobs\/uploads\//).resetAfterBytes(64 * 1024);
 *   proxy.when('*', /^\/v2\/$/).fail(503, 2);              // 503 twice, then pass through
 *   ... push to proxy.host ...
 *   assert.deepEqual(proxy.log.map((e) => e.status), [...]);
 *
 * It is a reverse proxy, not a CONNECT proxy: the client talks to proxy.url as if it were the registry. Against
 * an https target it serves HTTPS with the shared test certificate (127.0.0.1/localhost, same CA as the
 * registry, so the client's --ca-file does not change); against http it serves plain HTTP.
 *
 * Why HTTP-level rather than TCP: faults must hit one request (a PATCH of a blob, the PUT of a manifest), which
 * means seeing method and path through TLS. Bodies stream both ways with backpressure (a blob is never held
 * whole). The upstream sees Host = the target, so with distribution's default absolute URLs its Location headers
 * name the target; the proxy rewrites those to its own origin so a client keeps talking to the proxy.
 */
import {
  createServer as createHttpServer,
  request as httpRequest,
  Agent as HttpAgent,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { createHash, type Hash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { Transform } from 'node:stream';
import { sharedPki, type Pki, type ServerTls } from './tls.js';

export type FaultKind = 'fail' | 'reset' | 'stall' | 'corrupt';

export interface FaultRule {
  kind: FaultKind;
  /** Upper-case method, or '*' for any. */
  method: string;
  /** Tested against the request target as sent (path + query). Avoid the /g flag (stateful lastIndex). */
  path: RegExp;
  /** How many more requests it will hit (Infinity: all). A rule at 0 is spent and ignored. */
  remaining: number;
  /** How many requests it has hit. */
  hits: number;
}

export interface FailOptions {
  /** Retry-After header value: seconds, or an HTTP date string. */
  retryAfter?: number | string;
  /** Response body (default: a distribution-style {"errors":[...]} JSON). */
  body?: string;
  headers?: Record<string, string>;
}

export interface FaultBuilder {
  /** Answer `status` instead of forwarding, for the next `times` matching requests (default 1). */
  fail(status: number, times?: number, opts?: FailOptions): FaultRule;
  /**
   * Forward the first n bytes of the request body, then reset the client connection (RST where the socket
   * allows, a plain destroy on TLS) and abort the upstream request. A body of n bytes or fewer is forwarded
   * whole and the connection is reset instead of relaying the answer (the upstream may have acted on it).
   */
  resetAfterBytes(n: number, times?: number): FaultRule;
  /**
   * Accept the request and send nothing for ms, then forward it (or, with then: 'reset', reset the connection).
   * A client that gives up meanwhile is simply dropped.
   */
  stall(ms: number, times?: number, opts?: { then?: 'forward' | 'reset' }): FaultRule;
  /**
   * Forward the request, and flip the bits of byte `offset` of the answer's body (same length, same headers): a
   * blob served with other bytes than were stored, as a bad disk or a meddling proxy would serve it.
   */
  corruptByte(offset?: number, times?: number): FaultRule;
}

export interface ProxyLogEntry {
  method: string;
  /** Request target as sent by the client (path + query). */
  path: string;
  /** Status sent to the client; undefined when the connection was reset or the client went away first. */
  status: number | undefined;
  /** The fault applied, if any. */
  fault: FaultKind | undefined;
  /** Request body bytes forwarded upstream. */
  requestBytes: number;
  /** sha256:… of those bytes (a retried upload must send the same bytes again). */
  requestDigest(): string;
  /** Error talking to the upstream (answered 502), if any. */
  error?: string;
  /** The Authorization header the client sent (tests check which credentials reached which host). */
  authorization: string | undefined;
}

export interface FaultProxy {
  /** Origin the client should use, e.g. https://127.0.0.1:40111 */
  url: string;
  /** '127.0.0.1:PORT', for image references. */
  host: string;
  /** CA that signs the proxy's certificate (https only). */
  caFile: string | undefined;
  /** The upstream origin. */
  target: string;
  /** Start a fault rule for requests with this method ('*' for any) whose path+query matches. */
  when(method: string, path: RegExp): FaultBuilder;
  /** Rules in the order they are tried (first live match wins). */
  readonly faults: FaultRule[];
  /** Drop all rules. */
  clearFaults(): void;
  /** Every request seen, in arrival order (entries are completed as the exchange ends). */
  readonly log: ProxyLogEntry[];
  /** HTTPS proxy: connections that failed the TLS handshake, e.g. a client speaking plain HTTP to it. */
  readonly tlsClientErrors: number;
  close(): Promise<void>;
}

export interface FaultProxyTarget {
  url: string;
  /** CA to verify an https target with (default: the shared PKI's). */
  caFile?: string | undefined;
  /** Certificate to serve when the target is https (default: the shared PKI's server certificate). */
  tls?: ServerTls | undefined;
}

// Hop-by-hop headers (RFC 9110 7.6.1) plus Host (set to the target) and Expect (node answers 100-continue
// to the client itself; the upstream gets a plain request).
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

function forwardHeaders(h: IncomingMessage['headers']): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  return out;
}

function reset(socket: Socket): void {
  // resetAndDestroy sends a TCP RST (ECONNRESET at the client); TLS sockets reject it, so fall back to destroy.
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

/** A pass-through that inverts the byte at `offset` of the stream. */
function flipByte(offset: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (offset >= seen && offset < seen + chunk.length) {
        const copy = Buffer.from(chunk);
        copy[offset - seen] = copy[offset - seen]! ^ 0xff;
        chunk = copy;
      }
      seen += chunk.length;
      cb(null, chunk);
    },
  });
}

const ERROR_CODES: Record<number, string> = { 429: 'TOOMANYREQUESTS', 401: 'UNAUTHORIZED', 404: 'NOT_FOUND' };

export async function startFaultProxy(
  target: FaultProxyTarget,
  opts: { pki?: Pki } = {},
): Promise<FaultProxy> {
  const pki = opts.pki ?? sharedPki();
  const up = new URL(target.url);
  const tls = up.protocol === 'https:';
  const serverTls = target.tls ?? pki.server;
  const agent = tls
    ? new HttpsAgent({ keepAlive: true, ca: readFileSync(target.caFile ?? pki.server.caFile) })
    : new HttpAgent({ keepAlive: true });
  const faults: FaultRule[] = [];
  const log: ProxyLogEntry[] = [];
  /** The running hash of each request body forwarded so far. */
  const bodyHash = new WeakMap<ProxyLogEntry, Hash>();
  const timers = new Set<NodeJS.Timeout>();
  const failOpts = new WeakMap<FaultRule, FailOptions & { status: number }>();
  const stallOpts = new WeakMap<FaultRule, { ms: number; then: 'forward' | 'reset' }>();
  const resetOpts = new WeakMap<FaultRule, number>();
  const corruptOpts = new WeakMap<FaultRule, number>();
  let origin = '';

  function pick(method: string, path: string): FaultRule | undefined {
    const rule = faults.find(
      (r) => r.remaining > 0 && (r.method === '*' || r.method === method) && r.path.test(path),
    );
    if (rule) {
      rule.remaining--;
      rule.hits++;
    }
    return rule;
  }

  function rewriteLocation(v: string): string {
    // Absolute Locations naming the target are moved to the proxy; relative ones and other origins stay.
    try {
      const u = new URL(v);
      if (u.origin === up.origin) return `${origin}${u.pathname}${u.search}${u.hash}`;
    } catch {
      /* relative */
    }
    return v;
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    entry: ProxyLogEntry,
    resetAt: number | undefined,
    corruptAt?: number,
  ): void {
    const upReq = (tls ? httpsRequest : httpRequest)({
      protocol: up.protocol,
      hostname: up.hostname,
      port: up.port,
      method: req.method,
      path: req.url,
      headers: { ...forwardHeaders(req.headers), host: up.host },
      agent,
    });
    let cut = false;
    const cutNow = () => {
      if (cut) return;
      cut = true;
      req.pause();
      upReq.destroy();
      reset(req.socket);
    };
    upReq.on('error', (e) => {
      if (cut) return;
      entry.error = e.message;
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`fault proxy: upstream error: ${e.message}`);
      } else res.destroy();
    });
    upReq.on('response', (upRes) => {
      if (cut) return upRes.resume();
      if (resetAt !== undefined) {
        // The body was short: it all went upstream; the client never sees the answer.
        upRes.resume();
        return cutNow();
      }
      const headers = forwardHeaders(upRes.headers);
      if (typeof headers.location === 'string') headers.location = rewriteLocation(headers.location);
      res.writeHead(upRes.statusCode ?? 502, headers);
      if (corruptAt === undefined) upRes.pipe(res);
      else upRes.pipe(flipByte(corruptAt)).pipe(res);
      upRes.on('error', () => res.destroy());
    });
    // Stream the request body with backpressure, counting bytes, cutting at resetAt.
    req.on('data', (chunk: Buffer) => {
      if (cut) return;
      if (resetAt !== undefined && entry.requestBytes + chunk.length >= resetAt) {
        const part = chunk.subarray(0, resetAt - entry.requestBytes);
        entry.requestBytes += part.length;
        bodyHash.get(entry)?.update(part);
        // Let the partial chunk reach the upstream before cutting, so it really saw n bytes.
        if (part.length > 0) upReq.write(part, () => cutNow());
        else cutNow();
        return;
      }
      entry.requestBytes += chunk.length;
      bodyHash.get(entry)?.update(chunk);
      if (!upReq.write(chunk)) {
        req.pause();
        upReq.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (!cut) upReq.end();
    });
    req.on('error', () => upReq.destroy());
    res.on('close', () => {
      // Client went away before the answer was complete: stop talking to the upstream too.
      if (!res.writableFinished) upReq.destroy();
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const entry: ProxyLogEntry = {
      method,
      path,
      status: undefined,
      fault: undefined,
      requestBytes: 0,
      requestDigest: () => `sha256:${hash.copy().digest('hex')}`,
      authorization: req.headers.authorization,
    };
    const hash = createHash('sha256');
    bodyHash.set(entry, hash);
    log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const rule = pick(method, path);
    entry.fault = rule?.kind;
    if (!rule) return forward(req, res, entry, undefined);
    switch (rule.kind) {
      case 'fail': {
        const o = failOpts.get(rule) ?? { status: 500 };
        const status = o.status;
        const code = ERROR_CODES[status] ?? 'UNAVAILABLE';
        const body =
          o.body ??
          JSON.stringify({ errors: [{ code, message: `fault proxy: injected ${status}`, detail: null }] });
        req.resume(); // discard whatever body the client sends
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'docker-distribution-api-version': 'registry/2.0',
          ...(o.retryAfter !== undefined ? { 'retry-after': String(o.retryAfter) } : {}),
          ...o.headers,
        });
        res.end(body);
        return;
      }
      case 'reset': {
        const n = resetOpts.get(rule) ?? 0;
        // n = 0: reset on the request line, nothing reaches the upstream.
        if (n <= 0) return reset(req.socket);
        return forward(req, res, entry, n);
      }
      case 'corrupt':
        return forward(req, res, entry, undefined, corruptOpts.get(rule) ?? 0);
      case 'stall': {
        const s = stallOpts.get(rule) ?? { ms: 0, then: 'forward' };
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (res.destroyed || req.socket.destroyed) return;
          if (s.then === 'reset') reset(req.socket);
          else forward(req, res, entry, undefined);
        }, s.ms);
        timers.add(timer);
        res.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  }

  const server: Server = tls
    ? createHttpsServer(
        { cert: readFileSync(serverTls.certFile), key: readFileSync(serverTls.keyFile) },
        handle,
      )
    : createHttpServer(handle);
  let tlsClientErrors = 0;
  server.on('tlsClientError', () => tlsClientErrors++);
  // A stalled request must not be cut by node's own server timeouts.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  function add(kind: FaultKind, method: string, path: RegExp, times: number): FaultRule {
    const rule: FaultRule = {
      kind,
      method: method === '*' ? '*' : method.toUpperCase(),
      path,
      remaining: times,
      hits: 0,
    };
    faults.push(rule);
    return rule;
  }

  let closing: Promise<void> | undefined;
  return {
    url: origin,
    host: `127.0.0.1:${port}`,
    caFile: tls ? serverTls.caFile : undefined,
    target: up.origin,
    faults,
    log,
    get tlsClientErrors() {
      return tlsClientErrors;
    },
    when(method, path) {
      return {
        fail(status, times = 1, o = {}) {
          const rule = add('fail', method, path, times);
          failOpts.set(rule, { ...o, status });
          return rule;
        },
        resetAfterBytes(n, times = 1) {
          const rule = add('reset', method, path, times);
          resetOpts.set(rule, n);
          return rule;
        },
        stall(ms, times = 1, o = {}) {
          const rule = add('stall', method, path, times);
          stallOpts.set(rule, { ms, then: o.then ?? 'forward' });
          return rule;
        },
        corruptByte(offset = 0, times = 1) {
          const rule = add('corrupt', method, path, times);
          corruptOpts.set(rule, offset);
          return rule;
        },
      };
    },
    clearFaults() {
      faults.length = 0;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return closing;
    },
  };
}
