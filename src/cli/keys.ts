/** Turning CLI `--key FILE[:PASSPHRASE]` arguments into decryption keys. */
import { existsSync } from 'node:fs';
import { OepError } from '../errors.js';
import { escapeTerminal } from '../escape.js';
import { parseDecryptionKeys, readKeyFile, type DecryptionKey } from '../pipeline/keys.js';

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
    } else {
      // Accepted for skopeo compatibility, but a command line is visible to every user of the machine.
      process.stderr.write(
        `oci-encrypt-push: warning: --key ${escapeTerminal(file)}: a passphrase on the command line is visible to other processes; prefer ${file}:file=PWFILE or ${file}:env=VAR\n`,
      );
      passphrase = rest.startsWith('pass=') ? rest.slice(5) : rest;
    }
  }
  return parseDecryptionKeys(readKeyFile(file, '--key'), file, passphrase);
}
