/**
 * The runner contract, end to end: dist/index.js run as the GitHub runner runs it (INPUT_* variables, the
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), under node24 and this machine's node, pushing to a real
 * distribution registry. The outputs are checked against what skopeo reads back, skopeo decrypts the image,
 * and the password never reaches the log (but for the ::add-mask:: line), the outputs or the summary.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keyPair, readJson, sha256 } from '../../helpers/fixtures.js';
import { needPeer } from '../../helpers/peers.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import {
  assertSucceeded,
  inspectRaw,
  NODES,
  runAction,
  skopeoAccess,
  skopeoDecrypt,
  workspaceWithImage,
  type Workspace,
} from './support.js';

const rsa = keyPair('rsa2048');
const ec = keyPair('p256');

function fingerprint(pem: string): string {
  return createHash('sha256')
    .update(Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'))
    .digest('hex');
}

interface Manifest {
  layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[];
}

/** The layer digests skopeo's decrypted copy holds (ref x of an OCI layout). */
function decryptedLayers(layout: string): string[] {
  const index = readJson<{ manifests: { digest: string }[] }>(join(layout, 'index.json'));
  const m = readJson<Manifest>(join(layout, 'blobs', 'sha256', index.manifests[0]!.digest.slice(7)));
  return m.layers.map((l) => l.digest);
}

function short(digest: string): string {
  return `${digest.slice(0, 19)}…`;
}

/** The summary has the image ref, the tags, a row per layer, the recipients and the config warning. */
function assertSummary(
  summary: string,
  imageRef: string,
  tags: string[],
  ws: Workspace,
  report: Report,
): void {
  const lines = summary.split('\n');
  assert.ok(summary.includes(`\`${imageRef}\``), `summary lacks ${imageRef}:\n${summary}`);
  for (const t of tags) assert.ok(lines.includes(`- \`${t}\``), `summary lacks tag ${t}:\n${summary}`);
  const layers = report.platforms[0]!.layers;
  assert.equal(layers.length, ws.image.layers.length);
  for (const [i, src] of ws.image.layers.entries()) {
    const l = layers[i]!;
    const row = lines.find((x) => x.startsWith(`| ${i} | `));
    assert.ok(row, `no table row for layer ${i}:\n${summary}`);
    assert.ok(row.includes(`| ${src.mediaType}+encrypted |`), row);
    assert.ok(row.includes(short(src.digest)), `row ${i} lacks the plaintext digest: ${row}`);
    assert.ok(row.includes(short(l.digest)), `row ${i} lacks the encrypted digest: ${row}`);
    assert.ok(row.includes('encrypted |'), row);
  }
  for (const [type, alg, pem] of [
    ['RSA-2048', 'RSA-OAEP', rsa.publicPem],
    ['EC-P-256', 'ECDH-ES+A256KW', ec.publicPem],
  ] as const) {
    assert.ok(
      lines.includes(`| ${type} | ${alg} | \`sha256:${fingerprint(pem)}\` |`),
      `summary lacks recipient ${type}:\n${summary}`,
    );
  }
  assert.match(summary, /> \[!WARNING\]\n> ocicrypt encrypts layers only\. The image config/);
}

interface Report {
  digest: string;
  image: string;
  imageRef: string;
  tags: string[];
  verified: boolean;
  platforms: {
    platform: string;
    digest: string;
    layers: { digest: string; mediaType: string; encrypted: boolean }[];
  }[];
  recipients: { type: string; alg: string; fingerprint: string }[];
}

