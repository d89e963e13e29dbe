/**
 * Shared harness for the property-based fuzz tests of the parsers that read untrusted bytes.
 *
 * Every property has the same shape: for any input, the parser returns a well-formed value (the test checks a
 * few invariants) or throws an OepError with a known code and a message; never a TypeError, RangeError,
 * SyntaxError or anything else, and never slowly.
 *
 * Case counts: FUZZ_RUNS cases per property (default 200, with the fixed seed 42 so the normal suite is fast
 * and deterministic). Costly properties (crypto, files) run a fraction of it: `runs(weight)`. FUZZ_SEED sets
 * the seed (test/fuzz/run.sh draws a random one and prints it). With FUZZ_REPORT set to a file, each property
 * appends "name<TAB>cases" to it so run.sh can print the totals.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { OepError, type ErrorCode } from '../../src/errors.js';

const CODES = {
  E_USAGE: 1,
  E_LAYOUT: 1,
  E_BLOB_MISSING: 1,
  E_DIGEST: 1,
  E_MANIFEST: 1,
  E_REF_NAME: 1,
  E_PLATFORM: 1,
  E_LAYER_INDEX: 1,
  E_KEY: 1,
  E_NO_RECIPIENT: 1,
  E_DECRYPT: 1,
  E_OPTIONS: 1,
  E_INTEGRITY: 1,
  E_OUTPUT: 1,
  E_UNSUPPORTED: 1,
  E_IMAGE_REF: 1,
  E_AUTH: 1,
  E_REGISTRY: 1,
  E_NETWORK: 1,
  E_PROVIDER: 1,
  E_VERIFY: 1,
  E_RECIPIENTS: 1,
  E_CONFIG_SECRET: 1,
  E_GATE: 1,
  E_PLAINTEXT: 1,
  E_INTERNAL: 0, // a bug of ours: never an expected failure of a parser
} satisfies Record<ErrorCode, 0 | 1>; // a code added to the union without being listed here fails typecheck

export const ERROR_CODES = new Set<string>(Object.entries(CODES).flatMap(([code, ok]) => (ok ? [code] : [])));

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name}=${v} is not a non-negative integer`);
  return n;
}

export const FUZZ_RUNS = envInt('FUZZ_RUNS', 200);
export const FUZZ_SEED = envInt('FUZZ_SEED', 42);
/** A single parse slower than this is a bug (catastrophic backtracking, quadratic loops). */
export const CASE_TIME_LIMIT_MS = envInt('FUZZ_CASE_MS', 2000);

/** Cases for a property: FUZZ_RUNS scaled by its cost (at least 10). */
export function runs(weight = 1): number {
  return Math.max(10, Math.round(FUZZ_RUNS * weight));
}

/** Expected failure of a parser: an OepError with a code of the union and a message. Anything else rethrows. */
export function assertTyped(err: unknown, allowed?: readonly ErrorCode[]): asserts err is OepError {
  if (!(err instanceof OepError)) throw err;
  assert.ok(ERROR_CODES.has(err.code), `unknown error code ${err.code}`);
  if (allowed) assert.ok(allowed.includes(err.code), `unexpected code ${err.code}: ${err.message}`);
  assert.equal(typeof err.message, 'string');
  assert.ok(err.message.trim().length > 0, 'empty error message');
}

function timed<T>(f: () => T): T {
  const start = performance.now();
  const out = f();
  const ms = performance.now() - start;
  assert.ok(ms < CASE_TIME_LIMIT_MS, `one case took ${ms.toFixed(0)} ms`);
  return out;
}

/**
 * Run `parse`; return its value (check it with `check`) or, when it throws, check the throw is typed.
 * Returns `undefined` when it threw.
 */
export function parsesOrTyped<T>(
  parse: () => T,
  check: (v: T) => void,
  allowed?: readonly ErrorCode[],
): T | undefined {
  let v: T;
  try {
    v = timed(parse);
  } catch (err) {
    assertTyped(err, allowed);
    return undefined;
  }
  check(v);
  return v;
}

export async function parsesOrTypedAsync<T>(
  parse: () => Promise<T>,
  check: (v: T) => void | Promise<void>,
  allowed?: readonly ErrorCode[],
): Promise<T | undefined> {
  const start = performance.now();
  let v: T;
  try {
    v = await parse();
  } catch (err) {
    assertTyped(err, allowed);
    return undefined;
  } finally {
    const ms = performance.now() - start;
    assert.ok(ms < CASE_TIME_LIMIT_MS, `one case took ${ms.toFixed(0)} ms`);
  }
  await check(v);
  return v;
}

