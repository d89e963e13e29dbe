/**
 * The keys of the decryptability gate (`verify-private-keys`, `--verify-key PRIV`, the Tekton workspace
 * `verify-keys`): private keys that what landed must open. They are read and checked with the request, so a
 * wrong file fails before anything is encrypted; each is named in messages by its fingerprint, the same
 * `sha256:HEX` (of the public half) that recipients and `expect-recipients` use, or `provider:NAME`.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { ATTESTATION_AGENT } from '../ocicrypt/keywrap/attestation-agent.js';
import { decryptionKeysFromText, type DecryptionKey } from './keys.js';
import type { Providers } from './providers.js';
import { fromInput } from './request-values.js';

const INPUT = 'verify-private-keys';

export interface VerifyKey {
  key: DecryptionKey;
  /** `sha256:HEX` of the public key, or `provider:NAME`. */
  fingerprint: string;
}

/** The FP of a decryption key: its public half's, or the provider's name. */
export function keyFingerprint(k: DecryptionKey): string {
  if (k.provider) return `provider:${k.provider.name}`;
  const key = k.key!;
  // A secret key is a KEK: only the attestation-agent provider takes one.
  if (key.type === 'secret') return `provider:${ATTESTATION_AGENT}`;
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return `sha256:${createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/**
 * `verify-private-keys`: PEM or JWK text (several blocks: several keys) and paths one a line, mixed as the user
 * likes (each as `--key` takes them: `FILE`, `FILE:file=PWFILE`, `FILE:env=VAR`, `provider:NAME[:PARAMS]`),
 * read by decryptionKeysFromText as rewrap's private-keys are. Public keys are refused: the
 * gate proves that the holder of the private key can decrypt, which a public key cannot show.
 */
export function verifyKeysFrom(
  value: string | undefined,
  env: Record<string, string | undefined>,
  providers: Providers,
  warn: (line: string) => void = () => {},
): VerifyKey[] {
  const v = (value ?? '').trim();
  if (!v) return [];
  const keys = fromInput(INPUT, () => decryptionKeysFromText(v, env, warn, providers, INPUT));
  const seen = new Set<string>();
  return keys.flatMap((key) => {
    const fingerprint = keyFingerprint(key);
    if (seen.has(fingerprint)) return [];
    seen.add(fingerprint);
    return [{ key, fingerprint }];
  });
}
