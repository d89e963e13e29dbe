/**
 * The runner contract for the attestations input, without a registry: a BuildKit layout (two platforms and an
 * attestation manifest) encrypted to an output layout by dist/index.js, as the runner starts it.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { keyPair, tempDir } from '../../helpers/fixtures.js';
import { makeBuildKitLayout } from '../../unit/pipeline/support.js';
import { assertFailedOn, assertSucceeded, NODES, runAction } from './support.js';

const ec = keyPair('p256');

function blobPath(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice(7));
}

function notices(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::notice'))
    .map((l) => l.slice(l.indexOf('::', 2) + 2));
}

for (const node of NODES) {
  describe(`dist/index.js under ${node.name}: attestations`, () => {
    const ws = tempDir('oep-action-ws-');
    const bk = makeBuildKitLayout(join(ws, 'image'));
    const run = (inputs: Record<string, string>) =>
      runAction(node.bin, { layout: 'image', 'public-keys': ec.publicPem, ...inputs }, { workspace: ws });

    test('default: the attestation is dropped, with one notice, a summary line and the count in report', async () => {
      const r = await run({ output: 'enc-default' });
      assertSucceeded(r);
      assert.deepEqual(notices(r.stdout), [
        'notice: dropped 1 attestation manifest(s) (SBOM/provenance stay plaintext in ocicrypt); pass the input attestations: keep to keep them',
      ]);
      assert.match(r.summary, /Attestations dropped: 1 .*`attestations: keep`/);
      const report = JSON.parse(r.outputs.report!) as {
        droppedAttestations: number;
        attestations: unknown[];
      };
      assert.equal(report.droppedAttestations, 1);
      assert.deepEqual(report.attestations, []);
      const out = join(ws, 'enc-default');
      assert.ok(
        !existsSync(blobPath(out, bk.attestation.desc.digest)),
        'the attestation manifest was written',
      );
      assert.ok(!existsSync(blobPath(out, bk.attestation.layer.digest)), 'the in-toto statement was written');
    });

    test('attestations: keep keeps it, with no notice', async () => {
      const r = await run({ output: 'enc-keep', attestations: 'keep' });
      assertSucceeded(r);
      assert.deepEqual(notices(r.stdout), []);
      const report = JSON.parse(r.outputs.report!) as {
        droppedAttestations: number;
        attestations: unknown[];
      };
      assert.equal(report.droppedAttestations, 0);
      assert.equal(report.attestations.length, 1);
      assert.ok(existsSync(blobPath(join(ws, 'enc-keep'), bk.attestation.desc.digest)));
    });

    test('attestations: anything else fails on the input, with the CLI words, and writes nothing', async () => {
      const r = await run({ output: 'enc-bad', attestations: 'encrypt' });
      const message = assertFailedOn(r, 'attestations');
      assert.equal(
        message,
        'attestations: "encrypt" is not drop or keep (allowed values: drop, the default, or keep)',
      );
      assert.ok(!existsSync(join(ws, 'enc-bad')));
    });
  });
}
