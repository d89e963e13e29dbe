/**
 * How the Action fails, as the runner sees it: exit code 1, one `::error::` line that names the input at fault
 * (and says how to fix it), no digest output, and nothing pushed. dist/index.js under node24 and this
 * machine's node.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { keyPair } from '../../helpers/fixtures.js';
import { needPeer } from '../../helpers/peers.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import { assertFailedOn, inspectRaw, NODES, runAction, skopeoAccess, workspaceWithImage } from './support.js';

const rsa = keyPair('rsa2048');

/** Bad inputs that fail before any registry is needed: one changed field of a good output-only run each. */
const BAD: { name: string; inputs: Record<string, string | undefined>; input: string; pattern: RegExp }[] = [
  { name: 'layout not given', inputs: { layout: undefined }, input: 'layout', pattern: /is required/ },
  {
    name: 'layout missing',
    inputs: { layout: 'no-such-dir' },
    input: 'layout',
    pattern: /no-such-dir does not exist/,
  },
  {
    name: 'encrypt-layers not a list',
    inputs: { 'encrypt-layers': 'top' },
    input: 'encrypt-layers',
    pattern: /"top" is not a layer index/,
  },
  {
    name: 'encrypt-layers out of range',
    inputs: { 'encrypt-layers': '0,5' },
    input: 'encrypt-layers',
    pattern: /index 5 is out of range/,
  },
  { name: 'retries not a number', inputs: { retries: 'many' }, input: 'retries', pattern: /"many"/ },
  { name: 'retries too many', inputs: { retries: '100' }, input: 'retries', pattern: /0 to 20/ },
  {
    name: 'tls-verify not a boolean',
    inputs: { 'tls-verify': 'maybe' },
    input: 'tls-verify',
    pattern: /not true or false/,
  },
  { name: 'verify not a boolean', inputs: { verify: 'yes' }, input: 'verify', pattern: /not true or false/ },
  {
    name: 'no key at all',
    inputs: { 'public-keys': undefined },
    input: 'public-keys',
    pattern: /no key to encrypt for/,
  },
  {
    name: 'neither image nor output',
    inputs: { output: undefined },
    input: 'image',
    pattern: /nothing to do/,
  },
  { name: 'platforms malformed', inputs: { platforms: 'linux' }, input: 'platforms', pattern: /linux/ },
  // These three need the src/action fixes of this change in dist/ (npm run bundle).
  {
    name: 'bare tags and no image',
    inputs: { output: undefined, tags: 'v1\nv2' },
    input: 'tags',
    pattern: /bare tags/,
  },
  { name: 'ca-cert junk', inputs: { 'ca-cert': 'not-a-ca.pem' }, input: 'ca-cert', pattern: /not-a-ca\.pem/ },
  {
    name: 'digest-file in a missing folder',
    inputs: { 'digest-file': 'no/such/dir/digest.txt' },
    input: 'digest-file',
    pattern: /cannot write no\/such\/dir\/digest\.txt \(ENOENT\)/,
  },
];

for (const node of NODES) {
  describe(`dist/index.js under ${node.name} fails naming the input`, () => {
    for (const { name, inputs, input, pattern } of BAD) {
      test(`${name}: names ${input}`, async () => {
        const ws = workspaceWithImage();
        const all: Record<string, string | undefined> = {
          layout: ws.layout,
          output: 'encrypted',
          'public-keys': rsa.publicPem,
          ...inputs,
        };
        const given = Object.fromEntries(
          Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined),
        );
        const r = await runAction(node.bin, given, { workspace: ws.dir });
        const message = assertFailedOn(r, input);
        assert.match(message, pattern);
        assert.equal(r.outputs['platform-digests'], undefined);
        assert.equal(r.outputs.report, undefined);
        assert.equal(r.summary, '', 'a failed run wrote a summary');
      });
    }

    test('a private key in public-keys: names public-keys, never prints the key, pushes nothing', async (t) => {
      if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
      const reg = await useRegistry(t, { mode: 'plain' });
      const ws = workspaceWithImage();
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          image: `${reg.host}/app:v1`,
          'public-keys': rsa.privatePem,
          'tls-verify': 'false',
        },
        { workspace: ws.dir },
      );
      const message = assertFailedOn(r, 'public-keys');
      assert.match(message, /private key/);
      assert.match(message, /\(give the public half/, 'no hint');
      const keyLine = rsa.privatePem.split('\n')[1]!;
      assert.ok(!r.stdout.includes(keyLine) && !r.stderr.includes(keyLine), 'the private key is in the log');
      assert.equal(
        inspectRaw(skopeoAccess(reg, ''), `${reg.host}/app:v1`),
        undefined,
        'something was pushed',
      );
    });

    test('a wrong password: names username/password with a hint, no digest, nothing pushed, masked', async (t) => {
      if (!needRegistry(t, 'htpasswd') || !needPeer(t, 'skopeo')) return;
      const reg = await useRegistry(t, { mode: 'htpasswd' });
      const ws = workspaceWithImage();
      const wrong = `${reg.password}-wrong`;
      const r = await runAction(
        node.bin,
        {
          layout: ws.layout,
          image: `${reg.host}/app:v1`,
          'public-keys': rsa.publicPem,
          'ca-cert': readFileSync(reg.caFile!, 'utf8'),
          username: reg.username,
          password: wrong,
        },
        { workspace: ws.dir },
      );
      const message = assertFailedOn(r, 'username/password');
      assert.match(message, /401/);
      assert.match(message, / \(.+\)$/, `no hint in ${message}`);
      assert.deepEqual(
        r.stdout.split('\n').filter((l) => l.includes(wrong)),
        [`::add-mask::${wrong}`],
        'the password appears in the log outside ::add-mask::',
      );
      assert.equal(
        inspectRaw(skopeoAccess(reg, ''), `${reg.host}/app:v1`),
        undefined,
        'something was pushed',
      );
    });
  });
}
