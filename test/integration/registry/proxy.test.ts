/**
 * Behind an egress proxy: the CLI (a process that loads only the parts of undici we use) pushes through
 * HTTP_PROXY to a plain-HTTP registry and through HTTPS_PROXY to a TLS one, each request in a CONNECT tunnel,
 * and what landed is what it printed. NO_PROXY sends it straight to the registry.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from '../../helpers/fixtures.js';
import { startConnectProxy } from '../../helpers/registry/connect-proxy.js';
import { needRegistry, useRegistry, type RegistryMode } from '../../helpers/registry/registry.js';
import { cli, cliTransport, endpoint, inspectRaw, printedDigest, sourceImage } from './support.js';

for (const [mode, variable] of [
  ['plain', 'HTTP_PROXY'],
  ['htpasswd', 'HTTPS_PROXY'],
] as [RegistryMode, string][]) {
  test(`a push through ${variable} to a ${mode} registry goes through the proxy's tunnels; NO_PROXY skips it`, async (t) => {
    if (!needRegistry(t, mode)) return;
    const reg = await useRegistry(t, { mode });
    const proxy = await startConnectProxy();
    t.after(() => proxy.close());
    const ep = endpoint(reg);
    const src = sourceImage();
    const creds = mode === 'plain' ? [] : ['--username', reg.username, '--password-stdin'];
    const push = (tag: string, env: Record<string, string>) =>
      cli(
        [
          'encrypt',
          '--layout',
          src.layout,
          '--image',
          `${reg.host}/team/app:${tag}`,
          '--recipient',
          `jwe:${src.pub}`,
        ].concat(cliTransport(ep), creds),
        { env, ...(mode === 'plain' ? {} : { input: `${reg.password}\n` }) },
      );

    const r = await push('v1', { [variable]: proxy.url });
    const digest = printedDigest(r);
    assert.equal(sha256(await inspectRaw(ep, 'team/app:v1')), digest);
    assert.ok(proxy.tunnels.length > 0, 'no request went through the proxy');
    assert.deepEqual(new Set(proxy.tunnels), new Set([reg.host]), 'tunnels only to the registry');

    const before = proxy.tunnels.length;
    printedDigest(await push('v2', { [variable]: proxy.url, NO_PROXY: '127.0.0.1' }));
    assert.equal(proxy.tunnels.length, before, 'NO_PROXY: no tunnel');
  });
}
