/** Shared by the Action unit tests (not a test file itself). */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyPair } from '../../helpers/fixtures.js';

/** A self-signed certificate for `pair`, made by openssl in `dir` (node:crypto cannot issue one). */
export function certificatePem(dir: string, pair: KeyPair): string {
  const key = join(dir, 'cert.key.pem');
  writeFileSync(key, pair.privatePem, { mode: 0o600 });
  const pem = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-new', '-key', key, '-subj', '/CN=oep', '-days', '1', '-out', pem],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return readFileSync(pem, 'utf8');
}
