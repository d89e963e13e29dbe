export interface ParsedDigest {
    algorithm: 'sha256' | 'sha512';
    hex: string;
}
/** Parse and validate `alg:hex`. Anything else (uppercase, other algorithms, path tricks) is refused. */
export declare function parseDigest(digest: unknown, where: string): ParsedDigest;
