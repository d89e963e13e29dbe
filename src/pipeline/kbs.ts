/**
 * KEK registration at a Key Broker Service, as coco_keyprovider does with `--kbs-url` and an admin key: a fresh
 * 32-byte KEK is POSTed to the KBS resource API `/kbs/v0/resource/REPO/TYPE/TAG` (the keyid's path) as
 * application/octet-stream, authorized by a JWT signed with the Ed25519 admin key (EdDSA, valid 2 hours). Unlike
 * coco_keyprovider, a non-2xx answer fails: an image whose KEK no KBS holds opens in no guest.
 */
import { createPrivateKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { OepError } from '../errors.js';
import { readKeyFile } from '../host/files.js';
import type { KeyRecipient } from '../ocicrypt/keys.js';
import { KEK_LENGTH, kekRecipient } from '../ocicrypt/keywrap/attestation-agent.js';
import { parseAttestationAgentParams } from '../ocicrypt/keywrap/attestation-agent-params.js';

const TOKEN_LIFETIME = '2h';

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
    const why = err instanceof Error ? err.message : String(err);
    throw new OepError('E_NETWORK', `the KBS at ${url.origin} cannot be reached (${why})`, {
      hint: 'check --kbs-url',
    });
  }
}

/** Register a KEK under a keyid at the KBS; any non-2xx answer is an error that names the status. */
export async function registerKek(
  kbsUrl: string,
  admin: KeyObject,
  kek: Buffer,
  keyid: string,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(`/kbs/v0/resource/${resourcePath(keyid)}`, kbsUrl);
  } catch {
    throw new OepError('E_USAGE', `--kbs-url ${kbsUrl} is not a URL`, {
      hint: 'e.g. https://kbs.example:8080',
    });
  }
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(TOKEN_LIFETIME)
    .sign(admin);
  const res = await post(url, token, kek);
  if (res.ok) return;
  const body = (await res.text().catch(() => '')).replace(/\s+/g, ' ').slice(0, 200);
  const auth = res.status === 401 || res.status === 403;
  throw new OepError(
    auth ? 'E_AUTH' : 'E_REGISTRY',
    `the KBS refused the KEK for ${keyid}: ${url.pathname} answered ${res.status}${body ? ` (${body})` : ''}`,
    {
      hint: auth ? 'the KBS does not trust this admin key: check its auth public key' : 'check the KBS logs',
    },
  );
}

/**
 * `provider:attestation-agent:[keyid=ID]` with `--kbs-url` and an admin key and no keypath: a fresh KEK,
 * registered at the KBS under the keyid (coco_keyprovider's default `kbs:///default/image-kek/UUID` if none).
 */
export async function attestationAgentKbsRecipient(
  params: string,
  kbsUrl: string,
  adminKeyFile: string,
  input = 'provider:attestation-agent',
): Promise<KeyRecipient> {
  const p: { keypath?: string; keyid?: string } =
    params === '' ? {} : parseAttestationAgentParams(params, input);
  if (p.keypath) {
    throw new OepError('E_USAGE', `${input}: keypath and --kbs-url exclude each other`, {
      hint: 'give keypath=FILE to use a KEK the KBS already holds, or --kbs-url to generate and register one',
    });
  }
  const keyid = p.keyid ?? `kbs:///default/image-kek/${randomUUID()}`;
  const admin = kbsAdminKey(readKeyFile(adminKeyFile, '--kbs-admin-key'), adminKeyFile);
  const kek = randomBytes(KEK_LENGTH);
  await registerKek(kbsUrl, admin, kek, keyid);
  return kekRecipient(kek, keyid, `KEK registered at ${new URL(kbsUrl).origin}`);
}
