/**
 * Fuzz: the JWE key annotation of an encrypted layer, read from an untrusted manifest (src/ocicrypt/keywrap/jwe.ts
 * through decryptLayer and describeLayer in src/ocicrypt/layer.ts): arbitrary JSON, mutated valid JWEs with
 * the right key, comma-joined items, mutated public options.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseRecipients, type DecryptionKey } from '../../src/ocicrypt/keys.js';
import { JweKeyWrapper } from '../../src/ocicrypt/keywrap/jwe.js';
import { decryptLayer, describeLayer } from '../../src/ocicrypt/layer.js';
import type { LayerParams } from '../../src/ocicrypt/loop.js';
import { ANNOTATION_PUBOPTS, encodePrivateOptions, encodePublicOptions } from '../../src/ocicrypt/options.js';
import { keyPair } from '../helpers/fixtures.js';
import {
  deepJson,
  fuzzAsync,
  mutatedBytes,
  mutatedJson,
  mutatedString,
  parsesOrTypedAsync,
} from './support.js';

const wrapper = new JweKeyWrapper();
const JWE_ANNOTATION = 'org.opencontainers.image.enc.keys.jwe';
const MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted';
const PRIVOPTS = encodePrivateOptions({
  symkey: Buffer.alloc(32, 1),
  digest: `sha256:${'c'.repeat(64)}`,
  nonce: Buffer.alloc(16, 2),
});
const PUBOPTS = encodePublicOptions(Buffer.alloc(32, 3)).toString('base64');

let keys: DecryptionKey[] = [];
/** Valid items: flattened (P-256 and RSA recipients) and general (both). */
let valid: Buffer[] = [];

before(async () => {
  const ec = keyPair('p256');
  const rsa = keyPair('rsa2048');
  const [rEc] = parseRecipients(ec.publicPem, 'ec.pub');
  const [rRsa] = parseRecipients(rsa.publicPem, 'rsa.pub');
  keys = [
    { key: rsa.privateKey, source: 'rsa' },
    { key: ec.privateKey, source: 'ec' },
  ];
  valid = [
    Buffer.from((await wrapper.wrap([rEc!], PRIVOPTS))!),
    Buffer.from((await wrapper.wrap([rRsa!], PRIVOPTS))!),
    Buffer.from((await wrapper.wrap([rEc!, rRsa!], PRIVOPTS))!),
  ];
});

/** One JWE item (bytes): valid, structurally or byte-mutated, arbitrary JSON, deeply nested. */
const item = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((i) => valid[i % valid.length]!) },
  {
    weight: 4,
    arbitrary: mutatedJson(
      fc.nat().map((i) => JSON.parse(valid[i % valid.length]!.toString()) as unknown),
    ).map((d) => Buffer.from(JSON.stringify(d) ?? '')),
  },
  { weight: 3, arbitrary: mutatedBytes(fc.nat().map((i) => valid[i % valid.length]!)) },
  {
    weight: 2,
    arbitrary: fc
      .record(
        {
          protected: fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
          ),
          recipients: fc.oneof(
            fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          unprotected: fc.jsonValue({ maxDepth: 2 }),
          header: fc.jsonValue({ maxDepth: 2 }),
          encrypted_key: fc.string(),
          iv: fc.string(),
          ciphertext: fc.string(),
          tag: fc.string(),
        },
        { requiredKeys: [] },
      )
      .map((d) => Buffer.from(JSON.stringify(d))),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 20000 }).map((n) => Buffer.from(`{"recipients":${deepJson(n)}}`)),
  },
);

/** The annotation: comma-joined base64 items, sometimes with broken base64 or empty items. */
const annotation = fc.oneof(
  fc
    .array(item, { minLength: 1, maxLength: 3 })
    .map((items) => items.map((b) => b.toString('base64')).join(',')),
  mutatedString(
    fc
      .array(item, { minLength: 1, maxLength: 2 })
      .map((items) => items.map((b) => b.toString('base64')).join(',')),
    ',=+/-_ ',
  ),
  fc.constantFrom('', ',', 'e30=,', ',e30='),
);
const pubopts = fc.oneof(
  fc.constant(PUBOPTS),
  mutatedString(fc.constant(PUBOPTS), 'A=+/'),
  fc.constant(undefined),
);

function descriptor(jwe: string, pub: string | undefined, extra: Record<string, string> = {}) {
  const annotations: Record<string, string> = { [JWE_ANNOTATION]: jwe, ...extra };
  if (pub !== undefined) annotations[ANNOTATION_PUBOPTS] = pub;
  return { mediaType: MEDIA_TYPE, digest: `sha256:${'d'.repeat(64)}`, size: 1, annotations };
}

describe('fuzz: JWE key annotations', () => {
  it('decryptLayer opens the layer or fails with a typed error', async () => {
    await fuzzAsync(
      'jwe.decryptLayer',
      [annotation, pubopts],
      async (jwe, pub) => {
        await parsesOrTypedAsync(
          () => decryptLayer(descriptor(jwe, pub), keys),
          (d) => {
            assert.equal(d.params.mode, 'decrypt');
            const p = d.params as Extract<LayerParams, { mode: 'decrypt' }>;
            assert.equal(p.key.length, 32);
            assert.equal(p.nonce.length, 16);
            assert.equal(p.expectedHmac.length, 32);
          },
          ['E_OPTIONS', 'E_DECRYPT', 'E_UNSUPPORTED'],
        );
      },
      0.2,
    );
  });

  it('JweKeyWrapper.unwrap and describe on one item: a value or a typed error', async () => {
    await fuzzAsync(
      'jwe.unwrap+describe',
      [item],
      async (b) => {
        await parsesOrTypedAsync(
          () => wrapper.unwrap(keys, b),
          (plain) => assert.ok(plain === undefined || plain instanceof Uint8Array),
          ['E_OPTIONS'],
        );
        await parsesOrTypedAsync(
          () => wrapper.describe(b),
          (infos) => {
            assert.ok(Array.isArray(infos));
            for (const i of infos) assert.equal(typeof i.alg, 'string');
          },
          ['E_OPTIONS'],
        );
      },
      0.2,
    );
  });

  it('describeLayer never throws: unreadable items are reported as such', async () => {
    const other = fc.dictionary(
      fc.constantFrom(
        'org.opencontainers.image.enc.keys.pkcs7',
        'org.opencontainers.image.enc.keys.provider.x',
      ),
      fc.string({ maxLength: 20 }),
    );
    await fuzzAsync(
      'jwe.describeLayer',
      [annotation, pubopts, other],
      async (jwe, pub, extra) => {
        const info = await describeLayer(descriptor(jwe, pub, extra));
        assert.equal(info.encrypted, true);
        for (const p of info.protocols) {
          assert.ok(p.items >= 1);
          for (const r of p.recipients) assert.equal(typeof r.alg, 'string');
        }
      },
      0.5,
    );
  });
});
