/**
 * Shared by the step-run tests (not a test file itself): a pod folder with the workspaces a run binds, and
 * skopeo checks of what landed in the registry.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyPair, sha256, tempDir, type KeyPair } from '../../test/helpers/fixtures.js';
import type { Registry } from '../../test/helpers/registry/registry.js';
import { skopeo } from '../../test/helpers/peers.js';
import { assertEncrypted, assertSameLayers, secretImage } from '../../test/interop/interop.js';
import { podDir, podRoot, secretVolume } from './simulate.js';
import type { Doc } from './validate.js';

export interface Pod {
  root: string;
  /** The source workspace, holding the layout at image/. */
  source: string;
  layout: string;
  /** /tekton/results stand-in. */
  results: string;
}

/** A pod folder with a source workspace holding a two-layer layout (secrets in both layers) and empty results. */
export function newPod(): Pod {
  const root = podRoot();
  const source = podDir(root, 'source');
  const layout = join(source, 'image');
  secretImage(layout);
  return { root, source, layout, results: podDir(root, 'results', true) };
}

export interface Recipients {
  rsa: KeyPair;
  ec: KeyPair;
  /** Public keys as a mounted Secret would hold them: team.pub.pem (PEM SPKI) and ops.pub.jwk (JWK). */
  files: Record<string, string>;
}

export function recipients(): Recipients {
  const rsa = keyPair('rsa2048');
  const ec = keyPair('p256');
  return {
    rsa,
    ec,
    files: {
      'team.pub.pem': rsa.publicPem,
      'ops.pub.jwk': JSON.stringify(ec.publicKey.export({ format: 'jwk' })),
    },
  };
}

export function keysVolume(pod: Pod, r: Recipients): string {
  return secretVolume(join(pod.root, 'encryption-keys'), r.files);
}

/** docker config JSON for the registry's first user. */
export function dockerConfig(reg: Registry): string {
  const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
  return JSON.stringify({ auths: { [reg.host]: { auth } } });
}

/** How skopeo reaches the registry: plain HTTP, or TLS with the test CA and the docker config. */
export function skopeoAccess(reg: Registry): string[] {
  if (!reg.caFile) return ['--tls-verify=false'];
  const dir = tempDir('oep-skopeo-');
  mkdirSync(join(dir, 'certs'));
  copyFileSync(reg.caFile, join(dir, 'certs', 'ca.crt'));
  writeFileSync(join(dir, 'auth.json'), dockerConfig(reg), { mode: 0o600 });
  return [`--cert-dir=${join(dir, 'certs')}`, `--authfile=${join(dir, 'auth.json')}`];
}

/** The manifest bytes the registry serves for ref, exactly. */
export function rawManifest(ref: string, access: string[]): Buffer {
  const r = spawnSync('skopeo', ['--insecure-policy', 'inspect', '--raw', ...access, `docker://${ref}`], {
    maxBuffer: 16 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `skopeo inspect --raw ${ref}: ${r.stderr.toString()}`);
  return r.stdout;
}

export function digestOf(ref: string, access: string[]): string {
  return sha256(rawManifest(ref, access));
}

const srcFlags = (access: string[]) => access.map((a) => a.replace(/^--/, '--src-'));

/**
 * What the registry holds at ref: copied as is, its layers are the source's, encrypted; decrypted by skopeo with
 * each private key, they are the source's layers byte for byte.
 */
export function assertEncryptedFor(ref: string, access: string[], pod: Pod, keys: KeyPair[]): void {
  const dir = tempDir('oep-check-');
  skopeo(['copy', '--quiet', ...srcFlags(access), `docker://${ref}`, `oci:${join(dir, 'enc')}:latest`]);
  assertEncrypted(join(dir, 'enc'), pod.layout);
  keys.forEach((k, i) => {
    const key = join(dir, `key-${i}.pem`);
    writeFileSync(key, k.privatePem, { mode: 0o600 });
    const out = join(dir, `plain-${i}`);
    skopeo([
      'copy',
      '--quiet',
      ...srcFlags(access),
      '--decryption-key',
      key,
      `docker://${ref}`,
      `oci:${out}:latest`,
    ]);
    assertSameLayers(out, pod.layout);
  });
}

/**
 * The results of a run that pushed to repository (then image@digest), as Tekton reads them: the string results,
 * and IMAGE_ARTIFACT_OUTPUTS parsed as the object Tekton Chains' slsa/v2alpha4 reads. Its keys are exactly the
 * properties doc declares (Tekton refuses an object result with keys it does not declare), its digest is the
 * pushed one and isBuildArtifact is "true", so the image is the build's subject.
 */
export function splitResults(
  results: Record<string, string>,
  doc: Doc,
  image: string,
  digest: string,
): Record<string, string> {
  const { IMAGE_ARTIFACT_OUTPUTS: text, ...strings } = results;
  assert.ok(text !== undefined, 'IMAGE_ARTIFACT_OUTPUTS was not written');
  const declared = (doc.value.spec as { results: { name: string; properties?: object }[] }).results.find(
    (r) => r.name === 'IMAGE_ARTIFACT_OUTPUTS',
  );
  assert.ok(declared?.properties, `${doc.name} declares no object result IMAGE_ARTIFACT_OUTPUTS`);
  const value = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(value).sort(), Object.keys(declared.properties).sort());
  assert.deepEqual(value, { uri: image, digest, isBuildArtifact: 'true' });
  return strings;
}

/** Tags of a repository; [] when it does not exist. */
export function tagsOf(repo: string, access: string[]): string[] {
  const r = spawnSync('skopeo', ['--insecure-policy', 'list-tags', ...access, `docker://${repo}`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    assert.match(r.stderr, /unknown|not found|NAME_UNKNOWN/i, r.stderr);
    return [];
  }
  return (JSON.parse(r.stdout) as { Tags: string[] | null }).Tags ?? [];
}