function report(name: string, cases: number): void {
  const file = process.env.FUZZ_REPORT;
  if (file) appendFileSync(file, `${name}\t${cases}\n`);
}

/** fc.assert a synchronous property with the shared seed and run count, and report how many cases ran. */
export function fuzz<Ts extends [unknown, ...unknown[]]>(
  name: string,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => void,
  weight = 1,
): void {
  let cases = 0;
  const prop = fc.property(...arbs, (...args: Ts) => {
    cases++;
    predicate(...args);
  });
  try {
    fc.assert(prop, {
      seed: FUZZ_SEED,
      numRuns: runs(weight),
      endOnFailure: false,
      includeErrorInReport: true,
    });
  } finally {
    report(name, cases);
  }
}

export async function fuzzAsync<Ts extends [unknown, ...unknown[]]>(
  name: string,
  arbs: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  predicate: (...args: Ts) => Promise<void>,
  weight = 1,
): Promise<void> {
  let cases = 0;
  const prop = fc.asyncProperty(...arbs, async (...args: Ts) => {
    cases++;
    await predicate(...args);
  });
  try {
    await fc.assert(prop, {
      seed: FUZZ_SEED,
      numRuns: runs(weight),
      timeout: CASE_TIME_LIMIT_MS * 2,
      endOnFailure: false,
      includeErrorInReport: true,
    });
  } finally {
    report(name, cases);
  }
}

// ---- generators shared by several parsers ----

/** Mutate a string: insert, delete, replace or duplicate a few characters, from `alphabet` or anywhere. */
export function mutatedString(base: fc.Arbitrary<string>, alphabet: string): fc.Arbitrary<string> {
  const ch = fc.oneof(
    fc.constantFrom(...alphabet.split('')),
    fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
  );
  const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), ch);
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 4 })).map(([s, edits]) => {
    let out = s;
    for (const [pos, op, c] of edits) {
      const i = out.length === 0 ? 0 : pos % (out.length + 1);
      if (op === 0) out = out.slice(0, i) + c + out.slice(i);
      else if (op === 1) out = out.slice(0, i) + out.slice(i + 1);
      else if (op === 2) out = out.slice(0, i) + c + out.slice(i + 1);
      else out = out.slice(0, i) + out.slice(i, i + 8).repeat(3) + out.slice(i + 8);
    }
    return out;
  });
}

/** Mutate bytes: flip, set, insert, delete or truncate at a few positions. */
export function mutatedBytes(base: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Buffer> {
  const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 255 }));
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 6 })).map(([b, edits]) => {
    let out = Buffer.from(b);
    for (const [pos, op, byte] of edits) {
      const i = out.length === 0 ? 0 : pos % out.length;
      if (op === 0 && out.length) out[i] = out[i]! ^ (1 << (byte % 8));
      else if (op === 1 && out.length) out[i] = byte;
      else if (op === 2) out = Buffer.concat([out.subarray(0, i), Buffer.of(byte), out.subarray(i)]);
      else if (op === 3) out = Buffer.concat([out.subarray(0, i), out.subarray(i + 1)]);
      else out = out.subarray(0, i);
    }
    return out;
  });
}

/** Replace the value at a random path of a JSON document, or delete it (structure-aware mutation). */
export function mutatedJson(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const replacement = fc.oneof(
    fc.constantFrom(null, true, 0, -1, 1.5, 2 ** 53, '', 'sha256:', [], {}, '__proto__', 1e308),
    fc.jsonValue({ maxDepth: 3 }),
  );
  const edit = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.boolean(), replacement);
  return fc.tuple(base, fc.array(edit, { minLength: 1, maxLength: 3 })).map(([doc, edits]) => {
    let root = structuredClone(doc);
    for (const [path, del, value] of edits) {
      if (typeof root !== 'object' || root === null) {
        root = value;
        continue;
      }
      let node = root as Record<string, unknown>;
      for (let d = 0; ; d++) {
        const keys = Object.keys(node);
        if (keys.length === 0) break;
        const key = keys[path[d % path.length]! % keys.length]!;
        const child = node[key];
        const last = d + 1 >= path.length || typeof child !== 'object' || child === null;
        if (last) {
          if (del && !Array.isArray(node)) delete node[key];
          else node[key] = value;
          break;
        }
        node = child as Record<string, unknown>;
      }
    }
    return root;
  });
}

/** A deeply nested array or object, as an attacker would send to blow the stack. */
export function deepJson(depth: number, inner = '0'): string {
  return '['.repeat(depth) + inner + ']'.repeat(depth);
}
