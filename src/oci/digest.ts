import { OepError, quote } from '../errors.js';

/** Algorithms the OCI spec registers, with the hex length of their encoded part. */
const ALGORITHMS: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: 'sha256' | 'sha512';
  hex: string;
}

/** Parse and validate `alg:hex`. Anything else (uppercase, other algorithms, path tricks) is refused. */
export function parseDigest(digest: unknown, where: string): ParsedDigest {
  if (typeof digest === 'string') {
    const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
    if (m && ALGORITHMS[m[1]!] === m[2]!.length) {
      return { algorithm: m[1] as ParsedDigest['algorithm'], hex: m[2]! };
    }
  }
  throw new OepError('E_MANIFEST', `${where}: invalid digest ${quote(digest)}`, {
    hint: 'digests must be sha256:<64 hex> or sha512:<128 hex>',
  });
}
