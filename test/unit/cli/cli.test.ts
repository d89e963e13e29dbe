import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneError, runCli } from '../../helpers/cli.js';
import { keyPair, makeLayout, readBlob, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import {
  assertNothingWritten,
  filesContaining,
  indexJson,
  makeBuildKitLayout,
  MT,
  onlyManifest,
} from '../pipeline/support.js';

const SECRET = 'cli-secret-3b4c5d';
const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

describe('CLI', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  const img = makeLayout(layout, {
    layers: [{ files: { a: 'base' } }, { files: { 'secret.txt': SECRET }, compression: 'none' }],
  });
  const alice = writeKeyPair(dir, 'alice', keyPair('p256'));
  const bob = writeKeyPair(dir, 'bob', keyPair('rsa2048'));
  const enc = join(dir, 'enc');

  it('encrypt prints the digest on stdout and exits 0; --digest-file and --report are written', () => {
    const digestFile = join(dir, 'digest.txt');
    const reportFile = join(dir, 'report.json');
    const r = runCli([
      'encrypt',
      '--layout',
      layout,
      '--output',
      enc,
      '--recipient',
      `jwe:${alice.pub}`,
      '--recipient',
      bob.pub,
      '--digest-file',
      digestFile,
      '--report',
      reportFile,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const digest = r.stdout.trim();
    assert.match(digest, DIGEST_RE);
    assert.equal(r.stdout, `${digest}\n`, 'stdout holds the digest only');
    assert.equal(indexJson(enc).manifests[0]!.digest, digest);
    assert.equal(readFileSync(digestFile, 'utf8').trim(), digest);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      digest: string;
      platforms: { layers: { encrypted: boolean }[] }[];
    };
    assert.equal(report.digest, digest);
    assert.deepEqual(
      report.platforms[0]!.layers.map((l) => l.encrypted),
      [true, true],
    );
    assert.deepEqual(filesContaining(enc, SECRET), []);
    assert.doesNotMatch(r.stderr, /error/);
  });

  it('encrypt --json prints {digest, platforms:[{platform, digest, layers}]}', () => {
    const out = join(dir, 'enc-json');
    const r = runCli(['encrypt', '--layout', layout, '--output', out, '--recipient', alice.pub, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      digest: string;
      platforms: { platform: string; digest: string; layers: { mediaType: string; digest: string }[] }[];
    };
    const { desc, doc } = onlyManifest(out);
    assert.equal(j.digest, desc.digest);
    assert.equal(j.platforms.length, 1);
    assert.equal(j.platforms[0]!.platform, 'linux/amd64');
    assert.equal(j.platforms[0]!.digest, desc.digest);
    assert.deepEqual(
      j.platforms[0]!.layers.map((l) => [l.mediaType, l.digest]),
      doc.layers.map((l) => [l.mediaType, l.digest]),
    );
  });

  it('inspect --json lists per layer mediaType, size, encrypted and recipients (scheme, algs)', () => {
    const r = runCli(['inspect', '--layout', enc, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      digest: string;
      platforms: {
        layers: {
          mediaType: string;
          size: number;
          encrypted: boolean;
          recipients?: { scheme: string; recipients: { alg: string }[] }[];
        }[];
      }[];
    };
    const { doc } = onlyManifest(enc);
    assert.equal(j.digest, indexJson(enc).manifests[0]!.digest);
    const layers = j.platforms[0]!.layers;
    assert.deepEqual(
      layers.map((l) => [l.mediaType, l.size, l.encrypted]),
      doc.layers.map((l) => [l.mediaType, l.size, true]),
    );
    for (const l of layers) {
      assert.equal(l.recipients?.length, 1);
      assert.equal(l.recipients![0]!.scheme, 'jwe');
      assert.deepEqual(l.recipients![0]!.recipients.map((x) => x.alg).sort(), ['ECDH-ES+A256KW', 'RSA-OAEP']);
    }
  });

  it('inspect of a plain layout says not encrypted, without recipients', () => {
    const r = runCli(['inspect', '--layout', layout, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      platforms: { layers: { encrypted: boolean; recipients?: unknown }[] }[];
    };
    assert.deepEqual(
      j.platforms[0]!.layers.map((l) => [l.encrypted, l.recipients]),
      [
        [false, undefined],
        [false, undefined],
      ],
    );
  });

  it('inspect without --json prints a readable table', () => {
    const r = runCli(['inspect', '--layout', enc]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /platform linux\/amd64/);
    assert.equal((r.stdout.match(/ENCRYPTED/g) ?? []).length, 2);
  });

  it('decrypt with either key gives back the original layers', () => {
    const out = join(dir, 'dec');
    const r = runCli(['decrypt', '--layout', enc, '--key', bob.priv, '--output', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout.trim(), DIGEST_RE);
    assert.equal(r.stdout.trim(), img.manifest.digest);
    for (const l of img.layers) assert.deepEqual(readBlob(out, l.digest), readBlob(layout, l.digest));
  });

  it('encrypt --platform on a multi-platform layout reports the platform left out', () => {
    const bk = join(dir, 'bk');
    makeBuildKitLayout(bk);
    const out = join(dir, 'bk-enc');
    const r = runCli([
      'encrypt',
      '--layout',
      bk,
      '--output',
      out,
      '--recipient',
      alice.pub,
      '--platform',
      'linux/arm64',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { skippedPlatforms: string[]; platforms: { platform: string }[] };
    assert.deepEqual(j.skippedPlatforms, ['linux/amd64']);
    assert.deepEqual(
      j.platforms.map((p) => p.platform),
      ['linux/arm64/v8'],
    );
    assert.match(r.stderr, /left out.*linux\/amd64/);
  });

  it('encrypt drops BuildKit attestations by default: one notice line, the count in the report', () => {
    const bk = join(dir, 'bk-att');
    const built = makeBuildKitLayout(bk);
    const out = join(dir, 'bk-att-enc');
    const reportFile = join(dir, 'bk-att-report.json');
    const r = runCli([
      'encrypt',
      '--layout',
      bk,
      '--output',
      out,
      '--recipient',
      alice.pub,
      '--report',
      reportFile,
    ]);
    assert.equal(r.status, 0, r.stderr);
    const notices = r.stderr.split('\n').filter((l) => l.startsWith('notice:'));
    assert.deepEqual(notices, [
      'notice: dropped 1 attestation manifest(s) (SBOM/provenance stay plaintext in ocicrypt); pass --attestations keep to keep them',
    ]);
    assert.match(r.stderr, /attestations: 1 dropped/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      droppedAttestations: number;
      attestations: unknown[];
    };
    assert.equal(report.droppedAttestations, 1);
    assert.deepEqual(report.attestations, []);
    assert.throws(() => readBlob(out, built.attestation.desc.digest), /ENOENT/);
  });

  it('encrypt --attestations keep keeps them, with no notice', () => {
    const bk = join(dir, 'bk-keep');
    const built = makeBuildKitLayout(bk);
    const out = join(dir, 'bk-keep-enc');
    const r = runCli([
      'encrypt',
      '--layout',
      bk,
      '--output',
      out,
      '--recipient',
      alice.pub,
      '--attestations',
      'keep',
      '--json',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /notice:/);
    const j = JSON.parse(r.stdout) as { droppedAttestations: number; attestations: { digest: string }[] };
    assert.equal(j.droppedAttestations, 0);
    assert.deepEqual(
      j.attestations.map((a) => a.digest),
      [built.attestation.desc.digest],
    );
    assert.deepEqual(
      readBlob(out, built.attestation.desc.digest),
      readBlob(bk, built.attestation.desc.digest),
    );
  });

  describe('errors: one line on stderr, non-zero exit, nothing written', () => {
    it('missing layout', () => {
      const out = join(dir, 'e1');
      const missing = join(dir, 'no-such-layout');
      assertOneError(runCli(['encrypt', '--layout', missing, '--output', out, '--recipient', alice.pub]), 1, [
        missing,
      ]);
      assertNothingWritten(out);
    });

    it('a private key as recipient', () => {
      const out = join(dir, 'e2');
      assertOneError(
        runCli(['encrypt', '--layout', layout, '--output', out, '--recipient', `jwe:${alice.priv}`]),
        1,
        [alice.priv, 'private key'],
      );
      assertNothingWritten(out);
    });

    it('--tag without --image (a push is asked for by --image only)', () => {
      const out = join(dir, 'e-tag');
      assertOneError(
        runCli([
          'encrypt',
          '--layout',
          layout,
          '--output',
          out,
          '--recipient',
          alice.pub,
          '--tag',
          'reg.example/x:1',
        ]),
        2,
        ['--tag goes with --image'],
      );
      assertNothingWritten(out);
    });

    it('no recipient', () => {
      const out = join(dir, 'e3');
      assertOneError(runCli(['encrypt', '--layout', layout, '--output', out]), 1, ['--recipient']);
      assertNothingWritten(out);
    });

    it('an Ed25519 recipient', () => {
      const out = join(dir, 'e4');
      const ed = writeKeyPair(dir, 'ed', keyPair('ed25519'));
      assertOneError(runCli(['encrypt', '--layout', layout, '--output', out, '--recipient', ed.pub]), 1, [
        ed.pub,
        'ed25519',
      ]);
      assertNothingWritten(out);
    });

    it('a recipient file that does not exist', () => {
      const out = join(dir, 'e5');
      const nope = join(dir, 'nope.pem');
      assertOneError(runCli(['encrypt', '--layout', layout, '--output', out, '--recipient', nope]), 1, [
        nope,
      ]);
      assertNothingWritten(out);
    });

    it('a layer index out of range', () => {
      const out = join(dir, 'e6');
      assertOneError(
        runCli([
          'encrypt',
          '--layout',
          layout,
          '--output',
          out,
          '--recipient',
          alice.pub,
          '--encrypt-layers',
          '5',
        ]),
        1,
        ['5', 'out of range'],
      );
      assertNothingWritten(out);
    });

    it('a corrupt layer blob', () => {
      const broken = join(dir, 'broken');
      mkdirSync(broken);
      const bimg = makeLayout(broken, { layers: [{ files: { a: 'x'.repeat(5000) }, compression: 'none' }] });
      const p = join(broken, 'blobs', 'sha256', bimg.layers[0]!.digest.slice(7));
      const b = readFileSync(p);
      b[700] = b[700]! ^ 1;
      writeFileSync(p, b);
      const out = join(dir, 'e7');
      assertOneError(runCli(['encrypt', '--layout', broken, '--output', out, '--recipient', alice.pub]), 1, [
        broken,
        bimg.layers[0]!.digest,
      ]);
      assertNothingWritten(out);
    });

    it('decrypt with the wrong key', () => {
      const out = join(dir, 'e8');
      const other = writeKeyPair(dir, 'other', keyPair('p256'));
      assertOneError(runCli(['decrypt', '--layout', enc, '--key', other.priv, '--output', out]), 1, [
        'none of the given keys',
      ]);
      assertNothingWritten(out);
    });

    it('output exists and is not empty', () => {
      const r = runCli(['encrypt', '--layout', layout, '--output', enc, '--recipient', alice.pub]);
      assertOneError(r, 1, [enc, 'already exists']);
      assert.ok(existsSync(join(enc, 'index.json')));
    });

    it('an output path under a file is E_OUTPUT, not an internal error', () => {
      const file = join(dir, 'a-file');
      writeFileSync(file, 'x');
      const out = join(file, 'enc');
      assertOneError(runCli(['encrypt', '--layout', layout, '--output', out, '--recipient', alice.pub]), 1, [
        out,
      ]);
      assert.equal(readFileSync(file, 'utf8'), 'x');
    });

    it('--attestations with a value other than drop or keep is a usage error (exit 2)', () => {
      const out = join(dir, 'e-att');
      const line = assertOneError(
        runCli([
          'encrypt',
          '--layout',
          layout,
          '--output',
          out,
          '--recipient',
          alice.pub,
          '--attestations',
          'yes',
        ]),
        2,
        [],
      );
      assert.equal(
        line,
        'error[E_USAGE]: attestations: "yes" is not drop or keep (allowed values: drop, the default, or keep)',
      );
      assertNothingWritten(out);
    });

    it('an unknown option is a usage error (exit 2)', () => {
      assertOneError(runCli(['encrypt', '--layout', layout, '--bogus']), 2, ['bogus']);
    });

    it('ambiguous layout: lists the ref names', () => {
      const two = join(dir, 'two-refs');
      makeLayout(two, { layers: [{ files: { a: '1' } }] }, 'one');
      const second = makeLayout(join(dir, 'scratch'), { layers: [{ files: { a: '2' } }] }, 'two');
      // Put the second image next to the first under another ref name.
      for (const d of [second.manifest.digest, ...second.layers.map((l) => l.digest)]) {
        writeFileSync(join(two, 'blobs', 'sha256', d.slice(7)), readBlob(join(dir, 'scratch'), d));
      }
      const cfg = onlyManifest(join(dir, 'scratch')).doc.config.digest;
      writeFileSync(join(two, 'blobs', 'sha256', cfg.slice(7)), readBlob(join(dir, 'scratch'), cfg));
      const idx = indexJson(two);
      idx.manifests.push(indexJson(join(dir, 'scratch')).manifests[0]!);
      writeFileSync(join(two, 'index.json'), JSON.stringify(idx));
      const out = join(dir, 'e9');
      assertOneError(runCli(['encrypt', '--layout', two, '--output', out, '--recipient', alice.pub]), 1, [
        two,
        'one',
        'two',
        '--ref-name',
      ]);
      assertNothingWritten(out);
      assert.equal(idx.manifests[0]!.mediaType, MT.manifest);
    });
  });
});
