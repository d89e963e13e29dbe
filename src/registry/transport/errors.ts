/**
 * Registry failures as one structured type. The Distribution `errors[]` body is parsed (size-capped) so the
 * registry's own code and message reach the user, with a hint for the cases we know. Whether a failure is
 * worth retrying is decided here, from fixed sets, and nowhere else.
 */
import { OepError, type ErrorCode } from '../../errors.js';
import { escapeTerminal } from '../../escape.js';

export interface Diagnostic {
  code: string;
  message: string;
}

export class RegistryError extends OepError {
  readonly status: number | undefined;
  readonly diagnostics: Diagnostic[];
  /** Worth another try: 5xx, 408, 429, resets, timeouts. */
  readonly transient: boolean;
  /** From Retry-After, when the registry said how long to wait. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: {
      status?: number;
      diagnostics?: Diagnostic[];
      transient?: boolean;
      retryAfterMs?: number;
      hint?: string;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, { hint: opts.hint, cause: opts.cause });
    this.name = 'RegistryError';
    this.status = opts.status;
    this.diagnostics = opts.diagnostics ?? [];
    this.transient = opts.transient ?? false;
    this.retryAfterMs = opts.retryAfterMs;
  }

  /**
   * The same failure named from the request that met it (`what: message`): status, diagnostics, transience,
   * Retry-After and hint kept, this error as the cause. E.g. a token endpoint's refusal, told as the push's.
   */
  withContext(what: string): RegistryError {
    return new RegistryError(this.code, `${what}: ${this.message}`, {
      ...this.#facts(),
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
      cause: this,
    });
  }

  /**
   * The same answer explained better: another code and hint, the same message, status and diagnostics. A refusal
   * of credentials (E_AUTH) is never worth another try; otherwise transience is kept.
   */
  explained(code: ErrorCode, hint: string): RegistryError {
    const facts = this.#facts();
    return new RegistryError(code, this.message, {
      ...facts,
      transient: code !== 'E_AUTH' && facts.transient,
      hint,
    });
  }

  #facts(): { status?: number; diagnostics: Diagnostic[]; transient: boolean } {
    return {
      ...(this.status !== undefined ? { status: this.status } : {}),
      diagnostics: this.diagnostics,
      transient: this.transient,
    };
  }
}

/** An OepError told as the failure of `what`: a RegistryError keeps its fields (withContext), any other its hint. */
export function inContext(err: OepError, what: string): OepError {
  if (err instanceof RegistryError) return err.withContext(what);
  return new OepError(err.code, `${what}: ${err.message}`, { hint: err.hint, cause: err });
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(['TOOMANYREQUESTS', 'UNAVAILABLE']);

/** 408, 429 and the 5xx a server recovers from: worth another try whatever the body says. */
export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUS.has(status);
}

export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function parseDiagnostics(body: string): Diagnostic[] {
  try {
    const doc = JSON.parse(body) as { errors?: unknown };
    if (!Array.isArray(doc.errors)) return [];
    return doc.errors
      .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
      .map((e) => ({ code: String(e.code ?? ''), message: String(e.message ?? '') }));
  } catch {
    return [];
  }
}

/** A hint for the failures users meet most. */
function hintFor(status: number, diags: Diagnostic[], what: string): string | undefined {
  const codes = new Set(diags.map((d) => d.code));
  if (status === 401 || codes.has('UNAUTHORIZED')) {
    return 'log in first (docker login, or username/password) with an account that may push to this repository';
  }
  if (status === 403 || codes.has('DENIED')) return 'the account lacks push permission on this repository';
  if (codes.has('NAME_UNKNOWN'))
    return 'the repository does not exist and this registry does not create it on push';
  if (codes.has('MANIFEST_INVALID') || (status === 415 && what.includes('manifest'))) {
    return 'the registry refused the manifest: some registries refuse +encrypted layer media types';
  }
  if (codes.has('BLOB_UNKNOWN') && what.includes('manifest'))
    return 'a blob the manifest needs is missing in the registry';
  if (status === 429) return 'the registry is rate limiting; try again later or raise retries';
  return undefined;
}

export function httpError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  what: string,
): RegistryError {
  const diagnostics = parseDiagnostics(body);
  // The registry's words go into a message that reaches terminals and CI logs: escaped (the diagnostics stay raw).
  const detail = escapeTerminal(
    diagnostics.length
      ? diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ')
      : body.replace(/\s+/g, ' ').trim().slice(0, 200) || 'no details',
  );
  const retryAfter = headers['retry-after'];
  const transient = isTransientStatus(status) || diagnostics.some((d) => TRANSIENT_CODES.has(d.code));
  const code: ErrorCode = status === 401 || status === 403 ? 'E_AUTH' : 'E_REGISTRY';
  return new RegistryError(code, `${what}: HTTP ${status} (${detail})`, {
    status,
    diagnostics,
    transient,
    retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
    hint: hintFor(status, diagnostics, what),
  });
}

const TRANSIENT_NET =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|CLOSED)/;

/** A failure below HTTP (connection, TLS, timeout) as a RegistryError. */
export function networkError(err: unknown, what: string): OepError {
  if (err instanceof OepError) return err; // already ours: e.g. a digest check failing in a body stream
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e.code ?? e.cause?.code ?? '';
  const message = e.cause?.message ?? e.message ?? String(err);
  // Certificate problems only: a reset during the TLS handshake is a network hiccup, worth a retry.
  const tls =
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO|ERR_SSL_|ERR_TLS_|self[- ]signed|unable to verify|certificate|wrong version number/i.test(
      `${code} ${message}`,
    );
  return new RegistryError(
    'E_NETWORK',
    escapeTerminal(`${what}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`),
    {
      transient:
        !tls &&
        (TRANSIENT_NET.test(code) ||
          TRANSIENT_NET.test(message) ||
          /timeout|socket hang up|other side closed/i.test(message)),
      hint: tls
        ? 'the registry certificate is not trusted: pass its CA with --ca-file (ca-cert), or --tls-verify=false for a test registry'
        : undefined,
      cause: err,
    },
  );
}

export function isTransient(err: unknown): err is RegistryError {
  return err instanceof RegistryError && err.transient;
}

/**
 * The failure came before any HTTP answer could: the connection was refused, or TLS could not be set up (e.g.
 * the port speaks plain HTTP). Only then may --tls-verify=false try plain HTTP; a reset or a timeout once
 * a TLS connection stood is an HTTPS server failing, and no reason to send the same request in clear.
 */
export function failedBeforeResponse(err: unknown): boolean {
  if (!(err instanceof RegistryError) || err.code !== 'E_NETWORK') return false;
  const cause = err.cause as (NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }) | undefined;
  const code = cause?.code ?? cause?.cause?.code ?? '';
  return code === 'ECONNREFUSED' || code === 'EPROTO' || /^ERR_(SSL|TLS)_/.test(code);
}

/** The low-level code of a network failure (ECONNREFUSED, ERR_SSL_…), for a log line. */
export function networkCode(err: unknown): string {
  const cause = (err as { cause?: NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException } }).cause;
  return cause?.code ?? cause?.cause?.code ?? 'network error';
}
