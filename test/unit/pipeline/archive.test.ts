import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { buildTar } from '../../../src/oci/layout/tar.js';
import { decryptImage } from '../../../src/pipeline/decrypt.js';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import { inspectImage } from '../../../src/pipeline/inspect.js';
import { keyPair, makeLayout, readBlob, tempDir, type BuiltImage } from '../../helpers/fixtures.js';
import {
  assertNothingWritten,
  decryptionKeys,
  filesContaining,
  MT,
  onlyManifest,
  recipients,
  REF_NAME,
  rejectsWith,
} from './support.js';

const SECRET = 'archive-secret-0c1d2e';

function filesUnder(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(root, p) : [relative(root, p)];
  });
}

/** An OCI archive written by our own ustar writer, with directory entries as skopeo writes them. */
function ourTar(layout: string, dest: string): void {
  const files = filesUnder(layout).sort();
  writeFileSync(
    dest,
    buildTar([
      { name: 'blobs', dir: true },
      { name: 'blobs/sha256', dir: true },
      ...files.map((name) => ({ name, data: readFileSync(join(layout, name)) })),
    ]),
  );
}

describe('OCI archive input', () => {
  const dir = tempDir();
  const layout = join(dir, 'layout');
  const kp = keyPair('p256');
  const img: BuiltImage = makeLayout(
    layout,
    {
      layers: [
        { files: { 'etc/hostname': 'box\n' } },
        { files: { 'app/secret.txt': SECRET }, compression: 'none' },
      ],
    },
    'archived',
  );

  const archives: [string, (dest: string) => void][] = [
    ['GNU tar -C layout .', (dest) => execFileSync('tar', ['-cf', dest, '-C', layout, '.'])],
    [
      'tar --format=posix (pax headers), members named without ./',
      (dest) =>
        execFileSync('tar', [
          '--format=posix',
          '-cf',
          dest,
          '-C',
          layout,
          'oci-layout',
          'index.json',
          'blobs',
        ]),
    ],
    ['our buildTar', (dest) => ourTar(layout, dest)],
  ];

  for (const [name, make] of archives) {
    it(`encrypts from an archive made with ${name}, and the result decrypts`, async () => {
      const work = join(dir, name.replace(/[^a-z]+/gi, '-'));
      mkdirSync(work);
      const tarPath = join(work, 'image.tar');
      make(tarPath);
      assert.ok(readFileSync(tarPath).includes(Buffer.from(SECRET)), 'the archive holds the secret in clear');

      const enc = join(work, 'enc');
      const report = await encryptImage({ layout: tarPath, output: enc, recipients: recipients(kp) });
      const { desc, doc } = onlyManifest(enc);
      assert.equal(report.digest, desc.digest);
      assert.equal(desc.annotations?.[REF_NAME], 'archived');
      assert.deepEqual(
        doc.layers.map((l) => l.mediaType),
        [`${MT.gzip}+encrypted`, `${MT.tar}+encrypted`],
      );
      assert.deepEqual(filesContaining(enc, SECRET), []);

      const dec = join(work, 'dec');
      await decryptImage({ layout: enc, output: dec, keys: decryptionKeys(kp) });
      const back = onlyManifest(dec).doc;
      assert.deepEqual(
        back.layers.map((l) => l.digest),
        img.layers.map((l) => l.digest),
      );
      for (const l of img.layers) assert.deepEqual(readBlob(dec, l.digest), readBlob(layout, l.digest));
    });
  }

  it('encrypts from an archive given through a symlink (a workspace mount), as from the file itself', async () => {
    const work = join(dir, 'via-link');
    mkdirSync(work);
    ourTar(layout, join(work, 'image.tar'));
    symlinkSync(join(work, 'image.tar'), join(work, 'link.tar'));
    const enc = join(work, 'enc');
    const report = await encryptImage({
      layout: join(work, 'link.tar'),
      output: enc,
      recipients: recipients(kp),
    });
    assert.equal(report.digest, onlyManifest(enc).desc.digest);
    assert.deepEqual(filesContaining(enc, SECRET), []);
  });

  it('inspects and decrypts an encrypted layout given as an archive', async () => {
    const enc = join(dir, 'enc-for-tar');
    await encryptImage({ layout, output: enc, recipients: recipients(kp) });
    const tarPath = join(dir, 'enc.tar');
    execFileSync('tar', ['-cf', tarPath, '-C', enc, '.']);
    const seen = await inspectImage({ layout: tarPath });
    assert.deepEqual(
      seen.platforms[0]!.layers.map((l) => l.encrypted),
      [true, true],
    );
    const dec = join(dir, 'dec-from-tar');
    await decryptImage({ layout: tarPath, output: dec, keys: decryptionKeys(kp) });
    for (const l of img.layers) assert.deepEqual(readBlob(dec, l.digest), readBlob(layout, l.digest));
  });

  describe('unsafe archives are refused with E_LAYOUT and nothing is written', () => {
    const layoutFiles = () =>
      filesUnder(layout)
        .sort()
        .map((name) => ({ name, data: readFileSync(join(layout, name)) }));

    const cases: [string, (dest: string) => void, string][] = [
      [
        'a symlink entry',
        (dest) => {
          const copy = join(dir, 'with-symlink');
          execFileSync('cp', ['-r', layout, copy]);
          symlinkSync('/etc/passwd', join(copy, 'blobs', 'sha256', 'passwd'));
          execFileSync('tar', ['-cf', dest, '-C', copy, '.']);
        },
        'passwd',
      ],
      [
        'a hard link entry',
        (dest) => {
          const copy = join(dir, 'with-hardlink');
          execFileSync('cp', ['-r', layout, copy]);
          linkSync(join(copy, 'index.json'), join(copy, 'index2.json'));
          execFileSync('tar', ['-cf', dest, '-C', copy, '.']);
        },
        'index',
      ],
      [
        'an absolute path (GNU tar -P)',
        (dest) => execFileSync('tar', ['-cPf', dest, join(layout, 'oci-layout')]),
        join(layout, 'oci-layout'),
      ],
      [
        'an absolute path (buildTar)',
        (dest) =>
          writeFileSync(
            dest,
            buildTar([...layoutFiles(), { name: '/etc/cron.d/x', data: Buffer.from('x') }]),
          ),
        '/etc/cron.d/x',
      ],
      [
        'a .. component',
        (dest) =>
          writeFileSync(dest, buildTar([{ name: '../escape', data: Buffer.from('x') }, ...layoutFiles()])),
        '../escape',
      ],
      [
        'a .. component in the middle',
        (dest) =>
          writeFileSync(
            dest,
            buildTar([...layoutFiles(), { name: 'blobs/../../escape', data: Buffer.from('x') }]),
          ),
        'blobs/../../escape',
      ],
    ];

    for (const [what, make, named] of cases) {
      it(what, async () => {
        const tarPath = join(dir, `${what.replace(/[^a-z]+/gi, '-')}.tar`);
        make(tarPath);
        const out = join(dir, `out-${what.replace(/[^a-z]+/gi, '-')}`);
        await rejectsWith(
          encryptImage({ layout: tarPath, output: out, recipients: recipients(kp) }),
          'E_LAYOUT',
          [tarPath, named],
        );
        assertNothingWritten(out);
        await rejectsWith(inspectImage({ layout: tarPath }), 'E_LAYOUT');
      });
    }
  });

  it('refuses an archive without oci-layout, naming it', async () => {
    const tarPath = join(dir, 'no-marker.tar');
    execFileSync('tar', ['-cf', tarPath, '-C', layout, 'index.json', 'blobs']);
    const out = join(dir, 'out-no-marker');
    await rejectsWith(
      encryptImage({ layout: tarPath, output: out, recipients: recipients(kp) }),
      'E_LAYOUT',
      [tarPath, 'oci-layout'],
    );
    assertNothingWritten(out);
  });

  it('refuses an archive with an empty oci-layout or index.json as a layout error', async () => {
    for (const empty of ['oci-layout', 'index.json']) {
      const tarPath = join(dir, `empty-${empty}.tar`);
      writeFileSync(
        tarPath,
        buildTar(layoutFiles().map((f) => (f.name === empty ? { name: f.name, data: Buffer.alloc(0) } : f))),
      );
      const out = join(dir, `out-empty-${empty}`);
      const err = await rejectsWith(
        encryptImage({ layout: tarPath, output: out, recipients: recipients(kp) }),
        empty === 'oci-layout' ? 'E_LAYOUT' : 'E_MANIFEST',
        [tarPath],
      );
      assert.match(err.message, new RegExp(empty.replace('.', '\\.')));
      assertNothingWritten(out);
    }

    function layoutFiles() {
      return filesUnder(layout)
        .sort()
        .map((name) => ({ name, data: readFileSync(join(layout, name)) }));
    }
  });

  it('refuses a truncated archive', async () => {
    const tarPath = join(dir, 'truncated.tar');
    execFileSync('tar', ['-cf', tarPath, '-C', layout, '.']);
    const whole = readFileSync(tarPath);
    writeFileSync(tarPath, whole.subarray(0, 700));
    const out = join(dir, 'out-truncated');
    await rejectsWith(
      encryptImage({ layout: tarPath, output: out, recipients: recipients(kp) }),
      'E_LAYOUT',
      [tarPath],
    );
    assertNothingWritten(out);
  });
});
