/**
 * The README's pkcs7 usage, run as Tekton runs the Task (./simulate.ts): RECIPIENTS names one certificate kept in
 * the source workspace and one in the encryption-keys workspace by its path. skopeo, the reference, opens the
 * pushed image with each private key and its certificate (pkcs7), and the workspace's certificate also with its
 * key alone: as a file of encryption-keys it is a jwe: recipient as well.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCertificate } from '../../test/helpers/certs.js';
import { tempDir } from '../../test/helpers/fixtures.js';
import { needPeer, skopeo } from '../../test/helpers/peers.js';
import { needRegistry, useRegistry } from '../../test/helpers/registry/registry.js';
import { assertSameLayers, readManifest } from '../../test/interop/interop.js';
import { loadDoc, resolveTaskStep, runStep, secretVolume, TASK_FILE } from './simulate.js';
import { newPod, skopeoAccess } from './support.js';

const PKCS7 = 'org.opencontainers.image.enc.keys.pkcs7';
const JWE = 'org.opencontainers.image.enc.keys.jwe';

test('Task, RECIPIENTS pkcs7:certs/… and pkcs7:<encryption-keys>/…: skopeo opens it with each key and certificate', async (t) => {
  if (!needRegistry(t, 'plain') || !needPeer(t, 'skopeo')) return;
  const reg = await useRegistry(t, { mode: 'plain' });
  const pod = newPod();
  mkdirSync(join(pod.source, 'certs'));
  const team = makeCertificate(join(pod.source, 'certs'), 'release-team');
  const ops = makeCertificate(tempDir('oep-ops-cert-'), 'ops');
  const keysDir = secretVolume(join(pod.root, 'encryption-keys'), { 'ops.cert.pem': readFileSync(ops.cert) });
  const image = `${reg.host}/team/app:pkcs7`;
  const step = resolveTaskStep(loadDoc(TASK_FILE), {
    params: {
      IMAGE: image,
      TLS_VERIFY: 'false',
      RECIPIENTS: `pkcs7:certs/release-team.cert.pem pkcs7:${keysDir}/ops.cert.pem`,
    },
    workspaces: { source: pod.source, 'encryption-keys': keysDir },
    resultsDir: pod.results,
  });
  const r = await runStep(step, pod.root);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);

  const dir = tempDir('oep-pkcs7-check-');
  const src = skopeoAccess(reg).map((a) => a.replace(/^--/, '--src-'));
  skopeo(['copy', '--quiet', ...src, `docker://${image}`, `oci:${join(dir, 'enc')}:latest`]);
  for (const [i, l] of readManifest(join(dir, 'enc')).doc.layers.entries()) {
    // One EnvelopedData for both certificates, as ocicrypt writes it; each opens it below.
    assert.equal(l.annotations?.[PKCS7]?.split(',').length, 1, `layer ${i}: one pkcs7 envelope`);
    assert.equal(l.annotations?.[JWE]?.split(',').length, 1, `layer ${i}: one jwe recipient`);
  }
  const openWith = (name: string, files: string[]) => {
    const out = join(dir, name);
    const keys = files.flatMap((f) => ['--decryption-key', f]);
    skopeo(['copy', '--quiet', ...src, ...keys, `docker://${image}`, `oci:${out}:latest`]);
    assertSameLayers(out, pod.layout);
  };
  openWith('team', [team.key, team.cert]);
  openWith('ops', [ops.key, ops.cert]);
  openWith('ops-jwe', [ops.key]);
});
