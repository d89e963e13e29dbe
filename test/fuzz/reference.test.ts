/** Fuzz: image references (src/registry/reference.ts), as typed by users and read from tags outputs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatReference, parseReference, resolveTag, type Reference } from '../../src/registry/reference.js';
import { fuzz, mutatedString, parsesOrTyped } from './support.js';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

const host = fc.oneof(
  fc.constantFrom(
    'docker.io',
    'index.docker.io',
    'registry-1.docker.io',
    'ghcr.io',
    'localhost',
    'localhost:5000',
    '[::1]:5000',
    '[::1]',
    '127.0.0.1:65535',
    '127.0.0.1:65536',
    'Quay.IO',
    '[fe80::1%eth0]',
    'a..b',
    '-a.b',
  ),
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}(\.[a-z0-9-]{1,8}){0,3}(:[0-9]{1,6})?$/),
);
const component = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{1,8}([._-]{1,2}[a-z0-9]{1,8}){0,2}$/),
  fc.constantFrom('library', 'a', 'x__y', 'a---b', '..', '.', 'A', 'sha256'),
);
const tag = fc.oneof(
  fc.stringMatching(/^[\w][\w.-]{0,20}$/),
  fc.constantFrom('latest', 'v1.0', 'x'.repeat(128)),
);
const digest = fc.oneof(
  fc.stringMatching(/^sha256:[a-f0-9]{64}$/),
  fc.stringMatching(/^sha512:[a-f0-9]{128}$/),
  fc.constantFrom('sha256:', 'sha256:abc', 'md5:' + 'a'.repeat(32)),
);

/** `[host/]a/b[:tag][@digest]`, built from parts, then sometimes mutated. */
const structured = fc
  .tuple(
    fc.option(host, { nil: undefined }),
    fc.array(component, { minLength: 1, maxLength: 4 }),
    fc.option(tag, { nil: undefined }),
    fc.option(digest, { nil: undefined }),
  )
  .map(
    ([h, parts, t, d]) =>
      `${h ? `${h}/` : ''}${parts.join('/')}${t !== undefined ? `:${t}` : ''}${d !== undefined ? `@${d}` : ''}`,
  );
const reference = fc.oneof(
  structured,
  mutatedString(structured, '/:@.-_[]%AZaz09 \t\n'),
  fc.string({ maxLength: 80 }),
  fc.string({ maxLength: 300, unit: 'grapheme' }),
);

function checkReference(r: Reference): void {
  assert.equal(r.registry, r.registry.toLowerCase());
  assert.ok(r.repository.length > 0 && r.repository.length <= 255);
  for (const part of r.repository.split('/')) assert.match(part, COMPONENT);
  if (r.tag !== undefined) assert.match(r.tag, TAG);
  if (r.digest !== undefined) assert.match(r.digest, /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/);
  assert.ok(r.apiHost.length > 0);
  // Re-stringified, it parses to the same reference.
  assert.deepEqual(parseReference(formatReference(r)), r);
}

describe('fuzz: image references', () => {
  it('parseReference returns a reference that round-trips, or an E_IMAGE_REF error', () => {
    fuzz('reference.parse', [reference], (s) => {
      parsesOrTyped(() => parseReference(s), checkReference, ['E_IMAGE_REF']);
    });
  });

  it('resolveTag returns a tagged reference without digest, or an E_IMAGE_REF error', () => {
    const main = parseReference('ghcr.io/org/app:v1');
    const input = fc.oneof(tag, structured, mutatedString(fc.oneof(tag, structured), ':/@.-'));
    fuzz('reference.resolveTag', [input], (s) => {
      parsesOrTyped(
        () => resolveTag(s, main),
        (r) => {
          assert.ok(r.tag !== undefined);
          assert.match(r.tag, TAG);
          assert.equal(r.digest, undefined);
          const { digest: _digest, ...rest } = r;
          checkReference(rest);
        },
        ['E_IMAGE_REF'],
      );
    });
  });
});
