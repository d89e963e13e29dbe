/**
 * keyprovider-tools lines (src/action/inputs.ts parseToolLines, toolIdentity), without a runner: what a line
 * must hold, what is skipped, and the tool cache's name and version from the file name.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseToolLines, toolIdentity } from '../../../src/action/inputs.js';
import { isOepError } from '../../../src/errors.js';

const HEX = 'ab'.repeat(32);

function refused(value: string, pattern: RegExp): void {
  assert.throws(
    () => parseToolLines(value),
    (e: unknown) => isOepError(e) && e.code === 'E_USAGE' && pattern.test(e.message),
  );
}

describe('keyprovider-tools lines', () => {
  test('one tool a line; blank lines and # comments skipped; the digest lower-cased, the fragment dropped', () => {
    const specs = parseToolLines(
      `# the KMS provider\n\nhttps://example.test/r/kms-v1.2.3-linux-amd64.tar.gz#sha256=${HEX.toUpperCase()}\n  http://127.0.0.1:8080/bin/kp#sha256=${HEX}  \n`,
    );
    assert.deepEqual(
      specs.map((s) => [s.url.href, s.sha256, s.file, s.kind, s.name, s.version]),
      [
        [
          'https://example.test/r/kms-v1.2.3-linux-amd64.tar.gz',
          HEX,
          'kms-v1.2.3-linux-amd64.tar.gz',
          'tar',
          'kms',
          '1.2.3',
        ],
        ['http://127.0.0.1:8080/bin/kp', HEX, 'kp', 'file', 'kp', '0.0.0-sha256-abababababab'],
      ],
    );
    assert.deepEqual(parseToolLines(''), []);
  });

  test('the line at fault is named; only http(s); a digest is required', () => {
    refused(`# x\nnot a url#sha256=${HEX}`, /^keyprovider-tools line 2: not a URL/);
    refused(`file:///tmp/kp#sha256=${HEX}`, /file: URLs are not downloaded, only http\(s\)/);
    refused(`ftp://h/kp#sha256=${HEX}`, /ftp: URLs/);
    refused('https://h/kp', /has no #sha256=HEX/);
    refused(`https://h/kp#sha256=${HEX.slice(2)}`, /has no #sha256=HEX/);
    refused(`https://h/#sha256=${HEX}`, /does not end in a file name/);
  });

  test('a message never shows the query string or user info (they may carry a token)', () => {
    assert.throws(
      () => parseToolLines('https://user:s3cret@h/kp?token=t0ken'),
      (e: unknown) =>
        isOepError(e) && /https:\/\/h\/kp has no/.test(e.message) && !/s3cret|t0ken/.test(e.describe()),
    );
  });
});

describe('tool name and version from the file name', () => {
  for (const [file, kind, name, version] of [
    ['kms-keyprovider-v1.2.3-linux-amd64.tar.gz', 'tar', 'kms-keyprovider', '1.2.3'],
    ['kms_keyprovider_2.0_linux_x86_64.zip', 'zip', 'kms_keyprovider', '2.0.0'],
    ['tool-10.20.30.tgz', 'tar', 'tool', '10.20.30'],
    ['tool-v1.2.3-rc1-linux', 'file', 'tool', '1.2.3'],
    ['enc-kp', 'file', 'enc-kp', '0.0.0-sha256-abababababab'],
    ['enc-kp.tar.gz', 'tar', 'enc-kp', '0.0.0-sha256-abababababab'],
  ] as const) {
    test(`${file} → ${name} ${version} (${kind})`, () =>
      assert.deepEqual(toolIdentity(file, HEX), { kind, name, version }));
  }
});
