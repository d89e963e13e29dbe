/** Fuzz: the registry's `WWW-Authenticate` header (parseChallenge in src/registry/transport/auth.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normaliseScope, parseChallenge } from '../../src/registry/transport/auth.js';
import { fuzz, mutatedString, parsesOrTyped } from './support.js';

const scheme = fc.oneof(fc.constantFrom('Bearer', 'Basic', 'bearer', 'BASIC', 'Negotiate', ''), fc.string());
const name = fc.oneof(
  fc.constantFrom('realm', 'service', 'scope', 'error', 'Realm', '__proto__', 'constructor', 'toString'),
  fc.stringMatching(/^[A-Za-z_]{1,10}$/),
);
const value = fc.oneof(
  fc.constantFrom('https://auth.example/token', 'repository:a/b:pull,push', '', 'a\\"b', '\\'),
  fc.string({ maxLength: 40 }),
);
const param = fc
  .tuple(name, fc.constantFrom('=', ' = ', '='), value, fc.boolean())
  .map(([n, eq, v, quoted]) => `${n}${eq}${quoted ? `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"` : v}`);
const header = fc
  .tuple(scheme, fc.array(param, { maxLength: 6 }), fc.constantFrom(',', ', ', ' ,'))
  .map(([s, ps, sep]) => `${s} ${ps.join(sep)}`);
const input = fc.oneof(
  header,
  mutatedString(header, '",=\\ \t\r\n'),
  fc.string({ maxLength: 200 }),
  // Long runs of the characters the parameter pattern backtracks over.
  fc
    .tuple(fc.constantFrom('a=', 'a="', '\\', '"', 'a= ', ', '), fc.integer({ min: 1, max: 5000 }))
    .map(([u, n]) => `Bearer ${u.repeat(n)}`),
);

describe('fuzz: WWW-Authenticate', () => {
  it('parseChallenge gives undefined or a challenge with a lowercase scheme and string params', () => {
    fuzz('challenge.parse', [fc.oneof(input, fc.array(input, { maxLength: 3 }))], (h) => {
      parsesOrTyped(
        () => parseChallenge(h),
        (c) => {
          if (c === undefined) return;
          assert.match(c.scheme, /^[a-z]+$/);
          for (const [k, v] of Object.entries(c.params)) {
            assert.equal(k, k.toLowerCase());
            assert.equal(typeof v, 'string');
          }
          // Only own, plain data: a hostile parameter name must not reach the prototype.
          assert.equal(Object.getPrototypeOf(c.params), Object.prototype);
        },
      );
    });
  });

  it('normaliseScope keeps the resource and sorts the actions', () => {
    const scope = fc.oneof(
      fc
        .tuple(fc.string({ maxLength: 20 }), fc.array(fc.constantFrom('pull', 'push', 'delete', '*', '')))
        .map(([r, a]) => `repository:${r}:${a.join(',')}`),
      fc.string({ maxLength: 60 }),
    );
    fuzz('challenge.normaliseScope', [scope], (s) => {
      parsesOrTyped(
        () => normaliseScope(s),
        (n) => {
          assert.equal(n.length, s.length);
          assert.equal(normaliseScope(n), n);
        },
      );
    });
  });
});
