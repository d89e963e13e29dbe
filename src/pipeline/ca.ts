/**
 * A private CA bundle, checked before use: every certificate in it must parse. Node's TLS silently ignores a CA
 * it cannot read, and the user would get "certificate not trusted" from the registry instead of the real cause.
 * Shared by every front end, so the CLI's --ca-file and the Action's ca-cert fail the same way.
 */
import { X509Certificate } from 'node:crypto';
import { OepError } from '../errors.js';

const CERT_RE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
export const CA_HINT =
  'give the registry CA (ca-cert; --ca-file on the command line) as -----BEGIN CERTIFICATE----- PEM text, or the path of such a file or of a folder of them';

/** `text` unchanged when it holds at least one certificate and all of them parse; `input: …` errors otherwise. */
export function checkCaBundle(text: string, source: string, input: string): string {
  const certs = text.match(CERT_RE) ?? [];
  if (certs.length === 0) {
    throw new OepError('E_USAGE', `${input}: ${source} holds no PEM certificate`, { hint: CA_HINT });
  }
  certs.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch {
      throw new OepError('E_USAGE', `${input}: certificate ${i + 1} in ${source} cannot be parsed`, {
        hint: CA_HINT,
      });
    }
  });
  return text;
}
