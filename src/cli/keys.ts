/** Turning CLI key arguments into keys: `jwe:FILE` recipients and `FILE[:PASSPHRASE]` decryption keys. */
import { existsSync, readFileSync } from 'node:fs';
import { OepError } from '../errors.js';
import {
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
  type Recipient,
} from '../pipeline/keys.js';

function readKeyFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new OepError(
      'E_KEY',
      `${flag} ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        hint: 'check the path',
      },
    );
  }
}

/** `jwe:FILE`, or a bare FILE meaning the same (as skopeo's --encryption-key takes it with its prefix). */
export function recipientsFromSpec(spec: string): Recipient[] {
  const m = /^([a-z0-9]+):(.*)$/.exec(spec);
  const scheme = m && !existsSync(spec) ? m[1]! : 'jwe';
  const file = m && !existsSync(spec) ? m[2]! : spec;
  if (scheme !== 'jwe') {
    throw new OepError('E_UNSUPPORTED', `--recipient ${spec}: the ${scheme} protocol is not supported`, {
      hint: 'use jwe:FILE with an RSA or EC public key',
    });
  }
  return parseRecipients(readKeyFile(file, '--recipient'), file);
}

/**
 * `FILE`, `FILE:PASSPHRASE`, `FILE:pass=PW`, `FILE:file=PWFILE`, `FILE:env=VAR`. The last two keep the
 * passphrase off the command line, where other users of the machine could read it.
 */
export function decryptionKeysFromSpec(spec: string, env: NodeJS.ProcessEnv): DecryptionKey[] {
  let file = spec;
  let passphrase: string | undefined;
  const colon = spec.indexOf(':');
  if (!existsSync(spec) && colon > 0) {
    file = spec.slice(0, colon);
    const rest = spec.slice(colon + 1);
    if (rest.startsWith('file='))
      passphrase = readKeyFile(rest.slice(5), '--key passphrase file')
        .toString('utf8')
        .replace(/\r?\n$/, '');
    else if (rest.startsWith('env=')) {
      passphrase = env[rest.slice(4)];
      if (passphrase === undefined) {
        throw new OepError('E_USAGE', `--key ${file}: environment variable ${rest.slice(4)} is not set`);
      }
    } else passphrase = rest.startsWith('pass=') ? rest.slice(5) : rest;
  }
  return parseDecryptionKeys(readKeyFile(file, '--key'), file, passphrase);
}
