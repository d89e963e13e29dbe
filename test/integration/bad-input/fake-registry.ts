/**
 * Small Distribution-speaking servers on 127.0.0.1 that answer wrongly on purpose, for the bad-input catalogue.
 * Each personality is its own server (its own /v2/ answer); the `ok` one serves layouts registered by repository
 * and accepts pushes, misbehaving for repositories named `bad/*`. Every manifest PUT it accepts is recorded, so
 * a row can assert that nothing was pushed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';

export type Personality = 'ok' | 'not-registry' | 'down' | 'negotiate' | 'bad-realm' | 'token-garbage';

export interface FakeRegistry {
  /** host:port of the server with that personality. */
  host(p: Personality): string;
  /** Serve a layout's only manifest (and its blobs) as REPO:latest; corrupt its blobs if asked. */
  serve(repo: string, layout: string, opts?: { corruptBlobs?: boolean }): void;
  /** Manifest PUTs that were accepted (`repo reference`), across all rows. */
  manifestPuts(): string[];
}

interface Served {
  layout: string;
  manifest: Buffer;
  mediaType: string;
  corruptBlobs: boolean;
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer = '',
) {
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function digestOf(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}

async function drain(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function okHandler(served: Map<string, Served>, puts: string[]) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://x');
    await drain(req);
    if (url.pathname === '/v2/')
      return send(res, 200, { 'docker-distribution-api-version': 'registry/2.0' }, '{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    const repo = m?.[1] ?? /^\/v2\/(.+)\/blobs\/uploads\//.exec(url.pathname)?.[1] ?? '';
    if (req.method === 'POST') return send(res, 202, { location: `/v2/${repo}/blobs/uploads/u1` });
    if (req.method === 'PUT' && url.pathname.includes('/blobs/uploads/')) {
      const digest = url.searchParams.get('digest') ?? '';
      const stored = repo === 'bad/digest-header' ? `sha256:${'0'.repeat(64)}` : digest;
      return send(res, 201, { 'docker-content-digest': stored });
    }
    if (!m) return send(res, 404, {}, '{"errors":[{"code":"NAME_UNKNOWN"}]}');
    const [, , kind, ref] = m;
    if (kind === 'manifests' && req.method === 'PUT') {
      if (repo === 'bad/manifest-500')
        return send(res, 500, {}, '{"errors":[{"code":"UNKNOWN","message":"disk full"}]}');
      puts.push(`${repo} ${ref}`);
      return send(res, 201, {});
    }
    if (kind === 'blobs' && req.method === 'HEAD') return send(res, 404, {});
    return serveRead(res, served.get(repo), repo, kind!, ref!);
  };
}

function serveRead(
  res: ServerResponse,
  s: Served | undefined,
  repo: string,
  kind: string,
  ref: string,
): void {
  if (kind === 'manifests') {
    if (repo === 'bad/not-json')
      return send(res, 200, { 'content-type': OCI_MANIFEST }, '{"schemaVersion": 2,');
    if (repo === 'bad/html') return send(res, 200, { 'content-type': 'text/html' }, '<html>hello</html>');
    if (repo === 'bad/huge')
      return send(res, 200, { 'content-type': OCI_MANIFEST }, Buffer.alloc(5 * 1024 * 1024, 32));
    if (!s) return send(res, 404, {}, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    if (ref !== 'latest' && ref !== digestOf(s.manifest)) {
      if (repo !== 'bad/wrong-digest') return send(res, 404, {}, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    }
    return send(
      res,
      200,
      { 'content-type': s.mediaType, 'docker-content-digest': digestOf(s.manifest) },
      s.manifest,
    );
  }
  if (!s) return send(res, 404, {}, '{"errors":[{"code":"BLOB_UNKNOWN"}]}');
  let blob: Buffer;
  try {
    blob = readFileSync(join(s.layout, 'blobs', 'sha256', ref.replace(/^sha256:/, '')));
  } catch {
    return send(res, 404, {}, '{"errors":[{"code":"BLOB_UNKNOWN"}]}');
  }
  if (s.corruptBlobs) blob = Buffer.from(blob.map((b, i) => (i === 40 ? b ^ 1 : b)));
  return send(res, 200, { 'content-type': 'application/octet-stream' }, blob);
}

function otherHandler(p: Exclude<Personality, 'ok'>, self: () => string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await drain(req);
    switch (p) {
      case 'not-registry':
        return send(res, 404, { 'content-type': 'text/html' }, '<html>not here</html>');
      case 'down':
        return send(res, 503, {}, 'maintenance');
      case 'negotiate':
        return send(res, 401, { 'www-authenticate': 'Negotiate' }, '');
      case 'bad-realm':
        return send(res, 401, { 'www-authenticate': 'Bearer realm="::not a url",service="x"' }, '');
      case 'token-garbage':
        if (req.url?.startsWith('/token')) return send(res, 200, { 'content-type': 'text/html' }, '<html>');
        return send(
          res,
          401,
          { 'www-authenticate': `Bearer realm="http://${self()}/token",service="x"` },
          '',
        );
    }
  };
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<Server> {
  const server = createServer((req, res) => {
    handler(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

export async function fakeRegistry(): Promise<FakeRegistry> {
  const served = new Map<string, Served>();
  const puts: string[] = [];
  const hosts = new Map<Personality, string>();
  const all: Personality[] = ['ok', 'not-registry', 'down', 'negotiate', 'bad-realm', 'token-garbage'];
  for (const p of all) {
    let host = '';
    const server = await listen(p === 'ok' ? okHandler(served, puts) : otherHandler(p, () => host));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    hosts.set(p, host);
  }
  return {
    host: (p) => hosts.get(p)!,
    serve(repo, layout, opts = {}) {
      const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
        manifests: { digest: string; mediaType: string }[];
      };
      const d = index.manifests[0]!;
      const manifest = readFileSync(join(layout, 'blobs', 'sha256', d.digest.slice(7)));
      served.set(repo, {
        layout,
        manifest,
        mediaType: d.mediaType,
        corruptBlobs: opts.corruptBlobs ?? false,
      });
    },
    manifestPuts: () => [...puts],
  };
}
