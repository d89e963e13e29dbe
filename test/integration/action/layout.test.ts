/**
 * The runner contract without a registry: `output` with no image writes an encrypted OCI layout and outputs its
 * digest; `digest-file` writes the digest; a `pkcs7:` recipient (a certificate in the workspace) beside
 * `public-keys`. dist/index.js under node24 and this machine's node.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { makeCertificate } from '../../helpers/certs.js';
import { decryptCli } from '../../helpers/cli.js';
import { keyPair, readBlob, readJson, sha256, tempDir } from '../../helpers/fixtures.js';
import { assertSucceeded, NODES, runAction, workspaceWithImage } from './support.js';

const ec = keyPair('p256');

interface Manifest {
  layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[];
}

for (const node of NODES) {
  describe(`dist/index.js under ${node.name}, no registry`, () => {
    test('output without image: an encrypted layout, its digest output, a summary', async () => {
      const ws = workspaceWithImage();
      const r = await runAction(
        node.bin,
        { layout: ws.layout, output: 'encrypted', 'public-keys': ec.publicPem },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      const digest = r.outputs.digest!;
      // No image: none of the push outputs.
      assert.deepEqual(Object.keys(r.outputs).sort(), ['digest', 'platform-digests', 'report']);

      const out = join(ws.dir, 'encrypted');
      const index = readJson<{ manifests: { digest: string }[] }>(join(out, 'index.json'));
      assert.deepEqual(
        index.manifests.map((m) => m.digest),
        [digest],
        'the layout index does not point at the digest output',
      );
      const bytes = readBlob(out, digest);
      assert.equal(sha256(bytes), digest);
      const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
      assert.deepEqual(
        manifest.layers.map((l) => l.mediaType),
        ws.image.layers.map((l) => `${l.mediaType}+encrypted`),
      );
      for (const l of manifest.layers) assert.equal(sha256(readBlob(out, l.digest)), l.digest);

      assert.deepEqual(JSON.parse(r.outputs['platform-digests']!), { 'linux/amd64': digest });
      const report = JSON.parse(r.outputs.report!) as { digest: string; output: string };
      assert.equal(report.digest, digest);
      // Relative to the workspace (the step's cwd), reported absolute.
      const abs = join(realpathSync(ws.dir), 'encrypted');
      assert.equal(report.output, abs);
      assert.ok(r.summary.includes(`**Encrypted layout:** \`${abs}\``), r.summary);
      assert.ok(r.summary.includes(`**Digest:** \`${digest}\``), r.summary);
    });

    test('digest-file: the digest, alone, in the file; its path as an output', async () => {
      const ws = workspaceWithImage();
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          output: 'encrypted',
          'public-keys': ec.publicPem,
          'digest-file': 'digest.txt',
          'show-summary': 'false',
        },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      assert.equal(readFileSync(join(ws.dir, 'digest.txt'), 'utf8'), r.outputs.digest);
      assert.equal(r.outputs['digest-file'], 'digest.txt');
      assert.equal(r.summary, '', 'show-summary false wrote a summary');
    });

    test('recipients pkcs7:certs/alice.cert.pem (in the workspace) beside public-keys: both wrap every layer; the key and certificate open it', async () => {
      const ws = workspaceWithImage();
      mkdirSync(join(ws.dir, 'certs'));
      const alice = makeCertificate(join(ws.dir, 'certs'), 'alice');
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          output: 'encrypted',
          'public-keys': ec.publicPem,
          recipients: 'pkcs7:certs/alice.cert.pem',
        },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      const out = join(ws.dir, 'encrypted');
      const manifest = JSON.parse(readBlob(out, r.outputs.digest!).toString('utf8')) as Manifest;
      for (const l of manifest.layers) {
        assert.ok(l.annotations?.['org.opencontainers.image.enc.keys.pkcs7'], 'no pkcs7 annotation');
        assert.ok(l.annotations?.['org.opencontainers.image.enc.keys.jwe'], 'no jwe annotation');
      }
      // Opening pkcs7 is RSA PKCS#1 v1.5 private decryption: the suite's Node 24 runs the CLI.
      const plain = join(tempDir('oep-action-pkcs7-'), 'plain');
      const d = decryptCli(out, plain, alice.key, ['--key', alice.cert]);
      assert.equal(d.status, 0, d.stderr);
    });
  });
}
