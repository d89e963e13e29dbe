/**
 * One error type for the whole project. Every failure carries a stable `code` that callers (front ends, tests)
 * switch on, a message that names the input at fault, and, where we know it, a hint saying how to fix it.
 * Crypto failures deliberately carry no detail about which check failed beyond what the user can act on.
 */
export type ErrorCode = 'E_USAGE' | 'E_LAYOUT' | 'E_BLOB_MISSING' | 'E_DIGEST' | 'E_MANIFEST' | 'E_REF' | 'E_PLATFORM' | 'E_LAYER_INDEX' | 'E_KEY' | 'E_NO_RECIPIENT' | 'E_DECRYPT' | 'E_INTEGRITY' | 'E_OUTPUT' | 'E_UNSUPPORTED' | 'E_REFERENCE' | 'E_AUTH' | 'E_REGISTRY' | 'E_NETWORK' | 'E_VERIFY';
export declare class OepError extends Error {
    readonly code: ErrorCode;
    readonly hint: string | undefined;
    constructor(code: ErrorCode, message: string, options?: {
        hint?: string;
        cause?: unknown;
    });
    /** The one line a front end prints: message, then the fix. */
    describe(): string;
}
export declare function isOepError(err: unknown, code?: ErrorCode): err is OepError;
/**
 * `JSON.stringify` for a message that quotes untrusted JSON: a value nested too deep to print (a hostile
 * manifest's `[[[…]]]`, which JSON.parse accepts but JSON.stringify overflows the stack on) is named instead.
 */
export declare function quote(v: unknown): string;
