/** The job summary: what was pushed where, what each layer became, for whom, and what stays readable. */
import type { PushReport } from '../pipeline/push.js';
import type { ImageReport } from '../pipeline/result.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

function size(n: number): string {
  return n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

export function summaryMarkdown(r: ImageReport | PushReport): string {
  const out: string[] = ['## oci-encrypt-push', ''];
  if ('imageRef' in r) {
    out.push(`**Image:** \`${r.imageRef}\`${r.verified ? ' (verified in the registry)' : ''}`, '');
    out.push('**Tags:**', ...r.tags.map((t) => `- \`${t}\``), '');
    if (r.output) out.push(`**Encrypted layout also written to:** \`${r.output}\``, '');
  } else if (r.output) {
    out.push(`**Encrypted layout:** \`${r.output}\``, '', `**Digest:** \`${r.digest}\``, '');
  }
  for (const p of r.platforms) {
    out.push(`### ${p.platform} \`${short(p.digest)}\``, '');
    out.push(
      '| # | media type | plaintext digest → encrypted digest | size | state |',
      '|---|---|---|---|---|',
    );
    for (const l of p.layers) {
      const change =
        l.sourceDigest === l.digest
          ? `\`${short(l.digest)}\``
          : `\`${short(l.sourceDigest)}\` → \`${short(l.digest)}\``;
      out.push(
        `| ${l.index} | ${cell(l.mediaType)} | ${change} | ${size(l.size)} | ${l.encrypted ? '🔒 ' : ''}${l.action} |`,
      );
    }
    out.push('');
  }
  if (r.skippedPlatforms.length) out.push(`Left out (not selected): ${r.skippedPlatforms.join(', ')}`, '');
  if (r.attestations.length) {
    out.push(
      `Attestations kept unencrypted, pointing at the new image digests: ${r.attestations.map((a) => `\`${short(a.digest)}\``).join(', ')}`,
      '',
    );
  }
  if (r.droppedAttestations) {
    out.push(
      `Attestations dropped: ${r.droppedAttestations} (SBOM/provenance cannot be encrypted; set \`attestations: keep\` to push them unencrypted)`,
      '',
    );
  }
  if (r.recipients?.length) {
    out.push(
      '**Recipients**',
      '',
      '| key | algorithm | fingerprint (sha256 of the public key) |',
      '|---|---|---|',
    );
    for (const k of r.recipients) out.push(`| ${k.type} | ${k.alg} | \`${k.fingerprint.slice(0, 32)}\` |`);
    out.push('');
  }
  out.push(
    '> [!WARNING]',
    '> ocicrypt encrypts layers only. The image config (environment, labels, history, layer diff IDs) and the',
    '> manifest stay readable to anyone who can pull the image: keep secrets out of ENV, LABEL and build arguments.',
  );
  return out.join('\n');
}
