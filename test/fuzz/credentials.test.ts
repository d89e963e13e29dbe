/** Fuzz: what a docker credential helper prints for `get` (parseHelperOutput in src/registry/credentials.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseHelperOutput } from '../../src/registry/credentials.js';
import { fuzz, mutatedJson, mutatedString, parsesOrTyped } from './support.js';

const doc = fc.record(
  {
    ServerURL: fc.constantFrom('https://index.docker.io/v1/', 'ghcr.io'),
    Username: fc.oneof(fc.constantFrom('<token>', 'user', ''), fc.jsonValue({ maxDepth: 1 })),
    Secret: fc.oneof(
      fc.constantFrom('s3cret', ''),
      fc.string({ maxLength: 10 }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: [] },
);
const stdout = fc.oneof(
  doc.map((d) => JSON.stringify(d)),
  mutatedJson(doc).map((d) => JSON.stringify(d) ?? ''),
  mutatedString(
    doc.map((d) => JSON.stringify(d)),
    '{}":,\\ \n',
  ),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom('', 'null', '[]', '0', '"x"', 'credentials not found in native keychain\n'),
  fc.string({ maxLength: 60 }),
);

describe('fuzz: credential helper output', () => {
  it('parseHelperOutput gives no credential, a credential of strings, or E_AUTH', () => {
    fuzz('credentials.helperOutput', [stdout], (out) => {
      parsesOrTyped(
        () => parseHelperOutput(out, 'docker-credential-fuzz'),
        (c) => {
          if (c === undefined) return;
          assert.equal(c.source, 'credential helper docker-credential-fuzz');
          for (const k of ['username', 'password', 'identityToken'] as const) {
            assert.ok(c[k] === undefined || typeof c[k] === 'string', `${k} is ${typeof c[k]}`);
          }
          assert.ok(c.password || c.identityToken, 'a credential without a secret');
        },
        ['E_AUTH'],
      );
    });
  });
});
