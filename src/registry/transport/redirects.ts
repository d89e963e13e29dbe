/**
 * Which redirects a registry client follows (GET and HEAD only: an upload is never replayed elsewhere), and where
 * it stops. Blob GETs may redirect to storage on another origin (design.md): Authorization never goes there, and
 * withAuth takes no challenge from its answers. Here: at most MAX_REDIRECTS hops, never from https to http (a
 * signed storage URL, or the bytes themselves, would travel in clear), http(s) only.
 */
import { RegistryError } from './errors.js';
import { discard, type HttpRequest, type HttpResponse, type Send } from './http.js';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** A URL for messages: origin and path, never the query (storage redirects carry signatures there). */
export function showUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * The next URL to request after `res` (the answer to hop number `hop`, 0 for the first request), or undefined
 * when `res` is the final answer. Throws when the redirect must not be followed.
 */
export function nextHop(
  method: HttpRequest['method'],
  res: HttpResponse,
  hop: number,
  what: string,
): URL | undefined {
  const location = res.headers.location;
  if ((method !== 'GET' && method !== 'HEAD') || !REDIRECT_STATUS.has(res.status) || !location) {
    return undefined;
  }
  let next: URL;
  try {
    next = new URL(Array.isArray(location) ? location[0]! : location, res.url);
  } catch {
    throw new RegistryError('E_REGISTRY', `${what}: ${res.url.host} redirected to an invalid URL`, {
      status: res.status,
    });
  }
  const fix = `the registry at ${res.url.host} or its storage is misconfigured: ask its operator to fix its redirects`;
  if (hop >= MAX_REDIRECTS) {
    throw new RegistryError(
      'E_REGISTRY',
      `${what}: more than ${MAX_REDIRECTS} redirects (the last from ${showUrl(res.url)} to ${showUrl(next)})`,
      { status: res.status, hint: fix },
    );
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new RegistryError('E_REGISTRY', `${what}: redirected to a ${next.protocol} URL`, {
      status: res.status,
      hint: fix,
    });
  }
  if (res.url.protocol === 'https:' && next.protocol === 'http:') {
    throw new RegistryError(
      'E_REGISTRY',
      `${what}: ${res.url.host} redirected from https to plain ${showUrl(next)}, which is refused`,
      { status: res.status, hint: fix },
    );
  }
  return next;
}

/**
 * Follow redirects in code (nextHop). The Authorization header goes only to hops on the origin of the first
 * request (the one it was made for); the body only with the first request.
 */
export function withRedirects(send: Send): Send {
  return async (req) => {
    const what = req.what ?? `${req.method} ${showUrl(req.url)}`;
    const { authorization, ...anywhere } = req.headers ?? {};
    let target = req.url;
    for (let hop = 0; ; hop++) {
      const own = target.origin === req.url.origin && authorization !== undefined;
      const res = await send({
        ...req,
        url: target,
        headers: own ? { ...anywhere, authorization } : anywhere,
        body: hop === 0 ? req.body : undefined,
      });
      let next: URL | undefined;
      try {
        next = nextHop(req.method, res, hop, what);
      } catch (err) {
        await discard(res);
        throw err;
      }
      if (!next) return res;
      await discard(res);
      target = next;
    }
  };
}
