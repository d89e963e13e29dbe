import type { Credential } from '../credentials.js';
import { type Send } from './http.js';
export interface Challenge {
    scheme: string;
    params: Record<string, string>;
}
/** Parse `Bearer realm="https://a/token",service="reg",scope="repository:x:pull"` (one challenge). */
export declare function parseChallenge(header: string | string[] | undefined): Challenge | undefined;
/** `repository:name:push,pull` → `repository:name:pull,push` (the actions after the last colon, sorted). */
export declare function normaliseScope(scope: string): string;
export declare class Authorizer {
    #private;
    /**
     * plainRealmHost: the registry's hostname when TLS verification is off. Only then, and only on that host,
     * may credentials go to a plain-HTTP token endpoint (a realm elsewhere is someone else's to read them).
     * log: where the warning goes when they do.
     */
    constructor(send: Send, credential: () => Promise<Credential | undefined>, opts?: {
        plainRealmHost?: string;
        log?: (line: string) => void;
    });
    /** Whether we have credentials at all (a 401 then means they were refused, not missing). */
    hasCredential(): Promise<boolean>;
    /** The registry's challenge from the /v2/ ping (or a later 401). */
    setChallenge(c: Challenge | undefined): void;
    /** The Authorization header for a request needing `scopes`, or undefined for anonymous access. */
    header(scopes: string[]): Promise<string | undefined>;
    /** After a 401: forget the token for these scopes and take the new challenge (it may widen the scopes). */
    invalidate(scopes: string[], challenge: Challenge | undefined): string[];
}
/**
 * The auth layer for requests to the registry at `origin`: each gets the Authorization header for its scopes
 * (none elsewhere: withRedirects keeps it on that origin). A 401 counts as the registry's only when its own origin
 * answered: then its challenge is taken and the request sent once more with new credentials. A 401 from a host
 * the registry redirected to is that request's failure (its challenge could point our credentials at any realm).
 */
export declare function withAuth(next: Send, auth: Pick<Authorizer, 'header' | 'invalidate'>, origin: string): Send;
/**
 * What of a token endpoint's error body may reach a message: its codes only (Distribution `errors[].code`, OAuth
 * `error`). The rest is free text from a server that just received our credentials, and may reflect them.
 */
export declare function tokenErrorCodes(body: string): string;
