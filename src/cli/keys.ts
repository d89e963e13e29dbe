/** Turning CLI `--key FILE[:PASSPHRASE]` arguments into decryption keys (the parsing is the pipeline's). */
import { escapeTerminal } from '../escape.js';
import { decryptionKeysFrom, type DecryptionKey } from '../pipeline/keys.js';
import type { Providers } from '../pipeline/providers.js';

/** Every `--key`, at least one; a passphrase seen on the command line is warned about on stderr. */
export function decryptionKeys(
  specs: string[],
  env: NodeJS.ProcessEnv,
  providers: Providers,
  command: 'decrypt' | 'rewrap' = 'decrypt',
): DecryptionKey[] {
  return decryptionKeysFrom(
    specs,
    env,
    (line) => process.stderr.write(`oci-encrypt-push: warning: ${escapeTerminal(line)}\n`),
    providers,
    command,
  );
}
