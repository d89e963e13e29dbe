/**
 * The runner contract with kbs-url and kbs-admin-key (PEM text, as from a secret): the key is masked before
 * anything else is printed and never shown; the KEK is registered at a test KBS on 127.0.0.1 that verifies the
 * Ed25519 admin JWT, and the KEK it stored decrypts the layout the step wrote. The KEK is registered last, once
 * the layout is written and gated: a refusing KBS fails the step on the input at fault, with no output and the
 * layout removed.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import { keyPair, readBlob, readJson, tempDir } from '../../helpers/fixtures.js';
import { startKbs } from '../../helpers/kbs.js';
import { assertFailedOn, assertSucceeded, NODES, runAction, workspaceWithImage } from './support.js';

const ANNOTATION = 'org.opencontainers.image.enc.keys.provider.attestation-agent';

/** What @actions/core writes for core.setSecret(value). */
function addMask(value: string): string {
  return `::add-mask::${value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`;
}

/** The layers of the one image of an OCI layout. */
function layersOf(layout: string): { digest: string; annotations?: Record<string, string> }[] {
  const index = readJson<{ manifests: { digest: string }[] }>(join(layout, 'index.json'));
  const manifest = JSON.parse(readBlob(layout, index.manifests[0]!.digest).toString('utf8')) as {
    layers: { digest: string; annotations?: Record<string, string> }[];
  };
  return manifest.layers;
}

for (const node of NODES) {
  describe(`dist/index.js under ${node.name}: kbs-url and kbs-admin-key`, () => {
    test('the admin key (PEM text) is masked first; the KEK the KBS stored decrypts the layout', async () => {
      const kbs = await startKbs();
      const ws = workspaceWithImage();
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          output: 'encrypted',
          recipients: 'provider:attestation-agent',
          'kbs-url': kbs.url,
          'kbs-admin-key': kbs.admin.privatePem,
        },
        { workspace: ws.dir },
      );
      assertSucceeded(r);
      const lines = r.stdout.split('\n');
      const mask = lines.indexOf(addMask(kbs.admin.privatePem.trim()));
      assert.ok(mask >= 0, `no ::add-mask:: of the admin key in:\n${r.stdout}`);
      assert.ok(
        lines.slice(0, mask).every((l) => l.startsWith('::add-mask::')),
        'something was printed before the admin key was masked',
      );
      // The runner matches masks line by line: each line of the key is masked too, before anything is printed.
      const body = kbs.admin.privatePem.split('\n')[1]!;
      const lineMask = lines.indexOf(addMask(body));
      assert.ok(lineMask >= 0, `no ::add-mask:: of the admin key's base64 line in:\n${r.stdout}`);
      assert.ok(lines.slice(0, lineMask).every((l) => l.startsWith('::add-mask::')));
      assert.ok(
        lines.every((l, i) => i === mask || i === lineMask || !l.includes(body)) && !r.stderr.includes(body),
        'the admin key is printed',
      );

      assert.equal(kbs.stored.length, 1);
      const kid = `kbs://${kbs.stored[0]!.path.replace('/kbs/v0/resource', '')}`;
      assert.match(r.stdout, new RegExp(`registered a fresh KEK at ${kbs.url} as ${kid}`));
      const enc = join(ws.dir, 'encrypted');
      for (const l of layersOf(enc)) {
        const packet = JSON.parse(Buffer.from(l.annotations![ANNOTATION]!, 'base64').toString('utf8')) as {
          kid: string;
        };
        assert.equal(packet.kid, kid);
      }
      const kek = kbs.writeStoredKek(tempDir());
      const dec = join(tempDir(), 'plain');
      const d = runCli([
        'decrypt',
        '--layout',
        enc,
        '--output',
        dec,
        '--key',
        `provider:attestation-agent:keypath=${kek}`,
      ]);
      assert.equal(d.status, 0, d.stderr);
      assert.deepEqual(
        layersOf(dec).map((l) => l.digest),
        ws.image.layers.map((l) => l.digest),
      );
    });
  });
}

describe('dist/index.js: a KBS that refuses, kbs-url alone', () => {
  const node = NODES[0]!;

  test('an untrusted admin key: the step fails on kbs-admin-key (401), no output, nothing written', async () => {
    const kbs = await startKbs();
    const ws = workspaceWithImage();
    const stranger = keyPair('ed25519').privatePem;
    const r = await runAction(
      node.bin,
      {
        layout: ws.layout,
        output: 'encrypted',
        recipients: 'provider:attestation-agent',
        'kbs-url': kbs.url,
        'kbs-admin-key': stranger,
      },
      { workspace: ws.dir },
    );
    const message = assertFailedOn(r, 'kbs-admin-key');
    assert.match(message, /answered 401/);
    assert.ok(r.stdout.includes(addMask(stranger.trim())), 'the key was not masked');
    assert.equal(kbs.stored.length, 0);
    assert.ok(!existsSync(join(ws.dir, 'encrypted')), 'the output was written');
  });

  test('kbs-url without kbs-admin-key: one error naming both', async () => {
    const kbs = await startKbs();
    const ws = workspaceWithImage();
    const r = await runAction(
      node.bin,
      {
        layout: ws.layout,
        output: 'encrypted',
        recipients: 'provider:attestation-agent',
        'kbs-url': kbs.url,
      },
      { workspace: ws.dir },
    );
    assert.match(assertFailedOn(r, 'kbs-admin-key'), /is empty but kbs-url is set/);
    assert.equal(kbs.stored.length + kbs.refused.length, 0);
  });
});
