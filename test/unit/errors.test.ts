/**
 * The error codes as users meet them: the one line every front end prints, and README's table of codes, which
 * must list every code of the union in errors.ts (in its order) with a cause and a fix.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { asOepError, debugStack, errorLine, internalError, OepError } from '../../src/errors.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('error codes', () => {
  test('README lists every code of the union, in order, each with a cause and a fix', () => {
    const union = [...read('src/errors.ts').matchAll(/^\s+\| '(E_[A-Z_]+)'/gm)].map((m) => m[1]);
    const section = read('README.md').split('\n## Errors\n')[1]!.split('\n## ')[0]!;
    const rows = [...section.matchAll(/^\| `(E_[A-Z_]+)` +\|(.+)\|(.+)\|$/gm)];
    assert.ok(union.length > 10, `codes read from errors.ts: ${union.join(', ')}`);
    assert.deepEqual(
      rows.map((r) => r[1]),
      union,
    );
    for (const r of rows) {
      assert.ok(r[2]!.trim() && r[3]!.trim(), `${r[1]} has an empty cell`);
    }
  });

  test('the line: error[E_CODE]: message (hint)', () => {
    const err = new OepError('E_USAGE', 'retries: "x" is not a number', { hint: 'the default is 3' });
    assert.equal(errorLine(err), 'error[E_USAGE]: retries: "x" is not a number (the default is 3)');
    assert.equal(errorLine(new OepError('E_NETWORK', 'ECONNREFUSED')), 'error[E_NETWORK]: ECONNREFUSED');
  });

  test('anything that is not an OepError is E_INTERNAL, first line only, its stack kept for debugging', () => {
    const cause = new RangeError('too deep\nsecond line');
    const err = asOepError(cause);
    assert.equal(err.code, 'E_INTERNAL');
    assert.equal(err.message, 'RangeError: too deep');
    assert.match(err.hint!, /OEP_DEBUG=1/);
    assert.equal(debugStack(err)[0], 'RangeError: too deep');
    assert.equal(asOepError('a string').message, 'a string');
    const ours = new OepError('E_KEY', 'k');
    assert.equal(asOepError(ours), ours);
    assert.deepEqual(debugStack(ours), [], 'no stack for an error the user can act on');
    assert.equal(internalError('x').code, 'E_INTERNAL');
  });
});
