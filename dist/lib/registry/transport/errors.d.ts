/**
 * Registry failures as one structured type. The Distribution `errors[]` body is parsed (size-capped) so the
 * registry's own code and message reach the user, with a hint for the cases we know. Whether a failure is
 * worth retrying is decided here, from fixed sets, and nowhere else.
 */
import { OepError, type ErrorCode } from '../../errors.js';
export interface Diagnostic {
    code: string;
    message: string;
}
export declare class RegistryError extends OepError {
    #private;
    readonly status: number | undefined;
    readonly diagnostics: Diagnostic[];
    /** Worth another try: 5xx, 408, 429, resets, timeouts. */
    readonly transient: boolean;
    /** From Retry-After, when the registry said how long to wait. */
    readonly retryAfterMs: number | undefined;
    constructor(code: ErrorCode, message: string, opts?: {
        status?: number;
        diagnostics?: Diagnostic[];
        transient?: boolean;
        retryAfterMs?: number;
        hint?: string;
        cause?: unknown;
    });
    /**
     * The same failure named from the request that met it (`what: message`): status, diagnostics, transience,
     * Retry-After and hint kept, this error as the cause. E.g. a token endpoint's refusal, told as the push's.
     */
    withContext(what: string): RegistryError;
    /**
     * The same answer explained better: another code and hint, the same message, status and diagnostics. A refusal
     * of credentials (E_AUTH) is never worth another try; otherwise transience is kept.
     */
    explained(code: ErrorCode, hint: string): RegistryError;
}
/** An OepError told as the failure of `what`: a RegistryError keeps its fields (withContext), any other its hint. */
export declare function inContext(err: OepError, what: string): OepError;
/** 408, 429 and the 5xx a server recovers from: worth another try whatever the body says. */
export declare function isTransientStatus(status: number): boolean;
export declare function parseRetryAfter(value: string | undefined, now?: number): number | undefined;
export declare function parseDiagnostics(body: string): Diagnostic[];
export declare function httpError(status: number, headers: Record<string, string | string[] | undefined>, body: string, what: string): RegistryError;
/** A failure below HTTP (connection, TLS, timeout) as a RegistryError. */
export declare function networkError(err: unknown, what: string): OepError;
export declare function isTransient(err: unknown): err is RegistryError;
/**
 * The failure came before any HTTP answer could: the connection was refused, or TLS could not be set up (e.g.
 * the port speaks plain HTTP). Only then may --tls-verify=false try plain HTTP; a reset or a timeout once
 * a TLS connection stood is an HTTPS server failing, and no reason to send the same request in clear.
 */
export declare function failedBeforeResponse(err: unknown): boolean;
/** The low-level code of a network failure (ECONNREFUSED, ERR_SSL_…), for a log line. */
export declare function networkCode(err: unknown): string;
