/**
 * --tls-verify=false allows plain HTTP, but only where HTTPS cannot even start (connection refused, TLS handshake
 * failure), with a warning line naming the host each time, and a plain-HTTP token realm only on the registry's
 * own host. Real distribution 2.8 registries; the fault proxy (TLS) breaks answers after they began, and a small
 * server on 127.0.0.3 plays a token realm on another host, recording what it receives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import { startFaultProxy } from '../../helpers/registry/fault-proxy.js';
import { reply, startOrigin } from '../../helpers/registry/origin.js';
import { needRegistry, useRegistry } from '../../helpers/registry/registry.js';
import { startTokenIssuer } from '../../helpers/registry/token-server.js';
import { endpoint, pushInProcess, sourceImage } from './support.js';

const INSECURE = { tlsVerify: false, ca: undefined };
const warnings = (logs: string[]) => logs.filter((l) => /plain HTTP/.test(l));

test('a plain-HTTP registry is used after the HTTPS handshake fails, with one warning naming it', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const r = await pushInProcess(sourceImage(), endpoint(reg), 'team/app:v1', { registry: INSECURE });
  assert.equal(r.error, undefined, String(r.error));
  const w = warnings(r.logs);
  assert.equal(w.length, 1, r.logs.join('\n'));
  assert.match(w[0]!, /^warning: /);
  assert.ok(w[0]!.includes(reg.host), w[0]);
});

for (const [name, fault] of [
  ['reset after the TLS connection was set up', { ms: 50, then: 'reset' as const }],
  ['stall past the timeout', { ms: 2000, then: 'forward' as const }],
] as const) {
  test(`an HTTPS answer that began and then failed (${name}) never falls back to plain HTTP`, async (t) => {
    if (!needRegistry(t, 'htpasswd')) return;
    const reg = await useRegistry(t, { mode: 'htpasswd' });
    const proxy = await startFaultProxy(reg);
    t.after(() => proxy.close());
    proxy.when('GET', /^\/v2\/$/).stall(fault.ms, Infinity, { then: fault.then });

    const r = await pushInProcess(sourceImage(), endpoint(reg, proxy), 'team/app:v1', {
      registry: { ...INSECURE, timeoutMs: 300, retries: 1 },
    });

    assert.ok(isOepError(r.error, 'E_NETWORK'), String(r.error));
    assert.ok(r.error.message.includes(`https://${proxy.host}/v2/`), r.error.message);
    assert.equal(proxy.tlsClientErrors, 0, 'no plain-HTTP request reached the HTTPS port');
    assert.deepEqual(warnings(r.logs), []);
  });
}

test('a plain-HTTP token realm on another host than the registry receives nothing', async (t) => {
  if (!needRegistry(t, 'token')) return;
  const realm = await startOrigin(t, '127.0.0.3', (_q, res) => reply(res, 200), { tls: false });
  const reg = await useRegistry(t, { mode: 'token', tokenRealm: `${realm.url}/token` });
  const r = await pushInProcess(sourceImage(), endpoint(reg), 'team/app:v1', { registry: INSECURE });
  assert.ok(isOepError(r.error, 'E_AUTH'), String(r.error));
  assert.ok(r.error.message.includes(realm.url), r.error.message);
  assert.ok(!r.error.describe().includes(reg.password));
  assert.equal(realm.requests.length, 0);
});

test("a plain-HTTP token realm on the registry's own host is used, with a warning naming it", async (t) => {
  if (!needRegistry(t, 'token')) return;
  const users = { tester: 'token-user-pw-3' };
  const issuer = await startTokenIssuer({ users, tls: false });
  t.after(() => issuer.close());
  const reg = await useRegistry(t, { mode: 'token', users, issuer });
  const r = await pushInProcess(sourceImage(), endpoint(reg), 'team/app:v1', { registry: INSECURE });
  assert.equal(r.error, undefined, String(r.error));
  assert.ok(issuer.requests.some((q) => q.user === 'tester' && q.status === 200));
  const w = warnings(r.logs);
  assert.equal(w.length, 1, r.logs.join('\n'));
  assert.ok(w[0]!.includes(new URL(issuer.url).host), w[0]);
});

test('reading an image over plain HTTP (inspect --image) warns once, naming the host', async (t) => {
  if (!needRegistry(t, 'plain')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pushed = await pushInProcess(sourceImage(), endpoint(reg), 'team/app:v1', { registry: INSECURE });
  assert.equal(pushed.error, undefined, String(pushed.error));
  const logs: string[] = [];
  await inspectImage({
    image: `${reg.host}/team/app:v1`,
    registry: { tlsVerify: false, retries: 0, env: {} },
    log: (l) => logs.push(l),
  });
  const w = warnings(logs);
  assert.equal(w.length, 1, logs.join('\n'));
  assert.ok(w[0]!.includes(reg.host), w[0]);
});
