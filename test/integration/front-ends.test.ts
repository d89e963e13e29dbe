/**
 * One request layer for all front ends: the CLI (dist/cli as a child process), the Action (dist/index.js under
 * the runner contract) and the Tekton Task (its step script, simulated) reject the same bad value with the same
 * error line. No registry is reached: every value here fails while the request is built.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, loadDoc, podDir, resolveTaskStep, runStep, TASK_FILE } from '../../tekton/tests/simulate.js';
import { keysVolume, newPod, recipients } from '../../tekton/tests/support.js';
import { NODES, runAction, workspaceWithImage } from './action/support.js';

const IMAGE = '127.0.0.1:9/team/app:v1';
const CLI = join(ROOT, 'dist', 'cli', 'index.js');
const task = loadDoc(TASK_FILE);
const keys = recipients();

interface Row {
  name: string;
  /** The Action input, the CLI flag and the Tekton param, each with the same bad value. */
  action: Record<string, string>;
  cli: string[];
  tekton: Record<string, string>;
  /** Tekton workspaces besides source and, unless `noKeys`, encryption-keys. */
  noKeys?: boolean;
  expect: RegExp;
}

/** An empty folder: a ca-certs workspace with no certificate. */
const emptyCa = podDir(newPod().root, 'ca');

/** A value given the same way everywhere: Action input, CLI flag (with `=`), Tekton param. */
function value(input: string, param: string, v: string, expect: RegExp, flag = input): Row {
  return {
    name: `${input}=${v}`,
    action: { [input]: v },
    cli: [`--${flag}=${v}`],
    tekton: { [param]: v },
    expect,
  };
}

const ROWS: Row[] = [
  value('encrypt-layers', 'ENCRYPT_LAYERS', 'top', /encrypt-layers: "top" is not a layer index/),
  value('tls-verify', 'TLS_VERIFY', 'maybe', /tls-verify: "maybe" is not true or false/),
  value('verify', 'VERIFY', 'sometimes', /verify: "sometimes" is not true or false/),
  value('retries', 'RETRIES', 'many', /retries: "many" is not a whole number from 0 to 20/),
  value('attestations', 'ATTESTATIONS', 'encrypt', /attestations: "encrypt" is not drop or keep/),
  value('platforms', 'PLATFORMS', 'linux', /platforms: invalid platform "linux"/, 'platform'),
  value('config-secrets', 'CONFIG_SECRETS', 'error', /config-secrets: "error" is not warn, fail or off/),
  value(
    'expect-recipients',
    'EXPECT_RECIPIENTS',
    'sha256:abc',
    /expect-recipients: "sha256:abc" is not a recipient fingerprint/,
  ),
  {
    name: 'a CA folder with no certificate (ca-cert, --ca-file, the ca-certs workspace)',
    action: { 'ca-cert': emptyCa },
    cli: ['--ca-file', emptyCa],
    tekton: {},
    expect: /ca-cert: .* holds no \*\.crt or \*\.pem file/,
  },
  {
    name: 'no recipient (public-keys, --recipient, the encryption-keys workspace)',
    action: { 'public-keys': '' },
    cli: [],
    tekton: {},
    noKeys: true,
    expect: /public-keys and recipients are both empty/,
  },
];

/** The one error line a CLI run printed, whole, as the user reads it: `error[E_CODE]: message (hint)`. */
function cliLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() && !l.startsWith('warning: '));
  assert.equal(lines.length, 1, `one error line:\n${stderr}`);
  return lines[0]!;
}

test('the CLI, the Action and the Tekton Task reject each bad value with the same line', async (t) => {
  for (const row of ROWS) {
    await t.test(row.name, async () => {
      const pod = newPod();
      const keyArgs = row.noKeys ? [] : ['--recipient', join(keysVolume(pod, keys), 'team.pub.pem')];
      const cli = spawnSync(
        process.execPath,
        [CLI, 'encrypt', '--layout', pod.layout, '--image', IMAGE, ...keyArgs, ...row.cli],
        { encoding: 'utf8' },
      );
      assert.notEqual(cli.status, 0);
      const fromCli = cliLine(cli.stderr);

      const ws = workspaceWithImage();
      const action = await runAction(
        NODES[0]!.bin,
        { layout: ws.layout, image: IMAGE, 'public-keys': keys.rsa.publicPem, ...row.action },
        { workspace: ws.dir },
      );
      assert.equal(action.status, 1);
      assert.equal(action.errors.length, 1, action.stdout);
      const fromAction = action.errors[0]!;

      const step = resolveTaskStep(task, {
        params: { IMAGE, ...row.tekton },
        workspaces: {
          source: pod.source,
          ...(row.noKeys ? {} : { 'encryption-keys': keysVolume(newPod(), keys) }),
          ...(row.action['ca-cert'] ? { 'ca-certs': emptyCa } : {}),
        },
        resultsDir: pod.results,
      });
      const tekton = await runStep(step, pod.root);
      assert.notEqual(tekton.status, 0);
      const fromTekton = cliLine(tekton.stderr);

      assert.match(fromCli, row.expect);
      assert.equal(fromAction, fromCli, 'the Action and the CLI differ');
      assert.equal(fromTekton, fromCli, 'Tekton and the CLI differ');
    });
  }
});
