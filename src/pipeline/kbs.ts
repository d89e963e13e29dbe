/**
 * KEK registration at a Key Broker Service, as coco_keyprovider does with `--kbs-url` and an admin key: a fresh
 * 32-byte KEK is POSTed to the KBS resource API `/kbs/v0/resource/REPO/TYPE/TAG` (the keyid's path) as
 * application/octet-stream, authorized by a JWT signed with the Ed25519 admin key (EdDSA). Unlike
 * coco_keyprovider, a non-2xx answer fails (an image whose KEK no KBS holds opens in no guest), plain http is
 * refused but to a loopback host (the KEK would cross the network in the clear), and the token lives 5 minutes
 * (not 2 hours) with a random jti, so a token seen in a proxy log is soon worthless.
 *
 * The KEKs of a run are made when its recipients are resolved (KbsRegistrar.recipient, synchronous like every
 * other recipient) and registered once, by register(), as the run's last step before anything becomes visible:
 * after the image is pushed by digest, read back and gated, before its tags (or once the output is written and
 * gated). A run that fails before then (a bad layout, an upload, the gate) never overwrites a KEK the KBS holds,
 * which images already pushed under a named keyid open with.
 */
import { createPrivateKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { SignJWT } from 'jose';
import { OepError } from '../errors.js';
import type { KeyRecipient } from '../ocicrypt/keys.js';
import { KEK_LENGTH, kekRecipient } from '../ocicrypt/keywrap/attestation-agent.js';
import { parseAttestationAgentParams } from '../ocicrypt/keywrap/attestation-agent-params.js';

const TOKEN_LIFETIME = '5m';
const BODY_CHARS = 200;
/** How much of a KBS's error body is read: enough to quote, never a body without end. */
const BODY_BYTES = 4096;
const URL_HINT = 'give the KBS as https://HOST[:PORT] (http:// only to 127.0.0.1, ::1 or localhost)';

/** A host whose traffic never leaves the machine: 127.0.0.0/8, ::1, localhost. */
function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' || hostname === '[::1]' || (isIPv4(hostname) && hostname.startsWith('127.'))
  );
}

/**
 * kbs-url checked: an http(s) URL without user info, plain http only to a loopback host. Never echoes user info:
 * a password in the URL would otherwise reach messages (fetch quotes the URL when it refuses one with
 * credentials); the KBS is authorized by the admin key alone.
 */
export function kbsUrlFrom(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Shown only without an @: what comes before one may be a password.
    const what = value.includes('@') ? 'the value' : JSON.stringify(value);
    throw new OepError('E_USAGE', `kbs-url: ${what} is not a URL`, { hint: URL_HINT });
  }
  const shown = `${url.protocol}//${url.host}`;
  if (url.username || url.password) {
    throw new OepError('E_USAGE', `kbs-url: ${shown} carries a user name or password`, {
      hint: `${URL_HINT}, without USER:PASSWORD@: the KBS is authorized by kbs-admin-key`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OepError('E_USAGE', `kbs-url: ${shown} is not an http(s) URL`, { hint: URL_HINT });
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new OepError(
      'E_USAGE',
      `kbs-url: ${shown} is plain http: the KEK would cross the network in the clear`,
      { hint: URL_HINT },
    );
  }
  return url;
}

/** The Ed25519 admin key (PKCS#8 PEM, as `openssl genpkey -algorithm ed25519` writes it). */
export function kbsAdminKey(data: Uint8Array, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(Buffer.from(data));
  } catch {
    throw new OepError('E_KEY', `${source}: cannot parse the KBS admin key`, {
      hint: 'give the Ed25519 private key (PKCS#8 PEM) whose public key the KBS trusts as admin',
    });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new OepError(
      'E_KEY',
      `${source}: the KBS admin key is ${key.asymmetricKeyType ?? 'unknown'}, not Ed25519`,
    );
  }
  return key;
}

/**
 * Text from a KBS (or a value of ours) fit for a message: control characters gone, any run of 32 or more
 * base64 or hex characters (a KEK or a token the KBS might echo) replaced, at most 200 characters.
 */
