/**
 * `npm run demo`: the main job end to end on the embedded engine, with no registry and no network.
 * Makes a throwaway key pair and a small image whose top layer holds a known secret, encrypts it to an OCI
 * layout with the CLI, shows that the secret appears in no encrypted blob, decrypts with the private key,
 * checks that every layer matches the original, and prints the digest.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyPair, makeLayout, writeKeyPair } from '../test/helpers/fixtures.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'src', 'cli', 'main.ts');

function step(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

function cli(args: string[], quiet = false): string {
  const shown = args.map((a) =>
    a.replace(/(^|:)(\/\S+)/, (_m, pre: string, p: string) => pre + relative(work, p)),
  );
  if (!quiet) process.stdout.write(`$ oci-encrypt-push ${shown.join(' ')}\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  if (!quiet || r.status !== 0) process.stdout.write(r.stderr.replace(/^(?=.)/gm, '  '));
  if (r.status !== 0) throw new Error(`oci-encrypt-push ${args[0]} failed with exit code ${r.status}`);
  return r.stdout.trim();
}

function blobs(layout: string): { digest: string; bytes: Buffer }[] {
  const dir = join(layout, 'blobs', 'sha256');
  return readdirSync(dir).map((hex) => ({ digest: `sha256:${hex}`, bytes: readFileSync(join(dir, hex)) }));
}

function layerDigests(layout: string): string[] {
  const report = JSON.parse(cli(['inspect', '--layout', layout, '--json'], true)) as {
    platforms: { layers: { digest: string }[] }[];
  };
  return report.platforms.flatMap((p) => p.layers.map((l) => l.digest));
}

const work = mkdtempSync(join(tmpdir(), 'oci-encrypt-push-demo-'));
process.chdir(work);
try {
  const secret = `demo-secret-${randomBytes(12).toString('hex')}`;

  step('1. A throwaway key pair (RSA 4096) and a sample image whose top layer holds a secret');
  const keys = writeKeyPair(work, 'demo', keyPair('rsa4096'));
  const source = join(work, 'image');
  makeLayout(source, {
    layers: [
      { files: { 'etc/os-release': 'NAME=demo\n' } },
      // Uncompressed on purpose: the secret is readable in the plaintext blob, so its absence below means something.
      { files: { 'app/secret.txt': `${secret}\n` }, compression: 'none' },
    ],
  });
  const plainHits = blobs(source).filter((b) => b.bytes.includes(secret)).length;
  process.stdout.write(`image/ written; the secret is readable in ${plainHits} of its blobs\n`);

  step('2. Encrypt every layer for the public key, into a new OCI layout');
  const encrypted = join(work, 'image-encrypted');
  const digest = cli([
    'encrypt',
    '--layout',
    source,
    '--output',
    encrypted,
    '--recipient',
    `jwe:${keys.pub}`,
  ]);

  step('3. Is the secret anywhere in the encrypted image?');
  const leaks = blobs(encrypted).filter((b) => b.bytes.includes(secret));
  if (leaks.length) throw new Error(`the secret is readable in ${leaks.map((b) => b.digest).join(', ')}`);
  process.stdout.write(
    `no: it appears in none of the ${blobs(encrypted).length} blobs of image-encrypted/\n`,
  );
  process.stdout.write(`${cli(['inspect', '--layout', encrypted]).replace(/^(?=.)/gm, '  ')}\n`);

  step('4. Decrypt with the private key and compare with the original');
  const decrypted = join(work, 'image-decrypted');
  cli(['decrypt', '--layout', encrypted, '--output', decrypted, '--key', keys.priv]);
  const before = layerDigests(source);
  const after = layerDigests(decrypted);
  if (JSON.stringify(before) !== JSON.stringify(after))
    throw new Error('decrypted layers differ from the original');
  process.stdout.write(`all ${after.length} layers match the original byte for byte\n`);

  step('Result');
  process.stdout.write(`encrypted image digest: ${digest}\n`);
  process.stdout.write(
    '(skopeo copy --decryption-key demo.key.pem oci:image-encrypted:latest ... opens it too)\n',
  );
} finally {
  process.chdir(ROOT);
  rmSync(work, { recursive: true, force: true });
}
