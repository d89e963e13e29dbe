/**
 * "Already encrypted" is checked, not trusted: a `+encrypted` layer passes through encrypt only when it carries
 * the public options and at least one key annotation. A media type alone would ship plaintext under a label
 * that every report (and every reader) takes for ciphertext.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encryptImage } from '../../../src/pipeline/encrypt.js';
import {
  buildImage,
  keyPair,
  makeLayout,
  tempDir,
  writeIndexJson,
  putIndex,
} from '../../helpers/fixtures.js';
import {
  assertNothingWritten,
  ENC_KEYS_JWE,
  ENC_PUBOPTS,
  MT,
  recipients,
  REF_NAME,
  rejectsWith,
} from './support.js';

const ENCRYPTED = `${MT.gzip}+encrypted`;
const PUBOPTS_VALUE = Buffer.from(
  '{"cipher":"AES_256_CTR_HMAC_SHA256","hmac":"","cipheroptions":{}}',
).toString('base64');

describe('a +encrypted layer without its encryption annotations', () => {
  const dir = tempDir();
  const kp = keyPair('p256');

  const cases: [string, Record<string, string> | undefined][] = [
    ['no annotations at all', undefined],
    ['pubopts but no key annotation', { [ENC_PUBOPTS]: PUBOPTS_VALUE }],
    ['a key annotation but no pubopts', { [ENC_KEYS_JWE]: 'e30=' }],
    ['empty annotations', { [ENC_PUBOPTS]: '', [ENC_KEYS_JWE]: '' }],
  ];
  for (const [what, annotations] of cases) {
    it(`${what}: E_MANIFEST naming the layer and its platform, nothing written`, async () => {
      const layout = join(dir, what.replace(/\W+/g, '-'));
      const img = makeLayout(layout, {
        layers: [
          { files: { a: randomBytes(100) } },
          { files: { b: 'plaintext secret' }, mediaType: ENCRYPTED, ...(annotations ? { annotations } : {}) },
        ],
      });
      const output = join(dir, `${what.replace(/\W+/g, '-')}-out`);
      await rejectsWith(encryptImage({ layout, output, recipients: recipients(kp) }), 'E_MANIFEST', [
        img.layers[1]!.digest,
        'linux/amd64',
        img.manifest.digest,
        ENC_PUBOPTS,
      ]);
      assertNothingWritten(output);
    });
  }

  it('also when the layer is not among the selected ones, and in one platform of an index', async () => {
    const layout = join(dir, 'multi');
    const amd = buildImage(layout, { layers: [{ files: { a: 'a' } }] });
    const arm = buildImage(layout, {
      platform: { os: 'linux', architecture: 'arm64' },
      layers: [{ files: { a: 'a' } }, { files: { b: 'b' }, mediaType: ENCRYPTED }],
    });
    const idx = putIndex(layout, [amd.manifest, arm.manifest]);
    writeIndexJson(layout, [{ ...idx, annotations: { [REF_NAME]: 'v1' } }]);
    const output = join(dir, 'multi-out');
    await rejectsWith(
      encryptImage({ layout, output, recipients: recipients(kp), encryptLayers: [0] }),
      'E_MANIFEST',
      [arm.layers[1]!.digest, 'linux/arm64', arm.manifest.digest],
    );
    assertNothingWritten(output);
  });
});