export function sanitized(text: string, max = BODY_CHARS): string {
  const line = text
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/[A-Za-z0-9+/=_-]{32,}/g, '[…]')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The resource path of a keyid `kbs://[ADDR]/REPO/TYPE/TAG[?Q]`: `REPO/TYPE/TAG`. */
function resourcePath(keyid: string): string {
  return new URL(keyid).pathname.replace(/^\//, '');
}

async function post(url: URL, token: string, kek: Buffer): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` },
      body: kek,
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const why = sanitized(err instanceof Error ? err.message : String(err));
    throw new OepError('E_NETWORK', `kbs-url: the KBS at ${url.origin} cannot be reached (${why})`, {
      hint: 'check kbs-url (--kbs-url) and that the KBS is up',
    });
  }
}

/** The admin token: EdDSA, 5 minutes, a random jti. */
function adminToken(admin: KeyObject): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(TOKEN_LIFETIME)
    .setJti(randomUUID())
    .sign(admin);
}

/** The start of a response body (at most BODY_BYTES), as text; the rest is not read. */
async function bodyStart(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // What was read is enough to quote; the status is the error.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, BODY_BYTES).toString('utf8');
}

/** Register a KEK under a keyid at the KBS; any non-2xx answer is an error that names the status. */
export async function registerKek(
  kbsUrl: string | URL,
  admin: KeyObject,
  kek: Buffer,
  keyid: string,
): Promise<void> {
  const base = kbsUrl instanceof URL ? kbsUrl : kbsUrlFrom(kbsUrl);
  const url = new URL(`/kbs/v0/resource/${resourcePath(keyid)}`, base);
  const res = await post(url, await adminToken(admin), kek);
  if (res.ok) return;
  const body = sanitized(await bodyStart(res));
  const auth = res.status === 401 || res.status === 403;
  const said = `the KBS at ${url.origin} refused the KEK for ${keyid}: answered ${res.status}${body ? ` (${body})` : ''}`;
  throw auth
    ? new OepError('E_AUTH', `kbs-admin-key: ${said}`, {
        hint: 'the KBS does not trust this admin key: check its auth public key',
      })
    : new OepError('E_PROVIDER', `kbs-url: ${said}`, { hint: 'check the KBS logs' });
}

interface Pending {
  kek: Buffer;
  keyid: string;
  /** The user named the keyid: the resource there is overwritten. */
  named: boolean;
}

/**
 * The KBS of one run (kbs-url, kbs-admin-key) and the KEKs it is to hold: one per recipient
 * `provider:attestation-agent[:keyid=ID]` without keypath, registered once, in register().
 */
export class KbsRegistrar {
  readonly #pending: Pending[] = [];
  #registered: Promise<void> | undefined;

  constructor(
    readonly url: URL,
    readonly admin: KeyObject,
  ) {}

  /** Whether any recipient takes its KEK from this KBS. */
  get used(): boolean {
    return this.#pending.length > 0;
  }

  /** A fresh KEK under the keyid (coco_keyprovider's default `kbs:///default/image-kek/UUID` if none). */
  recipient(params: string, input = 'provider:attestation-agent'): KeyRecipient {
    const p: { keypath?: string; keyid?: string } =
      params === '' ? {} : parseAttestationAgentParams(params, input);
    if (p.keypath) {
      throw new OepError('E_USAGE', `${input}: keypath and kbs-url exclude each other`, {
        hint: 'give keypath=FILE to use a KEK the KBS already holds, or --kbs-url to generate and register one',
      });
    }
    const keyid = p.keyid ?? `kbs:///default/image-kek/${randomUUID()}`;
    const kek = randomBytes(KEK_LENGTH);
    this.#pending.push({ kek, keyid, named: p.keyid !== undefined });
    return kekRecipient(kek, keyid, `KEK registered at ${this.url.origin}`);
  }

  /** POST every KEK of the run, in order; once, however often it is called. */
  register(log: (line: string) => void = () => {}): Promise<void> {
    this.#registered ??= (async () => {
      for (const p of this.#pending) {
        if (p.named) {
          log(
            `kbs-url: the KBS resource ${resourcePath(p.keyid)} is replaced by a fresh KEK: images encrypted for the KEK it held no longer open in guests (leave keyid out for a new kbs:///default/image-kek/UUID each run)`,
          );
        }
        await registerKek(this.url, this.admin, p.kek, p.keyid);
        log(`registered a fresh KEK at ${this.url.origin} as ${p.keyid}`);
      }
    })();
    return this.#registered;
  }
}
