/**
 * The job summary: what was pushed where, what each layer became, for whom, and what stays readable. Every
 * string in a report may come from the image or the registry (media types, platforms, ref names, tags, paths):
 * each goes through escapeMarkdown (`cell`) or `code`, so none can inject HTML, links, code spans, table cells
 * or control characters into the page.
 */
import { escapeMarkdown as cell } from '../escape.js';
import { findingText } from '../pipeline/config-check.js';
import type { PushReport } from '../pipeline/push.js';
import type { ImageReport } from '../pipeline/result.js';

/** Digests, references and paths as inline code; anything outside their alphabet as escaped HTML code. */
function code(s: string): string {
  return /^[A-Za-z0-9@:/._+…-]*$/.test(s) ? `\`${s}\`` : `<code>${cell(s)}</code>`;
}

function short(digest: string): string {
  return digest.length > 19 ? `${digest.slice(0, 19)}…` : digest;
}

function size(n: number): string {
  return n < 1048576 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(1)} MiB`;
}

function header(r: ImageReport | PushReport): string[] {
  const out: string[] = [];
  if ('imageRef' in r) {
    out.push(`**Image:** ${code(r.imageRef)}${r.verified ? ' (verified in the registry)' : ''}`, '');
    if (r.tags.length) out.push('**Tags:**', ...r.tags.map((t) => `- ${code(t)}`), '');
    else out.push('**Tags:** none (pushed by digest)', '');
    if (r.output) out.push(`**Encrypted layout also written to:** ${code(r.output)}`, '');
  } else if (r.output) {
    out.push(`**Encrypted layout:** ${code(r.output)}`, '', `**Digest:** ${code(r.digest)}`, '');
  }
  return out;
}

function platforms(r: ImageReport | PushReport): string[] {
  const out: string[] = [];
  for (const p of r.platforms) {
    out.push(`### ${cell(p.platform)} ${code(short(p.digest))}`, '');
    out.push(
      '| # | media type | plaintext digest → encrypted digest | size | state |',
      '|---|---|---|---|---|',
    );
    for (const l of p.layers) {
      const change =
        l.sourceDigest === l.digest
          ? code(short(l.digest))
          : `${code(short(l.sourceDigest))} → ${code(short(l.digest))}`;
      out.push(
        `| ${l.index} | ${cell(l.mediaType)} | ${change} | ${size(l.size)} | ${l.encrypted ? '🔒 ' : ''}${cell(l.action)} |`,
      );
    }
    out.push('');
  }
  return out;
}

/** What the release gates found: the config check's findings (never a value) and the decryptability gate. */
function gates(r: ImageReport | PushReport): string[] {
  const out: string[] = [];
  if (r.configSecrets?.length) {
    out.push(
      '**Secret-shaped content in the plaintext image config** (`config-secrets`; values not shown)',
      '',
      ...r.configSecrets.map((f) => `- ${cell(findingText(f))}`),
      '',
    );
  }
  if (r.gate) {
    out.push(
      `**Decryptability gate:** passed for ${r.gate.keys.map(code).join(', ')}: ${r.gate.layersUnwrapped} encrypted layer(s) open with each key; the smallest of each platform was read back and decrypted, HMAC checked.`,
      '',
    );
  }
  return out;
}

export function summaryMarkdown(r: ImageReport | PushReport): string {
  const out: string[] = ['## oci-encrypt-push', '', ...header(r), ...platforms(r)];
  if (r.skippedPlatforms.length) {
    out.push(`Left out (not selected): ${r.skippedPlatforms.map((p) => cell(p)).join(', ')}`, '');
  }
  if (r.attestations.length) {
    out.push(
      `Attestations kept unencrypted, pointing at the new image digests: ${r.attestations.map((a) => code(short(a.digest))).join(', ')}`,
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
      '| key | algorithm | fingerprint (as `expect-recipients` takes it) |',
      '|---|---|---|',
    );
    for (const k of r.recipients) {
      out.push(`| ${cell(k.type)} | ${cell(k.alg)} | ${code(k.fingerprint)} |`);
    }
    out.push('');
  }
  out.push(...gates(r));
  out.push(
    '> [!WARNING]',
    '> ocicrypt encrypts layers only. The image config (environment, labels, history, layer diff IDs) and the',
    '> manifest stay readable to anyone who can pull the image: keep secrets out of ENV, LABEL and build arguments.',
  );
  return out.join('\n');
}
