/**
 * Recipient pinning (`expect-recipients`, `--expect-recipients FP,...`): the recipients a run encrypts for must be
 * exactly the listed fingerprints. A swapped or stale key secret then fails the run before anything is encrypted
 * or uploaded, instead of shipping an image that production cannot open (or that someone else can).
 *
 * A fingerprint (FP) is `sha256:` + the hex SHA-256 of the key's DER SubjectPublicKeyInfo (for a certificate, its
 * public key's), what `openssl pkey -pubin -outform DER | sha256sum` prints; a key provider, which holds its keys
 * itself, is `provider:NAME`. Reports print the same form, so a value can be copied from one run into the pin.
 */
import { OepError } from '../errors.js';
import type { Recipient } from '../ocicrypt/keys.js';
import { inputError } from './request-values.js';

const PROVIDER_SCHEME = 'provider.';

/** A recipient's FP: `sha256:HEX` of its public key, or `provider:NAME` (native providers too). */
export function recipientFingerprint(r: Pick<Recipient, 'scheme' | 'fingerprint'>): string {
  if (r.scheme.startsWith(PROVIDER_SCHEME)) return `provider:${r.scheme.slice(PROVIDER_SCHEME.length)}`;
  return `sha256:${r.fingerprint}`;
}

const FP_HINT =
  'write sha256:<64 hex digits> (the SHA-256 of the DER public key: openssl pkey -pubin -in key.pub.pem -outform DER | sha256sum) or provider:NAME, comma-separated; a run report lists the fingerprints of its recipients';

/** The listed FPs (comma-, space- or newline-separated), normalised; undefined when nothing is listed. */
export function parseExpectedRecipients(value: string | undefined): string[] | undefined {
  const items = (value ?? '').split(/[\s,]+/).filter(Boolean);
  if (items.length === 0) return undefined;
  return [
    ...new Set(
      items.map((item) => {
        if (/^sha256:[0-9a-fA-F]{64}$/.test(item)) return item.toLowerCase();
        if (/^provider:[^:]+$/.test(item)) return item;
        const shown = item.length > 80 ? `${item.slice(0, 80)}…` : item;
        throw inputError(
          'expect-recipients',
          `${JSON.stringify(shown)} is not a recipient fingerprint`,
          FP_HINT,
        );
      }),
    ),
  ];
}

/**
 * Every recipient must be listed and every listed FP must be a recipient; otherwise an error that lists the
 * unexpected ones (with where each came from) and the missing ones.
 */
export function checkRecipientPins(recipients: readonly Recipient[], expected: readonly string[]): void {
  const given = new Map<string, string[]>();
  for (const r of recipients) {
    const fp = recipientFingerprint(r);
    given.set(fp, [...(given.get(fp) ?? []), r.source]);
  }
  const unexpected = [...given].filter(([fp]) => !expected.includes(fp));
  const missing = expected.filter((fp) => !given.has(fp));
  if (unexpected.length === 0 && missing.length === 0) return;
  const parts = [
    ...(unexpected.length
      ? [`unexpected ${unexpected.map(([fp, from]) => `${fp} (${from.join(', ')})`).join(', ')}`]
      : []),
    ...(missing.length ? [`missing ${missing.join(', ')}`] : []),
  ];
  throw new OepError(
    'E_RECIPIENTS',
    `expect-recipients: the recipients are not the expected ones: ${parts.join('; ')}; nothing was encrypted or pushed`,
    {
      hint: 'a key secret was swapped or is stale: fix the keys given, or, if the change is meant, update expect-recipients',
    },
  );
}
