/**
 * Human-readable rendering of a result, for `inspect` and the end of `encrypt`/`decrypt`. Every string in a
 * report may come from the image or the registry (media types, platforms, ref names, JWE headers): each is
 * escaped (`e`) so that no control character or bidi override reaches the terminal.
 */
import { escapeTerminal as e } from '../escape.js';
import { findingText } from '../pipeline/config-check.js';
import type { PushReport } from '../pipeline/push.js';
import type { ImageReport, LayerReport } from '../pipeline/result.js';

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

type LayerProtocol = NonNullable<LayerReport['recipients']>[number];

/**
 * "jwe: 2 recipient(s) RSA-OAEP"; for certificates (pkcs7) who each one is (issuer and serial), and the key ids
 * a provider names (a CoCo kid names the KEK). A configured provider's items are opaque to inspect (only the
 * provider reads them): "provider.kms: 1 item(s)".
 */
function protocolText(k: LayerProtocol): string {
  if (k.recipients.length === 0) return `${e(k.scheme)}: ${k.items} item(s)`;
  const algs = [...new Set(k.recipients.map((x) => e(x.alg)))].join(',');
  const certs = k.recipients
    .filter((x) => x.issuer !== undefined)
    .map((x) => `issuer ${e(x.issuer ?? '')} serial ${e(x.serial ?? '')}`);
  const kids = k.recipients.flatMap((x) => (x.kid && x.issuer === undefined ? [e(x.kid)] : []));
  return `${e(k.scheme)}: ${k.recipients.length} recipient(s) ${algs}${kids.length ? ` kid ${kids.join(',')}` : ''}${certs.length ? ` [${certs.join('; ')}]` : ''}`;
}

/** A key's SHA-256 fingerprint, shortened; a provider's recipient has none and shows its name instead. */
export function formatReport(r: ImageReport | PushReport): string {
  const lines: string[] = [];
  lines.push(`digest: ${e(r.digest) || '(index.json)'}  ${e(r.mediaType)}`);
  if ('imageRef' in r) {
    lines.push(`image: ${e(r.imageRef)}${r.verified ? ' (verified in the registry)' : ''}`);
    for (const t of r.tags) lines.push(`tag: ${e(t)}`);
  }
  if (r.refName) lines.push(`ref name: ${e(r.refName)}`);
  if (r.output) lines.push(`output: ${e(r.output)}`);
  for (const p of r.platforms) {
    lines.push('', `platform ${e(p.platform)}  ${e(p.digest)}`);
    for (const l of p.layers) {
      const keys = (l.recipients ?? []).map(protocolText).join('; ');
      lines.push(
        `  [${l.index}] ${l.encrypted ? 'ENCRYPTED' : 'plain    '} ${size(l.size).padStart(10)}  ${e(l.mediaType)}  ${e(l.digest)}${keys ? `  (${keys})` : ''}`,
      );
    }
  }
  if (r.skippedPlatforms.length) {
    lines.push('', `left out (not selected): ${r.skippedPlatforms.map(e).join(', ')}`);
  }
  for (const a of r.attestations) lines.push(`attestation ${e(a.digest)} -> ${e(a.reference)}`);
  if (r.droppedAttestations) {
    lines.push(
      `attestations: ${r.droppedAttestations} dropped (--attestations keep pushes them unencrypted)`,
    );
  }
  if (r.recipients?.length) {
    lines.push('', 'recipients:');
    for (const k of r.recipients)
      lines.push(`  ${e(k.type)} ${e(k.alg)} ${e(k.fingerprint)} (${e(k.source)})`);
  }
  if (r.configSecrets?.length) {
    lines.push('', 'secret-shaped content in the plaintext image config (values not shown):');
    for (const f of r.configSecrets) lines.push(`  ${e(findingText(f))}`);
  }
  if (r.gate) {
    lines.push(
      '',
      `decryptability gate: passed for ${r.gate.keys.map(e).join(', ')} (${r.gate.layersUnwrapped} encrypted layer(s); ${r.gate.layersDecrypted.length} decrypted in full, HMAC checked)`,
    );
  }
  return lines.join('\n');
}
