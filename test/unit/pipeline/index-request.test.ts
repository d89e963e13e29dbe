/**
 * The fan-out inputs as the request layer takes them (every front end goes through fromStrings): push-by-digest
 * refuses a tag rather than dropping it; index's sources are digests in the image's registry, listed or read
 * from a folder of digest files as a matrix's artifacts hold them, every file accounted for.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isOepError, type ErrorCode } from '../../../src/errors.js';
import { fromStrings, type RequestStrings } from '../../../src/pipeline/request.js';
import { pushTargets } from '../../../src/pipeline/push.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../../helpers/fixtures.js';

const dir = tempDir('oep-index-req-');
const layout = join(dir, 'src');
makeLayout(layout, { layers: [{ files: { a: 'a' } }] });
const key = writeKeyPair(dir, 'k', keyPair('p256'));
const host = { env: {}, userAgent: 't' };
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

function fails(code: ErrorCode, ...mentions: string[]) {
  return (e: unknown) => {
    assert.ok(isOepError(e), String(e));
    assert.equal(e.code, code, e.message);
    for (const m of mentions) assert.ok(e.describe().includes(m), `"${e.describe()}" lacks ${m}`);
    return true;
  };
}

describe('push-by-digest', () => {
  const encrypt = (s: RequestStrings) =>
    fromStrings('encrypt', { layout, recipients: [key.pub], ...s }, host);

  test('the repository alone: no tag at all, not even latest', () => {
    const req = encrypt({ image: 'ghcr.io/org/app', 'push-by-digest': 'true' });
    assert.equal(req.pushByDigest, true);
    assert.deepEqual(pushTargets(req.image!, req.tags, true), [
      { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'org/app' },
    ]);
    assert.equal(encrypt({ image: 'ghcr.io/org/app' }).pushByDigest, undefined, 'off by default');
  });

  test('a tag asked for as well is refused, naming the input that holds it', () => {
    assert.throws(
      () => encrypt({ image: 'ghcr.io/org/app:v1', 'push-by-digest': 'true' }),
      fails('E_USAGE', 'image: names the tag v1, but push-by-digest is true', 'oci-encrypt-push index'),
    );
    assert.throws(
      () =>
        encrypt({ image: 'ghcr.io/org/app', tags: ['v1', 'ghcr.io/org/app:v2'], 'push-by-digest': 'true' }),
      fails('E_USAGE', 'tags: v1, ghcr.io/org/app:v2: push-by-digest is true'),
    );
    assert.throws(
      () => encrypt({ output: join(dir, 'o'), 'push-by-digest': 'true' }),
      fails('E_USAGE', 'image: is empty, but push-by-digest is true'),
    );
    assert.throws(
      () => encrypt({ image: 'ghcr.io/org/app', 'push-by-digest': 'yes' }),
      fails('E_USAGE', 'push-by-digest: "yes" is not true or false'),
    );
  });
});

describe('index sources', () => {
  const index = (s: RequestStrings) => fromStrings('index', s, host);

  test('a bare digest is in the image repository; REPO@digest anywhere in its registry; require-encrypted on', () => {
    const req = index({ image: 'ghcr.io/org/app:v1', sources: [A, `ghcr.io/org/app-arm:build@${B}`] });
    assert.equal(req.command, 'index');
    assert.deepEqual(req.sources, [`ghcr.io/org/app@${A}`, `ghcr.io/org/app-arm@${B}`]);
    assert.equal(req.requireEncrypted, true);
    assert.equal(
      index({ image: 'ghcr.io/o/a', sources: [A], 'require-encrypted': 'false' }).requireEncrypted,
      false,
    );
  });

  for (const [name, s, code, mentions] of [
    ['no source', { image: 'ghcr.io/o/a' }, 'E_USAGE', ['sources: is empty and so is digests-dir']],
    ['no image', { sources: [A] }, 'E_USAGE', ['image: is required']],
    [
      'both',
      { image: 'ghcr.io/o/a', sources: [A], 'digests-dir': dir },
      'E_USAGE',
      ['sources: and digests-dir'],
    ],
    [
      'a tag',
      { image: 'ghcr.io/o/a', sources: ['ghcr.io/o/a:v1'] },
      'E_USAGE',
      ['names no digest', 'a tag can move'],
    ],
    [
      'garbage',
      { image: 'ghcr.io/o/a', sources: ['sha256:xyz'] },
      'E_USAGE',
      ['sources: sha256:xyz is not a digest'],
    ],
    [
      'not a reference',
      { image: 'ghcr.io/o/a', sources: ['Ghcr.io/O/A@x'] },
      'E_USAGE',
      ['sources: invalid image reference'],
    ],
    [
      'another registry',
      { image: 'ghcr.io/o/a', sources: [`quay.io/o/a@${A}`] },
      'E_IMAGE_REF',
      ['sources: quay.io/o/a@', 'another registry than the image (ghcr.io)', 'skopeo copy --all'],
    ],
    [
      'a tag in another registry',
      { image: 'ghcr.io/o/a', tags: ['docker.io/o/a:v1'], sources: [A] },
      'E_IMAGE_REF',
      ['tags: docker.io/o/a:v1 is in another registry'],
    ],
    [
      'bad require-encrypted',
      { image: 'ghcr.io/o/a', sources: [A], 'require-encrypted': 'no' },
      'E_USAGE',
      ['require-encrypted:'],
    ],
  ] as [string, RequestStrings, ErrorCode, string[]][]) {
    test(`refused: ${name}`, () => assert.throws(() => index(s), fails(code, ...mentions)));
  }
});

describe('index --digests-dir', () => {
  const index = (d: string) => fromStrings('index', { image: 'ghcr.io/org/app', 'digests-dir': d }, host);
  const folder = (files: Record<string, string>) => {
    const d = tempDir('oep-digests-');
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(d, name, '..'), { recursive: true });
      writeFileSync(join(d, name), text);
    }
    return d;
  };
  const C = `sha256:${'c'.repeat(64)}`;
  const D = `sha256:${'d'.repeat(64)}`;

  test('named by a digest (bare hex, sha256:, sha256-) or holding one, one folder down too, sorted by path', () => {
    const d = folder({
      [`digests-amd64/${A.slice(7)}`]: '',
      [`digests-arm64/sha256-${B.slice(7)}`]: `${B}\n`,
      [C]: '',
      'riscv64.txt': `ghcr.io/org/app-riscv@${D}\n`,
    });
    assert.deepEqual(index(d).sources, [
      `ghcr.io/org/app@${A}`,
      `ghcr.io/org/app@${B}`,
      `ghcr.io/org/app-riscv@${D}`,
      `ghcr.io/org/app@${C}`,
    ]);
  });

  for (const [name, files, mentions] of [
    ['an empty folder', {}, ['holds no digest file']],
    [
      'a stray file',
      { [A.slice(7)]: '', 'notes.md': 'hello world\n' },
      ['notes.md is neither named by a digest nor holds one'],
    ],
    ['an empty file not named by a digest', { x: '' }, ['/x is neither named by a digest']],
    ['a name and a text that disagree', { [A.slice(7)]: B }, [`is named by ${A} but holds`]],
    ['a folder two levels down', { 'a/b/c': A }, ['/a/b is a folder two levels down']],
  ] as [string, Record<string, string>, string[]][]) {
    test(`refused: ${name}`, () =>
      assert.throws(() => index(folder(files)), fails('E_USAGE', 'digests-dir: ', ...mentions)));
  }

  // A matrix has one digest file per platform: a folder of thousands is not a download of digest artifacts, and
  // a link could read any file of the runner into the index (or the error shown).
  test('refused: more than 4096 entries, counted one folder down too', () => {
    const files: Record<string, string> = { [`sub/${A.slice(7)}`]: '' };
    for (let i = 0; i < 4095; i++) files[`f${i}`] = A; // with sub and its file: 4097
    assert.throws(
      () => index(folder(files)),
      fails('E_USAGE', 'digests-dir: ', 'holds more than 4096 entries', 'one digest file per platform'),
    );
  });

  test('refused: a link to a file or a folder, in the folder or one down, is not followed', () => {
    // Named by a digest, a link to a key would have its first line quoted as what the file holds.
    for (const [place, target] of [
      [B.slice(7), key.priv],
      [`sub/${B.slice(7)}`, key.priv],
      ['linked', dir],
    ] as const) {
      const d = folder({ [A.slice(7)]: '', 'sub/c': A });
      symlinkSync(target, join(d, place));
      assert.throws(
        () => index(d),
        (e: unknown) => {
          fails('E_USAGE', 'digests-dir: ', `${d}/${place} is a symbolic link`, 'links are not followed')(e);
          assert.ok(!(e as Error).message.includes('PRIVATE'), (e as Error).message);
          return true;
        },
      );
    }
  });

  test('refused: a file larger than a digest file can be (4 KiB)', () =>
    assert.throws(
      () => index(folder({ big: `${A}\n`.repeat(100) })),
      fails('E_USAGE', 'digests-dir: ', '/big is larger than 4 KiB'),
    ));

  test('refused: a folder that is not there', () =>
    assert.throws(
      () => index(join(dir, 'nope')),
      fails('E_USAGE', 'digests-dir: ', 'cannot be read (ENOENT)'),
    ));
});
