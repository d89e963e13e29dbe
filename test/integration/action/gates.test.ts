/**
 * The release gates through the Action, as the runner runs it (dist/index.js under Node 24, INPUT_*, GITHUB_OUTPUT,
 * GITHUB_STEP_SUMMARY) against the real registry: verify-private-keys (key text from a secret, masked), then
 * expect-recipients and config-secrets, which stop the step before anything is uploaded. A secret value found
 * in the config never reaches stdout, stderr, the summary or GITHUB_OUTPUT.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fingerprintOf, keyPair, makeLayout } from '../../helpers/fixtures.js';
import { leakyImage } from '../../helpers/leaks.js';
import { needPeer } from '../../helpers/peers.js';
import { needRegistry, useRegistry, type Registry } from '../../helpers/registry/registry.js';
import {
  assertFailedOn,
  assertSucceeded,
  inspectRaw,
  NODES,
  runAction,
  skopeoAccess,
  workspaceWithImage,
} from './support.js';

const node24 = NODES[0]!;
const alice = keyPair('rsa2048');
const bob = keyPair('p256');
const fp = fingerprintOf;

/** The base64 lines of a PEM key: what must never show in the log but in the ::add-mask:: lines. */
const bodyLines = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'));

function uploadsLogged(reg: Registry): string[] {
  return reg.logs().match(/"(?:POST|PUT|PATCH) \/v2\/[^"]*"/g) ?? [];
}

/** The step pushing ./image (or inputs.layout) of `ws` for alice to the registry's team/app:v1. */
function push(reg: Registry, ws: { dir: string; layout: string }, inputs: Record<string, string>) {
  const base = {
    layout: ws.layout,
    image: `${reg.host}/team/app:v1`,
    'public-keys': alice.publicPem,
    'tls-verify': 'false',
  };
  return runAction(node24.bin, { ...base, ...inputs }, { workspace: ws.dir });
}

async function registry(t: TestContext): Promise<Registry | undefined> {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return undefined;
  return useRegistry(t, { mode: 'plain' });
}

describe(`dist/index.js under ${node24.name}: release gates`, () => {
  test('verify-private-keys, the right key as PEM text: pushed, tagged, masked; the summary says so', async (t) => {
    const reg = await registry(t);
    if (!reg) return;
    const ws = workspaceWithImage();
    const r = await push(reg, ws, {
      'verify-private-keys': alice.privatePem,
    });
    assertSucceeded(r);
    const report = JSON.parse(r.outputs.report!) as { gate: { keys: string[] } };
    assert.deepEqual(report.gate.keys, [fp(alice.publicKey)]);
    assert.match(
      r.summary,
      new RegExp(`\\*\\*Decryptability gate:\\*\\* passed for \`${fp(alice.publicKey)}\``),
    );
    assert.ok(r.summary.includes(`| RSA-2048 | RSA-OAEP | \`${fp(alice.publicKey)}\` |`), r.summary);
    const log = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    for (const line of bodyLines(alice.privatePem)) {
      assert.ok(r.stdout.includes(`::add-mask::${line}`), 'each line of the key is masked');
      assert.ok(!log.some((l) => l.includes(line)) && !r.stderr.includes(line), 'key text in the log');
      assert.ok(!r.outputFile.includes(line) && !r.summary.includes(line), 'key text in an output');
    }
    assert.ok(inspectRaw(skopeoAccess(reg, ''), `${reg.host}/team/app:v1`), 'the tag is there');
  });

  test('verify-private-keys with a key the image is not for: fails naming it; no tag, no digest output', async (t) => {
    const reg = await registry(t);
    if (!reg) return;
    const ws = workspaceWithImage();
    const r = await push(reg, ws, {
      'verify-private-keys': `${alice.privatePem}${bob.privatePem}`,
      'digest-file': 'digest.txt',
    });
    const message = assertFailedOn(r, 'verify-private-keys');
    assert.match(
      message,
      new RegExp(`decryptability gate: verify key ${fp(bob.publicKey)} .* does not open layer`),
    );
    assert.doesNotMatch(r.outputFile, /digest/, 'GITHUB_OUTPUT holds no digest');
    assert.equal(inspectRaw(skopeoAccess(reg, ''), `${reg.host}/team/app:v1`), undefined, 'no tag');
  });

  test('expect-recipients: a mismatch fails naming both fingerprints; nothing is uploaded', async (t) => {
    const reg = await registry(t);
    if (!reg) return;
    const ws = workspaceWithImage();
    const r = await push(reg, ws, {
      'expect-recipients': fp(bob.publicKey),
    });
    const message = assertFailedOn(r, 'expect-recipients');
    assert.ok(message.includes(`unexpected ${fp(alice.publicKey)} (public-keys)`), message);
    assert.ok(message.includes(`missing ${fp(bob.publicKey)}`), message);
    assert.deepEqual(uploadsLogged(reg), []);
  });

  test('config-secrets: warn reports where and the rule, fail uploads nothing; a value never shows', async (t) => {
    const reg = await registry(t);
    if (!reg) return;
    const ws = workspaceWithImage();
    const { spec, secrets } = leakyImage();
    makeLayout(join(ws.dir, 'leaky'), { layers: [{ files: { a: 'a' } }], ...spec });
    const failed = await push(reg, ws, { layout: 'leaky', 'config-secrets': 'fail' });
    assert.match(assertFailedOn(failed, 'config-secrets'), /hold 7 secret-shaped value\(s\)/);
    assert.deepEqual(uploadsLogged(reg), [], 'nothing was uploaded');

    const warned = await push(reg, ws, { layout: 'leaky' });
    assertSucceeded(warned);
    assert.ok(
      warned.stdout.includes(
        '::warning::warning: secret-shaped content in the plaintext image config: linux/amd64 config Env DB_PASSWORD: secret-name',
      ),
      warned.stdout,
    );
    // Escaped for Markdown as every string from the image is (history[1] NPM_TOKEN).
    assert.ok(
      warned.summary.includes('- linux/amd64 history&#91;1&#93; NPM&#95;TOKEN: secret-name'),
      warned.summary,
    );
    const report = JSON.parse(warned.outputs.report!) as { configSecrets: { where: string; rule: string }[] };
    assert.deepEqual(report.configSecrets[1], {
      platform: 'linux/amd64',
      where: 'config Env AWS_SECRET_ACCESS_KEY',
      rule: 'aws-secret-access-key',
    });
    for (const r of [failed, warned]) {
      for (const text of [r.stdout, r.stderr, r.summary, r.outputFile]) {
        for (const s of secrets) assert.ok(!text.includes(s), 'a secret value was printed or output');
      }
    }
  });
});
