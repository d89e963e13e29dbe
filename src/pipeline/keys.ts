/** Key inputs shared by the front ends: recipient specs (`jwe:FILE`) and the parsers, re-exported. */
import { existsSync, readFileSync } from 'node:fs';
import { OepError } from '../errors.js';
import { parseRecipients, type Recipient } from '../ocicrypt/keys.js';
import { keyWrapper } from '../ocicrypt/keywrap/registry.js';

export {
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
  type Recipient,
} from '../ocicrypt/keys.js';

/** Read a key file, with an error that names the input it came from. */
export function readKeyFile(path: string, input: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new OepError(
      'E_KEY',
      `${input} ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        hint: 'check the path',
      },
    );
  }
}

/**
 * `SCHEME:FILE` for a scheme the engine has a key wrapper for (`jwe`), or a bare FILE meaning `jwe:FILE`
 * (skopeo's --encryption-key takes it with its prefix). Other protocols (pkcs7, pgp, provider) are refused by
 * name until their wrapper exists.
 */
export function recipientsFromSpec(spec: string, input: string): Recipient[] {
  const m = /^([a-z0-9]+):(.*)$/.exec(spec);
  const prefixed = m !== null && !existsSync(spec);
  const scheme = prefixed ? m[1]! : 'jwe';
  const file = prefixed ? m[2]! : spec;
  if (!keyWrapper(scheme)) {
    throw new OepError('E_UNSUPPORTED', `${input} ${spec}: the ${scheme} protocol is not supported`, {
      hint: 'use jwe:FILE with an RSA or EC public key',
    });
  }
  return parseRecipients(readKeyFile(file, input), file, scheme);
}
