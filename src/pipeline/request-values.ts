/**
 * The value checks of a request, one per kind of input: each takes the raw string a front end read, applies the
 * one default, and fails with the one message every front end prints. Messages name the input by its contract
 * name (`retries: …`); where the command line spells it differently, the hint says so.
 */
import { dirname, resolve } from 'node:path';
import { OepError } from '../errors.js';
import { checkWritableFolder, readCaPath, readKeyFile } from '../host/files.js';
import { CA_HINT, checkCaBundle } from './ca.js';
import { kbsAdminKey, KbsRegistrar, kbsUrlFrom, sanitized } from './kbs.js';
import { parseRecipients, recipientsFromSpec, type Recipient } from './keys.js';
import type { Providers } from './providers.js';
import { parsePlatformList } from './selection.js';

/** The inputs a request is built from, keyed by the contract's names (action.yml, CLI flags without `--`). */
export type InputName =
  | 'layout'
  | 'ref-name'
  | 'image'
  | 'tags'
  | 'public-keys'
  | 'recipients'
  | 'encrypt-layers'
  | 'platforms'
  | 'username'
  | 'password'
  | 'tls-verify'
  | 'ca-cert'
  | 'retries'
  | 'verify'
  | 'output'
  | 'digest-file'
  | 'report'
  | 'results-dir'
  | 'show-summary'
  | 'attestations'
  | 'keyprovider-config'
  | 'kbs-url'
  | 'kbs-admin-key'
  | 'from'
  | 'private-keys'
  | 'rekey'
  | 'verify-private-keys'
  | 'expect-recipients'
  | 'config-secrets'
  | 'push-by-digest'
  | 'sources'
  | 'digests-dir'
  | 'require-encrypted';

export const DEFAULT_RETRIES = 3;

export function inputError(name: InputName, message: string, hint?: string): OepError {
  return new OepError('E_USAGE', `${name}: ${message}`, hint ? { hint } : {});
}

/** True when `text` starts with the input name as a word (`layout: …`, `layout x …`), not `layouts/…`. */
export function startsWithName(text: string, name: string): boolean {
  return text === name || text.startsWith(`${name}:`) || text.startsWith(`${name} `);
}

export function parseBool(name: InputName, value: string | undefined, dflt: boolean): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw inputError(
    name,
    `${JSON.stringify(value)} is not true or false`,
    `write true or false; on the command line --${name}=false`,
  );
}

export function retriesFrom(value: string | undefined): number {
  if ((value ?? '').trim() === '') return DEFAULT_RETRIES;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20) {
    throw inputError(
      'retries',
      `${JSON.stringify(value)} is not a whole number from 0 to 20`,
      `the default is ${DEFAULT_RETRIES}; on the command line --retries N`,
    );
  }
  return n;
}

/**
 * ca-cert (`--ca-file`) takes PEM text, a path to a PEM file, or a folder of *.crt/*.pem files. Every
 * certificate must parse: Node's TLS silently ignores a CA it cannot read, and the user would get "certificate
 * not trusted" instead.
 */
export function caFrom(value: string | undefined): string | undefined {
  const v = (value ?? '').trim();
  if (!v) return undefined;
  if (v.includes('-----BEGIN ')) return checkCaBundle(v, 'the PEM text', 'ca-cert');
  // Multi-line junk is probably a mangled secret: do not echo it.
  const source = v.includes('\n') ? 'the value' : v;
  let text: string;
  try {
    const texts = readCaPath(v);
    if (texts.length === 0) throw inputError('ca-cert', `${v} holds no *.crt or *.pem file`, CA_HINT);
    text = texts.join('\n');
  } catch (err) {
    if (err instanceof OepError) throw err;
    // A FIFO, device or huge file is refused as such (host/files.ts says which), not as unreadable.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EINVAL' || code === 'EFBIG') throw inputError('ca-cert', (err as Error).message, CA_HINT);
    throw inputError('ca-cert', `${source} is neither PEM text nor a readable file`, CA_HINT);
  }
  return checkCaBundle(text, source, 'ca-cert');
}

/**
 * The image to push: `image`, or else the first full reference among `tags` (metadata-action style). Bare tags
 * with no image have no repository to go to: an error, not a silent layout-only run.
 */
