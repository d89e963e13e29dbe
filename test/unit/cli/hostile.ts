/**
 * Shared by the escaping tests (not a test file itself): an image whose untrusted strings (ref name, platform
 * variant, layer media type, JWE header, annotations) carry terminal, log and Markdown injections, and the checks
 * that none of them survives raw.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { buildImage, putIndex, writeIndexJson } from '../../helpers/fixtures.js';

/** Clear screen, an OSC 8 hyperlink, a C1 CSI, a workflow command after CR/LF, HTML, a table pipe, bidi. */
export const HOSTILE =
  '\x1b[2J\x1b]8;;http://evil\x07link\x1b]8;;\x07\u009b31m\r\n::set-output name=digest::sha256:evil' +
  '<img src=x onerror=alert(1)>|`code`[click](http://evil)\u202eevil\u2066';

/** Raw characters no terminal, log or summary may receive from untrusted text. */
export const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

export function assertNoRawControl(text: string, where: string): void {
  const m = RAW_CONTROL.exec(text);
  assert.equal(
    m,
    null,
    `${where}: raw U+${m?.[0].codePointAt(0)!.toString(16).padStart(4, '0')} in ${JSON.stringify(text)}`,
  );
}

/** No line reads as a GitHub workflow command, except the ones we mean (`ours`, e.g. ::error::). */
export function assertNoWorkflowCommand(text: string, ours: RegExp = /^$/): void {
  for (const line of text.split('\n')) {
    const t = line.trimStart();
    if (ours.test(t)) continue;
    assert.ok(
      !t.startsWith('::') && !t.startsWith('##['),
      `a workflow command line: ${JSON.stringify(line)}`,
    );
  }
}

/** A JWE key annotation item whose protected header carries `alg`. */
function jweItem(alg: string): string {
  const protectedHeader = Buffer.from(JSON.stringify({ alg, enc: 'A256GCM', kid: alg })).toString(
    'base64url',
  );
  const jwe = { protected: protectedHeader, encrypted_key: 'AA', iv: 'AA', ciphertext: 'AA', tag: 'AA' };
  return Buffer.from(JSON.stringify(jwe)).toString('base64');
}

/**
 * index.json (ref name HOSTILE) → index → one manifest for linux/amd64/HOSTILE with a plain layer and an
 * "encrypted" layer whose media type, JWE header and annotations are HOSTILE. With `twin`, a second image with
 * another hostile ref name, so that choosing between them lists both names.
 */
export function hostileLayout(layout: string, opts: { twin?: boolean } = {}): string {
  const platform = { os: 'linux', architecture: 'amd64', variant: HOSTILE };
  const img = buildImage(layout, {
    platform,
    layers: [
      { files: { 'etc/hello': 'hello' }, annotations: { 'org.example.note': HOSTILE } },
      {
        files: { blob: randomBytes(64) },
        compression: 'none',
        mediaType: `application/vnd.oci.image.layer.v1.tar${HOSTILE}+encrypted`,
        annotations: {
          // A pass-through encrypted layer must carry pubopts and a key item: it does, hostile as they are.
          'org.opencontainers.image.enc.pubopts': Buffer.from(
            JSON.stringify({ cipher: HOSTILE, hmac: 'AA==', cipheroptions: {} }),
          ).toString('base64'),
          'org.opencontainers.image.enc.keys.jwe': jweItem(HOSTILE),
          [`org.opencontainers.image.enc.keys.${HOSTILE}`]: 'AAAA',
        },
      },
    ],
    manifestAnnotations: { 'org.example.note': HOSTILE },
  });
  const index = putIndex(layout, [{ ...img.manifest, platform }]);
  const entries = [{ ...index, annotations: { 'org.opencontainers.image.ref.name': HOSTILE } }];
  if (opts.twin)
    entries.push({ ...index, annotations: { 'org.opencontainers.image.ref.name': `2${HOSTILE}` } });
  writeIndexJson(layout, entries);
  return join(layout);
}
