/**
 * Explicit credentials (--username/--password-stdin, the Action's username/password) belong to the registry of
 * `image` only. A tag on another registry gets that registry's own login (docker config.json here) or nothing,
 * and the log says per host where its credential came from, never the credential. Two real distribution 2.8
 * registries (TLS + htpasswd, different users); a fault proxy in front of the second records what it received.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/fixtures.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import { endpoint, pushInProcess, sourceImage } from './support.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

async function twoRegistries(t: TestContext) {
  const main = await useRegistry(t, { mode: 'htpasswd', users: { alice: 'alice-secret-pw-1' } });
  const other = await useRegistry(t, { mode: 'htpasswd', users: { bob: 'bob-secret-pw-2' } });
  const otherProxy = await startFaultProxy(other);
  t.after(() => otherProxy.close());
  return { main, other, otherProxy };
}

test('explicit credentials go to the image registry only; a tag registry uses its docker config login', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const { main, otherProxy } = await twoRegistries(t);
  const dockerDir = join(tempDir(), 'docker');
  mkdirSync(dockerDir);
  const configPath = join(dockerDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      auths: { [otherProxy.host]: { auth: Buffer.from('bob:bob-secret-pw-2').toString('base64') } },
    }),
  );

  const secrets: string[] = [];
  const r = await pushInProcess(sourceImage(), endpoint(main), 'team/app:v1', {
    tags: [`${otherProxy.host}/mirror/app:v1`],
    registry: { env: { DOCKER_CONFIG: dockerDir }, onSecret: (s: string) => secrets.push(s) },
  });

  assert.equal(r.error, undefined, String(r.error));
  // Every secret found is handed to the front end to mask (the Action's core.setSecret), the config's too.
  for (const s of ['alice-secret-pw-1', 'bob-secret-pw-2', basic('bob', 'bob-secret-pw-2').slice(6)]) {
    assert.ok(secrets.includes(s), `${s.slice(0, 3)}… was not handed over to be masked`);
  }
  assert.deepEqual(r.report!.tags, [`${main.host}/team/app:v1`, `${otherProxy.host}/mirror/app:v1`]);
  const sent = otherProxy.log.map((e) => e.authorization).filter((a) => a !== undefined);
  assert.ok(sent.length > 0, 'the tag registry was authenticated to');
  assert.ok(
    !sent.includes(basic('alice', 'alice-secret-pw-1')),
    "the image registry's password never went there",
  );
  assert.deepEqual([...new Set(sent)], [basic('bob', 'bob-secret-pw-2')]);
  assert.ok(r.logs.includes(`credentials for ${main.host}: username/password`), r.logs.join('\n'));
  assert.ok(
    r.logs.includes(`credentials for ${otherProxy.host}: docker config ${configPath}`),
    r.logs.join('\n'),
  );
  for (const line of r.logs) assert.ok(!/alice-secret|bob-secret/.test(line), line);
});

test('a tag registry with no login of its own is tried anonymously and named in the error', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const { main, otherProxy } = await twoRegistries(t);

  const r = await pushInProcess(sourceImage(), endpoint(main), 'team/app:v1', {
    tags: [`${otherProxy.host}/mirror/app:v1`],
    registry: { env: { HOME: tempDir() } },
  });

  assert.ok(isOepError(r.error, 'E_AUTH'), String(r.error));
  assert.ok(r.error.message.includes(otherProxy.host), r.error.message);
  assert.deepEqual(
    otherProxy.log.filter((e) => e.authorization !== undefined),
    [],
    'no credentials at all went to the tag registry',
  );
  assert.ok(
    r.logs.includes(
      `credentials for ${otherProxy.host}: none (anonymous; username/password are for ${main.host} only)`,
    ),
    r.logs.join('\n'),
  );
});