export function imageFrom(inputs: { image?: string; tags: string[] }): { image?: string; tags: string[] } {
  const image = (inputs.image ?? '').trim();
  if (image) return { image, tags: inputs.tags };
  const first = inputs.tags.find((t) => t.includes('/'));
  if (!first) {
    if (inputs.tags.length === 0) return { tags: [] };
    throw inputError(
      'tags',
      `${inputs.tags.join(', ')}: bare tags, and image is empty, so there is no repository to push them to`,
      'set image (REGISTRY/REPOSITORY), or give full references in tags',
    );
  }
  return { image: first, tags: inputs.tags.filter((t) => t !== first) };
}

export function platformsFrom(value: string | undefined) {
  try {
    return parsePlatformList(value);
  } catch (err) {
    if (err instanceof OepError) throw inputError('platforms', err.message, err.hint);
    throw err;
  }
}

/** An error about a key named by a path (`keys/a.pem is a private key`) names the input it came from first. */
export function fromInput<T>(name: InputName, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OepError && !startsWithName(err.message, name)) {
      throw new OepError(err.code, `${name}: ${err.message}`, { hint: err.hint, cause: err });
    }
    throw err;
  }
}

/** public-keys (key text from a secret) and recipients (`jwe:FILE` specs), all parsed and checked. */
export function recipientsFrom(
  inputs: { 'public-keys'?: string; recipients: string[] },
  providers?: Providers,
): Recipient[] {
  const out: Recipient[] = [];
  const text = inputs['public-keys'] ?? '';
  if (text.trim()) out.push(...fromInput('public-keys', () => parseRecipients(text, 'public-keys')));
  for (const spec of inputs.recipients) {
    out.push(...fromInput('recipients', () => recipientsFromSpec(spec, 'recipients', providers)));
  }
  if (out.length === 0) {
    throw new OepError(
      'E_NO_RECIPIENT',
      'public-keys and recipients are both empty: there is no key to encrypt for',
      {
        hint: 'give a public key: public-keys: ${{ secrets.IMAGE_PUBLIC_KEY }} (PEM), --recipient jwe:pub.pem, or the encryption-keys workspace or RECIPIENTS in Tekton',
      },
    );
  }
  return out;
}

/** A result file's folder must be writable before the work: a typo must not fail the run after the push. */
export function writablePath(name: InputName, value: string | undefined): string | undefined {
  const path = (value ?? '').trim();
  if (!path) return undefined;
  const dir = name === 'results-dir' ? resolve(path) : dirname(resolve(path));
  try {
    checkWritableFolder(dir);
  } catch (err) {
    throw new OepError(
      'E_OUTPUT',
      `${name}: cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { hint: `its folder must exist and be writable: create it first, or give another path to --${name}` },
    );
  }
  return path;
}

/**
 * kbs-url and kbs-admin-key (the Ed25519 admin key: PEM text, or the path of its file) register the KEKs of
 * `provider:attestation-agent` recipients without keypath at a KBS: both or neither. The key is never echoed.
 */
export function kbsFrom(url: string | undefined, adminKey: string | undefined): KbsRegistrar | undefined {
  const u = (url ?? '').trim();
  const k = (adminKey ?? '').trim();
  if (!u && !k) return undefined;
  if (!u || !k) {
    const [empty, set] = u ? ['kbs-admin-key', 'kbs-url'] : ['kbs-url', 'kbs-admin-key'];
    throw inputError(
      empty as InputName,
      `is empty but ${set} is set: registering a KEK at a KBS takes kbs-url and kbs-admin-key together`,
      'give both (--kbs-url URL --kbs-admin-key FILE: the Ed25519 key the KBS trusts as admin), or neither',
    );
  }
  const endpoint = kbsUrlFrom(u);
  if (k.includes('-----BEGIN '))
    return new KbsRegistrar(endpoint, kbsAdminKey(Buffer.from(k), 'kbs-admin-key'));
  let data: Buffer;
  try {
    data = readKeyFile(k, 'kbs-admin-key');
  } catch {
    // A value that is no file may be a mangled secret: quoted only sanitised (no long base64 run).
    const shown = k.includes('\n') ? 'the value' : sanitized(k);
    throw new OepError('E_KEY', `kbs-admin-key ${shown} is neither PEM text nor a readable file`, {
      hint: 'give the Ed25519 admin key as PEM text (a secret) or the path of its file',
    });
  }
  return new KbsRegistrar(endpoint, kbsAdminKey(data, `kbs-admin-key ${k}`));
}
