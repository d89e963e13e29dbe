/**
 * Failures a user must be able to read and trust: a wrong password (htpasswd and token auth) or none at all
 * ends with exit 1, one error line that names the registry and says what to do, no digest on stdout and no tag
 * in the registry; a private key given as a recipient is refused before anything is written to the registry.
 */
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { needRegistry, useRegistry, type RegistryMode } from '../../helpers/registry/registry.js';
import {
  assertNoTag,
  cli,
  cliTransport,
  endpoint,
  sourceImage,
  storedRepositories,
  type ProcResult,
} from './support.js';

function errorLines(r: ProcResult): string[] {
  return r.stderr.split('\n').filter((l) => /^error\[E_[A-Z_]+\]: /.test(l));
}

for (const mode of ['htpasswd', 'token'] as RegistryMode[]) {
  test(`wrong password (${mode}) → exit 1, one error line naming the registry with a hint; no digest, no tag`, async (t) => {
    if (!needRegistry(t, mode)) return;
    const reg = await useRegistry(t, { mode });
    const src = sourceImage();
    const r = await cli(
      [
        'encrypt',
        '--layout',
        src.layout,
        '--image',
        `${reg.host}/app:v1`,
        '--recipient',
        `jwe:${src.pub}`,
        ...cliTransport(endpoint(reg)),
        '--username',
        reg.username,
        '--password-stdin',
      ],
      { input: `not-${reg.password}\n` },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '', 'no digest may be printed');
    const errors = errorLines(r);
    assert.equal(errors.length, 1, r.stderr);
    // In token mode the refusal comes from the token endpoint; the line must still name the repository.
    assert.ok(
      errors[0]!.includes(`${reg.host}/app`),
      `the error does not name ${reg.host}/app: ${errors[0]}`,
    );
    assert.match(errors[0]!, /401/);
    assert.match(
      errors[0]!,
      /\((?:log in|the credentials from|the registry refused the credentials).*\)$/,
      'a hint in parentheses ends the line',
    );
    assert.ok(!r.stderr.includes(reg.password), 'the password is printed');
    await assertNoTag(reg, 'app', 'v1');
  });
}

test('no credentials anywhere (empty HOME) → exit 1 with a hint to log in; no tag', async (t) => {
  if (!needRegistry(t, 'htpasswd')) return;
  const reg = await useRegistry(t, { mode: 'htpasswd' });
  const src = sourceImage();
  const r = await cli([
    'encrypt',
    '--layout',
    src.layout,
    '--image',
    `${reg.host}/app:v1`,
    '--recipient',
    `jwe:${src.pub}`,
    ...cliTransport(endpoint(reg)),
  ]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  const errors = errorLines(r);
  assert.equal(errors.length, 1, r.stderr);
  assert.ok(errors[0]!.includes(`${reg.host}/app`), errors[0]);
  assert.match(errors[0]!, /log in/);
  await assertNoTag(reg, 'app', 'v1');
});

for (const form of ['PKCS#8', 'PKCS#1'] as const) {
  test(`a private key (${form} PEM) as --recipient with --image fails before any network write`, async (t) => {
    if (!needRegistry(t, 'plain')) return;
    const reg = await useRegistry(t, { mode: 'plain' });
    const proxy = await startFaultProxy(reg);
    t.after(() => proxy.close());
    const src = sourceImage();
    let recipient = src.priv;
    if (form === 'PKCS#1') {
      recipient = join(src.dir, 'rsa.key.pem');
      const pem = createPrivateKey(src.keys.privatePem).export({ type: 'pkcs1', format: 'pem' });
      writeFileSync(recipient, pem, { mode: 0o600 });
    }
    const r = await cli([
      'encrypt',
      '--layout',
      src.layout,
      '--image',
      `${proxy.host}/app:v1`,
      '--recipient',
      `jwe:${recipient}`,
      '--tls-verify=false',
    ]);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, '');
    const errors = errorLines(r);
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, /private key/);
    assert.ok(errors[0]!.includes(recipient), 'the error names the key file at fault');
    const writes = proxy.log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD');
    assert.deepEqual(
      writes.map((e) => `${e.method} ${e.path}`),
      [],
      'something was written to the registry',
    );
    assert.deepEqual(storedRepositories(reg), [], 'the registry storage holds a repository');
    await assertNoTag(reg, 'app', 'v1');
  });
}
