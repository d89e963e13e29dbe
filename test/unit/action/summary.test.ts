/**
 * The job summary (summaryMarkdown): what was pushed where, a row per layer, the recipients, and the warning
 * that the config stays readable. Reports are built by hand here; the runner tests check a real one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { summaryMarkdown } from '../../../src/action/summary.js';
import type { PushReport } from '../../../src/pipeline/push.js';
import type { ImageReport, LayerReport } from '../../../src/pipeline/result.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const short = (digest: string) => `${digest.slice(0, 19)}…`;

const layers: LayerReport[] = [
  {
    index: 0,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted',
    size: 3 * 1048576,
    digest: d('1'),
    sourceDigest: d('a'),
    encrypted: true,
    action: 'encrypted',
  },
  {
    index: 1,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: 2048,
    digest: d('b'),
    sourceDigest: d('b'),
    encrypted: false,
    action: 'kept',
  },
];

const image: ImageReport = {
  digest: d('9'),
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1000,
  output: 'enc',
  platforms: [
    {
      platform: 'linux/amd64',
      digest: d('9'),
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      layers,
    },
  ],
  skippedPlatforms: [],
  attestations: [],
  recipients: [
    {
      type: 'RSA-4096',
      alg: 'RSA-OAEP',
      fingerprint: `sha256:${'f'.repeat(64)}`,
      source: 'public-keys (PEM block 1)',
    },
    {
      type: 'EC-P-256',
      alg: 'ECDH-ES+A256KW',
      fingerprint: `sha256:${'e'.repeat(64)}`,
      source: 'public-keys (PEM block 2)',
    },
  ],
};

const pushed: PushReport = {
  ...image,
  output: undefined,
  image: 'ghcr.io/org/app',
  imageRef: `ghcr.io/org/app@${d('9')}`,
  tags: ['ghcr.io/org/app:v1', 'ghcr.io/org/app:latest'],
  verified: true,
  pushed: { uploaded: 3, mounted: 0, skipped: 0, bytesUploaded: 3 * 1048576 },
};

function lines(md: string): string[] {
  return md.split('\n');
}

describe('summaryMarkdown', () => {
  test('a push: the image ref with its digest, verified, and every tag', () => {
    const md = summaryMarkdown(pushed);
    assert.ok(md.includes(`**Image:** \`ghcr.io/org/app@${d('9')}\` (verified in the registry)`), md);
    for (const t of pushed.tags) assert.ok(lines(md).includes(`- \`${t}\``), `tag ${t} missing:\n${md}`);
    assert.ok(!md.includes('Encrypted layout'), 'no layout was written');
  });

  test('an unverified push does not claim verification', () => {
    assert.ok(!summaryMarkdown({ ...pushed, verified: false }).includes('verified'));
  });

  test('a push that also wrote a layout says where', () => {
    assert.match(
      summaryMarkdown({ ...pushed, output: 'enc' }),
      /Encrypted layout also written to:\*\* `enc`/,
    );
  });

  test('a layout only: its path and the full digest', () => {
    const md = summaryMarkdown(image);
    assert.ok(md.includes('**Encrypted layout:** `enc`'));
    assert.ok(md.includes(`**Digest:** \`${d('9')}\``));
    assert.ok(!md.includes('**Image:**'));
  });

  test('one table row per layer: index, media type, plaintext → encrypted digests, size, state', () => {
    const rows = lines(summaryMarkdown(pushed)).filter((l) => /^\| \d+ \|/.test(l));
    assert.deepEqual(rows, [
      `| 0 | application/vnd.oci.image.layer.v1.tar+gzip+encrypted | \`${short(d('a'))}\` → \`${short(d('1'))}\` | 3.0 MiB | 🔒 encrypted |`,
      `| 1 | application/vnd.oci.image.layer.v1.tar+gzip | \`${short(d('b'))}\` | 2.0 KiB | kept |`,
    ]);
  });

  test('a heading per platform, and the platforms left out', () => {
    const md = summaryMarkdown({
      ...pushed,
      platforms: [
        { ...pushed.platforms[0]!, platform: 'linux/amd64', digest: d('2') },
        { ...pushed.platforms[0]!, platform: 'linux/arm64', digest: d('3') },
      ],
      skippedPlatforms: ['linux/s390x'],
    });
    assert.ok(lines(md).includes(`### linux/amd64 \`${short(d('2'))}\``));
    assert.ok(lines(md).includes(`### linux/arm64 \`${short(d('3'))}\``));
    assert.match(md, /Left out \(not selected\): linux\/s390x/);
  });

  test('attestations kept unencrypted are listed', () => {
    const md = summaryMarkdown({ ...pushed, attestations: [{ digest: d('7'), reference: d('2') }] });
    assert.match(md, new RegExp(`Attestations kept unencrypted.*${short(d('7'))}`));
  });

  test('attestations dropped: how many, and how to keep them', () => {
    const md = summaryMarkdown({ ...pushed, droppedAttestations: 2 });
    assert.match(md, /Attestations dropped: 2 .*`attestations: keep`/);
    assert.doesNotMatch(summaryMarkdown(pushed), /Attestations dropped/);
  });

  test('recipients: type, algorithm and the full fingerprint, never the source text', () => {
    const md = summaryMarkdown(pushed);
    assert.ok(lines(md).includes(`| RSA-4096 | RSA-OAEP | \`sha256:${'f'.repeat(64)}\` |`), md);
    assert.ok(lines(md).includes(`| EC-P-256 | ECDH-ES+A256KW | \`sha256:${'e'.repeat(64)}\` |`), md);
    assert.ok(!md.includes('PEM block'));
  });

  test('no recipients (a report without them): no recipients table', () => {
    assert.ok(!summaryMarkdown({ ...pushed, recipients: undefined }).includes('**Recipients**'));
  });

  test('the warning that the config and manifest are not encrypted closes the summary', () => {
    const md = summaryMarkdown(image);
    const warning = md.slice(md.indexOf('> [!WARNING]'));
    assert.ok(md.indexOf('> [!WARNING]') > 0, md);
    assert.match(warning, /encrypts layers only/);
    assert.match(warning, /config/);
    assert.match(warning, /stay readable/);
    assert.ok(md.trimEnd().endsWith(warning.trimEnd()));
  });

  test('a | in a media type cannot break the table', () => {
    const odd = { ...layers[1]!, mediaType: 'application/x|y' };
    const md = summaryMarkdown({ ...pushed, platforms: [{ ...pushed.platforms[0]!, layers: [odd] }] });
    assert.ok(md.includes('application/x\\|y'));
  });
});