for (const node of NODES) {
  describe(`dist/index.js under ${node.name}`, () => {
    test('plain registry: outputs match what landed for every tag; skopeo decrypts; the summary says it all', async (t) => {
      if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
      const reg = await useRegistry(t, { mode: 'plain' });
      const ws = workspaceWithImage();
      const repo = `${reg.host}/team/app`;
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          image: `${repo}:v1`,
          // As a secret holding two keys would give it: several PEM blocks, several recipients.
          'public-keys': `${rsa.publicPem}${ec.publicPem}`,
          'tls-verify': 'false',
          // A bare tag and a full reference, newline-separated as docker/metadata-action writes them.
          tags: `v1.0.0\n${repo}:stable\n`,
        },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      const { digest } = r.outputs as { digest: string };
      const tags = [`${repo}:v1`, `${repo}:v1.0.0`, `${repo}:stable`];

      assert.equal(r.outputs.image, repo);
      assert.equal(r.outputs['image-ref'], `${repo}@${digest}`);
      assert.deepEqual(r.outputs.tags!.split('\n'), tags);
      assert.equal(r.outputs['digest-file'], undefined, 'digest-file was not asked for');

      const access = skopeoAccess(reg, '');
      let manifest: Manifest | undefined;
      for (const tag of tags) {
        const raw = inspectRaw(access, tag);
        assert.ok(raw, `skopeo cannot read ${tag}`);
        assert.equal(sha256(raw), digest, `${tag} does not point at the digest output`);
        manifest = JSON.parse(raw.toString('utf8')) as Manifest;
      }
      for (const l of manifest!.layers) {
        assert.match(l.mediaType, /\+encrypted$/);
        assert.ok(l.annotations?.['org.opencontainers.image.enc.keys.jwe'], 'a layer has no jwe annotation');
      }

      assert.deepEqual(JSON.parse(r.outputs['platform-digests']!), { 'linux/amd64': digest });
      const report = JSON.parse(r.outputs.report!) as Report;
      assert.equal(report.digest, digest);
      assert.equal(report.imageRef, r.outputs['image-ref']);
      assert.deepEqual(report.tags, tags);
      assert.equal(report.verified, true);
      assert.deepEqual(
        report.platforms[0]!.layers.map((l) => [l.digest, l.encrypted]),
        manifest!.layers.map((l) => [l.digest, true]),
      );
      assert.deepEqual(
        report.recipients.map((k) => [k.type, k.alg, k.fingerprint]),
        [
          ['RSA-2048', 'RSA-OAEP', `sha256:${fingerprint(rsa.publicPem)}`],
          ['EC-P-256', 'ECDH-ES+A256KW', `sha256:${fingerprint(ec.publicPem)}`],
        ],
      );

      // Either private key (PKCS#8, as skopeo wants it) opens the image, to the source's layers.
      const src = ws.image.layers.map((l) => l.digest);
      assert.deepEqual(decryptedLayers(skopeoDecrypt(skopeoAccess(reg, 'src-'), `${repo}:v1`, rsa)), src);
      assert.deepEqual(decryptedLayers(skopeoDecrypt(skopeoAccess(reg, 'src-'), `${repo}:stable`, ec)), src);

      assertSummary(r.summary, `${repo}@${digest}`, tags, ws, report);
      assert.ok(r.stdout.includes(`digest: ${digest}`));
    });

    test('TLS + htpasswd with ca-cert as PEM text: the password is masked first and printed nowhere else', async (t) => {
      if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
      const reg = await useRegistry(t, { mode: 'htpasswd' });
      const ws = workspaceWithImage();
      const repo = `${reg.host}/team/app`;
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          image: `${repo}:v1`,
          'public-keys': rsa.publicPem,
          'ca-cert': readFileSync(reg.caFile!, 'utf8'),
          username: reg.username,
          password: reg.password,
        },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      const digest = r.outputs.digest!;
      const raw = inspectRaw(skopeoAccess(reg, ''), `${repo}:v1`);
      assert.ok(raw, 'skopeo cannot read the pushed tag');
      assert.equal(sha256(raw), digest);

      const stdoutLines = r.stdout.split('\n');
      assert.equal(
        stdoutLines[0],
        `::add-mask::${reg.password}`,
        'the password is not masked before anything else',
      );
      assert.deepEqual(
        stdoutLines.filter((l) => l.includes(reg.password)),
        [`::add-mask::${reg.password}`],
        'the password appears in the log outside ::add-mask::',
      );
      assert.ok(!r.stderr.includes(reg.password), 'the password is on stderr');
      assert.ok(!r.outputFile.includes(reg.password), 'the password is in GITHUB_OUTPUT');
      assert.ok(!r.summary.includes(reg.password), 'the password is in the job summary');
      assert.ok(r.summary.includes(`${repo}@${digest}`));
      assert.deepEqual(
        decryptedLayers(skopeoDecrypt(skopeoAccess(reg, 'src-'), `${repo}:v1`, rsa)),
        ws.image.layers.map((l) => l.digest),
      );
    });

    test('show-summary false writes no summary; the outputs are the same', async (t) => {
      if (!needRegistry(t, 'plain')) return;
      const reg = await useRegistry(t, { mode: 'plain' });
      const ws = workspaceWithImage();
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          image: `${reg.host}/app:v1`,
          'public-keys': rsa.publicPem,
          'tls-verify': 'false',
          'show-summary': 'false',
        },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      assert.equal(r.summary, '');
      assert.equal(r.outputs['image-ref'], `${reg.host}/app@${r.outputs.digest}`);
      assert.equal(r.outputs.tags, `${reg.host}/app:v1`);
    });
  });
}
