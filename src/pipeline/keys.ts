/** Key inputs shared by the front ends: recipient specs (`jwe:FILE`) and the parsers, re-exported. */
import { OepError } from '../errors.js';
import { pathExists, readKeyFile } from '../host/files.js';
import {
  pairCertificates,
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
  type Recipient,
} from '../ocicrypt/keys.js';
import { keyWrapper } from '../ocicrypt/keywrap/registry.js';
import { isProviderSpec, providersFor, type Providers } from './providers.js';

export {
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
  type Recipient,
} from '../ocicrypt/keys.js';

/**
 * Key text given where a file name belongs (a library caller passing PEM as a spec): refused before the text
 * can reach a message or a warning, since a private key would be echoed whole.
 */
function refuseKeyText(spec: string, input: string): void {
  // A long base64 line is a key's body (a PEM cut at its BEGIN line), unless a file has that name.
  const body = /^[A-Za-z0-9+/]{40,}={0,2}$/.test(spec) && !pathExists(spec);
  if (body || spec.includes('\n') || spec.includes('-----') || spec.length > 4096) {
    throw new OepError('E_USAGE', `${input}: the value is key text, not the path of a key file`, {
      hint: 'give a file path; PEM text goes in public-keys (the library: publicKeys, or parsed keys)',
    });
  }
}

/**
 * `SCHEME:FILE` for a scheme the engine has a key wrapper for (`jwe`, `pkcs7`), or a bare FILE meaning
 * `jwe:FILE` (skopeo's --encryption-key takes it with its prefix). Key providers are
 * `provider:NAME[:PARAMS]`; other protocols (pgp) are refused by name.
 */
export function recipientsFromSpec(spec: string, input: string, providers?: Providers): Recipient[] {
  refuseKeyText(spec, input);
  if (isProviderSpec(spec)) return [(providers ?? providersFor({ env: {} })).recipient(spec, input)];
  const m = /^([a-z0-9]+):(.*)$/.exec(spec);
  const prefixed = m !== null && !pathExists(spec);
  const scheme = prefixed ? m[1]! : 'jwe';
  const file = prefixed ? m[2]! : spec;
  if (!keyWrapper(scheme)) {
    throw new OepError('E_UNSUPPORTED', `${input} ${spec}: the ${scheme} protocol is not supported`, {
      hint: 'use jwe:FILE with an RSA or EC public key, or pkcs7:CERT with an RSA certificate',
    });
  }
  return parseRecipients(readKeyFile(file, input), file, scheme);
}

/**
 * `FILE`, `FILE:PASSPHRASE`, `FILE:pass=PW`, `FILE:file=PWFILE`, `FILE:env=VAR`. The last two keep the
 * passphrase off the command line, where other users of the machine could read it; the others are accepted
 * (skopeo takes them) with a warning.
 */
export function decryptionKeysFromSpec(
  spec: string,
  env: Record<string, string | undefined>,
  warn: (line: string) => void,
  providers?: Providers,
  input = '--key',
): DecryptionKey[] {
  refuseKeyText(spec, input);
  if (isProviderSpec(spec)) return [(providers ?? providersFor({ env })).key(spec)];
  let file = spec;
  let passphrase: string | undefined;
  const colon = spec.indexOf(':');
  if (!pathExists(spec) && colon > 0) {
    file = spec.slice(0, colon);
    const rest = spec.slice(colon + 1);
    if (rest.startsWith('file='))
      passphrase = readKeyFile(rest.slice(5), `${input} passphrase file`)
        .toString('utf8')
        .replace(/\r?\n$/, '');
    else if (rest.startsWith('env=')) {
      passphrase = env[rest.slice(4)];
      if (passphrase === undefined) {
        throw new OepError('E_USAGE', `${input} ${file}: environment variable ${rest.slice(4)} is not set`);
      }
    } else {
      warn(
        `${input} ${file}: a passphrase on the command line is visible to other processes; prefer ${file}:file=PWFILE or ${file}:env=VAR`,
      );
      passphrase = rest.startsWith('pass=') ? rest.slice(5) : rest;
    }
  }
  return parseDecryptionKeys(readKeyFile(file, input), file, passphrase);
}

/** The keys of a decrypt (or rewrap): specs as above, or keys already parsed; at least one. */
export function decryptionKeysFrom(
  keys: readonly (string | DecryptionKey)[],
  env: Record<string, string | undefined>,
  warn: (line: string) => void,
  providers?: Providers,
  command: 'decrypt' | 'rewrap' = 'decrypt',
): DecryptionKey[] {
  if (!keys.length) {
    throw new OepError(
      'E_USAGE',
      `${command} needs at least one --key FILE (a private key) or --key provider:NAME`,
      {
        hint: 'run oci-encrypt-push --help',
      },
    );
  }
  return pairCertificates(
    keys.flatMap((k) => (typeof k === 'string' ? decryptionKeysFromSpec(k, env, warn, providers) : [k])),
  );
}

/**
 * A value that holds keys as a secret holds them and as files alike, read line by line: PEM blocks (several:
 * several keys) or one JWK value are key text; every other non-blank line is a spec as `--key` takes it (`FILE`,
 * `FILE:file=PWFILE`, `FILE:env=VAR`, `provider:NAME[:PARAMS]`). Nothing is skipped: a line outside a block that
 * names no key fails as a file that cannot be read, so a gate never checks fewer keys than were listed.
 */
export function decryptionKeysFromText(
  text: string,
  env: Record<string, string | undefined>,
  warn: (line: string) => void,
  providers: Providers | undefined,
  input: string,
): DecryptionKey[] {
  const { keyText, specs } = splitKeyText(text);
  const parsed = keyText ? parseDecryptionKeys(Buffer.from(keyText, 'utf8'), input) : [];
  return pairCertificates([
    ...parsed,
    ...specs.flatMap((spec) => decryptionKeysFromSpec(spec, env, warn, providers, input)),
  ]);
}

function splitKeyText(text: string): { keyText: string; specs: string[] } {
  const lines = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const specs = lines.filter((l) => isProviderSpec(l));
  const rest = lines.filter((l) => !isProviderSpec(l));
  // A JWK (object or set) spans lines of JSON: all of it is key text.
  if (/^[{[]/.test(rest[0] ?? '')) return { keyText: rest.join('\n'), specs };
  const key: string[] = [];
  let open = false;
  for (const line of rest) {
    // An END line outside a block: a key cut at its start, whose base64 lines must not be read as file
    // names (they would be echoed in messages); the PEM reader refuses the whole value by line number.
    if (!open && line.includes('-----END')) return { keyText: rest.join('\n'), specs };
    if (line.includes('-----BEGIN')) open = true;
    if (open) key.push(line);
    else specs.push(line);
    if (line.includes('-----END')) open = false;
  }
  return { keyText: key.join('\n'), specs };
}
