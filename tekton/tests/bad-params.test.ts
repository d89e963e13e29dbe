/**
 * The Task's step with bad inputs, against a real (plain) registry so that each failure is the input's and not a
 * connection's: it exits non-zero with one error line that names what is wrong, writes no result file (Tekton
 * Chains must never see a digest for a failed push), and pushes nothing. Param values are never run as shell.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needPeer } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import { loadDoc, podDir, resolveTaskStep, runStep, secretVolume, TASK_FILE } from './simulate.js';
import { keysVolume, newPod, recipients, skopeoAccess, tagsOf, type Pod } from './support.js';

const task = loadDoc(TASK_FILE);

interface Case {
  title: string;
  params?: Record<string, string>;
  /** Workspaces besides source; by default encryption-keys with two public keys. */
  workspaces?: (pod: Pod) => Record<string, string>;
  error: RegExp;
}

const keys = recipients();
const withKeys = (pod: Pod) => ({ 'encryption-keys': keysVolume(pod, keys) });

const CASES: Case[] = [
  {
    title: 'no recipient at all',
    workspaces: () => ({}),
    error:
      /public-keys and recipients are both empty: there is no key to encrypt for \(.*encryption-keys workspace or RECIPIENTS in Tekton\)$/,
  },
  {
    title: 'an encryption-keys Secret with no key in it',
    workspaces: (pod) => ({ 'encryption-keys': secretVolume(join(pod.root, 'keys'), {}) }),
    error:
      /public-keys and recipients are both empty: there is no key to encrypt for \(.*encryption-keys workspace or RECIPIENTS in Tekton\)$/,
  },
  {
    title: 'a private key in the encryption-keys Secret',
    workspaces: (pod) => ({
      'encryption-keys': secretVolume(join(pod.root, 'keys'), {
        'team.pub.pem': keys.rsa.publicPem,
        'team.key.pem': keys.rsa.privatePem,
      }),
    }),
    error: /team\.key\.pem is a private key, but a recipient needs a public key/,
  },
  { title: 'IMAGE with upper case', params: { IMAGE: 'HOST/Team/App:v1' }, error: /invalid image reference/ },
  {
    title: 'IMAGE naming a digest',
    params: { IMAGE: `HOST/team/app@sha256:${'0'.repeat(64)}` },
    error: /names a digest/,
  },
  {
    title: 'ENCRYPT_LAYERS beyond the top',
    params: { ENCRYPT_LAYERS: '5' },
    error: /index 5 is out of range.*2 layers/,
  },
  {
    title: 'ENCRYPT_LAYERS below the base',
    params: { ENCRYPT_LAYERS: '-3' },
    error: /index -3 is out of range/,
  },
  {
    title: 'ENCRYPT_LAYERS not a number',
    params: { ENCRYPT_LAYERS: 'top' },
    error: /"top" is not a layer index/,
  },
  { title: 'LAYOUT missing', params: { LAYOUT: 'build/image' }, error: /layout build\/image does not exist/ },
  {
    title: 'TLS_VERIFY neither true nor false',
    params: { TLS_VERIFY: 'maybe' },
    error: /tls-verify: "maybe" is not true or false/,
  },
  {
    title: 'RETRIES not a number',
    params: { RETRIES: 'many' },
    error: /retries: "many" is not a whole number/,
  },
  {
    title: 'ATTESTATIONS neither drop nor keep',
    params: { ATTESTATIONS: 'encrypt' },
    error: /attestations: "encrypt" is not drop or keep/,
  },
  { title: 'REF_NAME not in the layout', params: { REF_NAME: 'v9' }, error: /no image has ref name "v9"/ },
  {
    title: 'RECIPIENTS file missing',
    params: { RECIPIENTS: 'jwe:keys/nope.pem' },
    error: /keys\/nope\.pem: cannot read/,
  },
  {
    title: 'a dockerconfig workspace with neither file',
    workspaces: (pod) => ({ ...withKeys(pod), dockerconfig: podDir(pod.root, 'docker') }),
    error: /^error\[E_USAGE\]: dockerconfig: neither config\.json nor \.dockerconfigjson/,
  },
  {
    title: 'a ca-certs workspace with no certificate',
    workspaces: (pod) => ({ ...withKeys(pod), 'ca-certs': podDir(pod.root, 'ca') }),
    error: /ca-cert: .*\/ca holds no \*\.crt or \*\.pem file/,
  },
  {
    title: 'shell in TAGS is not run',
    params: { TAGS: '$(touch pwned) `touch pwned` * ;touch pwned' },
    error: /invalid image reference "\$\(touch"/,
  },
];

test('Task with bad inputs: non-zero, one error line, no result file, nothing pushed', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  for (const c of CASES) {
    await t.test(c.title, async () => {
      const pod = newPod();
      const params = Object.fromEntries(
        Object.entries({ IMAGE: `${reg.host}/team/app:v1`, TLS_VERIFY: 'false', ...c.params }).map(
          ([k, v]) => [k, v.replace('HOST', reg.host)],
        ),
      );
      const step = resolveTaskStep(task, {
        params,
        workspaces: { source: pod.source, ...(c.workspaces ?? withKeys)(pod) },
        resultsDir: pod.results,
      });
      const r = await runStep(step, pod.root);
      assert.notEqual(r.status, 0, `should have failed:\n${r.stderr}`);
      // TLS_VERIFY=false earns a plain-HTTP warning before the failure; besides it, exactly one line.
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('warning: '));
      assert.equal(lines.length, 1, `one error line, got:\n${r.stderr}`);
      assert.match(lines[0]!, c.error);
      assert.equal(r.stdout, '');
      assert.deepEqual(readdirSync(pod.results), [], 'a result file was written');
      for (const dir of [pod.source, pod.root, join(pod.root, 'home')])
        assert.ok(!existsSync(join(dir, 'pwned')), `a param value ran as shell in ${dir}`);
    });
  }
  assert.deepEqual(tagsOf(`${reg.host}/team/app`, skopeoAccess(reg)), [], 'a failed run pushed a tag');
});
