/**
 * One error type for the whole project. Every failure carries a stable `code` that callers (front ends, tests)
 * switch on, a message that names the input at fault, and, where we know it, a hint saying how to fix it.
 * Crypto failures deliberately carry no detail about which check failed beyond what the user can act on.
 * Front ends print `error[E_CODE]: message (hint)` (errorLine); README's "Errors" table gives each code's cause
 * and fix: keep it in step with this union.
 */
export type ErrorCode = 'E_USAGE' | 'E_LAYOUT' | 'E_BLOB_MISSING' | 'E_DIGEST' | 'E_MANIFEST' | 'E_REF_NAME' | 'E_PLATFORM' | 'E_LAYER_INDEX' | 'E_KEY' | 'E_NO_RECIPIENT' | 'E_DECRYPT' | 'E_PROVIDER' | 'E_OPTIONS' | 'E_INTEGRITY' | 'E_OUTPUT' | 'E_UNSUPPORTED' | 'E_IMAGE_REF' | 'E_AUTH' | 'E_REGISTRY' | 'E_NETWORK' | 'E_VERIFY' | 'E_RECIPIENTS' | 'E_CONFIG_SECRET' | 'E_GATE' | 'E_PLAINTEXT' | 'E_INTERNAL';
export declare class OepError extends Error {
    readonly code: ErrorCode;
    readonly hint: string | undefined;
    constructor(code: ErrorCode, message: string, options?: {
        hint?: string;
        cause?: unknown;
    });
    /** The message, then the fix. */
    describe(): string;
}
/** The one line every front end prints for a failure: `error[E_CODE]: message (hint)`. */
export declare function errorLine(err: OepError, text?: string): string;
/** The stack of an internal fault, printed under OEP_DEBUG=1 after its line: what a bug report needs. */
export declare function debugStack(err: OepError): string[];
/** A fault of our own (an assertion that does not hold): E_INTERNAL, and the hint says to report it. */
export declare function internalError(message: string): OepError;
/** Any thrown value as an OepError: ours as it is, anything else an internal fault that keeps it as its cause. */
export declare function asOepError(err: unknown): OepError;
export declare function isOepError(err: unknown, code?: ErrorCode): err is OepError;
/**
 * `JSON.stringify` for a message that quotes untrusted JSON: a value nested too deep to print (a hostile
 * manifest's `[[[…]]]`, which JSON.parse accepts but JSON.stringify overflows the stack on) is named instead.
 */
export declare function quote(v: unknown): string;
