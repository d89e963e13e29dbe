/** Human-readable rendering of a result, for `inspect` and the end of `encrypt`/`decrypt`. */
import type { PushReport } from '../pipeline/push.js';
import type { ImageReport } from '../pipeline/result.js';

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

export function formatReport(r: ImageReport | PushReport): string {
  const lines: string[] = [];
  lines.push(`digest: ${r.digest || '(index.json)'}  ${r.mediaType}`);
  if ('imageRef' in r) {
    lines.push(`image: ${r.imageRef}${r.verified ? ' (verified in the registry)' : ''}`);
    for (const t of r.tags) lines.push(`tag: ${t}`);
  }
  if (r.refName) lines.push(`ref name: ${r.refName}`);
  if (r.output) lines.push(`output: ${r.output}`);
  for (const p of r.platforms) {
    lines.push('', `platform ${p.platform}  ${p.digest}`);
    for (const l of p.layers) {
      let keys = '';
      if (l.recipients?.length) {
        keys = l.recipients
          .map(
            (k) =>
              `${k.scheme}: ${k.recipients.length} recipient(s) ${[...new Set(k.recipients.map((x) => x.alg))].join(',')}`,
          )
          .join('; ');
      }
      lines.push(
        `  [${l.index}] ${l.encrypted ? 'ENCRYPTED' : 'plain    '} ${size(l.size).padStart(10)}  ${l.mediaType}  ${l.digest}${keys ? `  (${keys})` : ''}`,
      );
    }
  }
  if (r.skippedPlatforms.length) lines.push('', `left out (not selected): ${r.skippedPlatforms.join(', ')}`);
  for (const a of r.attestations) lines.push(`attestation ${a.digest} -> ${a.reference}`);
  if (r.droppedAttestations) {
    lines.push(
      `attestations: ${r.droppedAttestations} dropped (--attestations keep pushes them unencrypted)`,
    );
  }
  if (r.recipients?.length) {
    lines.push('', 'recipients:');
    for (const k of r.recipients)
      lines.push(`  ${k.type} ${k.alg} sha256:${k.fingerprint.slice(0, 16)} (${k.source})`);
  }
  return lines.join('\n');
}
