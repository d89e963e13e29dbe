/**
 * One method per Distribution API call, over the session's transport stack (withAuth(withRedirects(withRetry(
 * send)))). Each method names its request and the statuses it accepts; the session maps any other status to an
 * error. Retries are not here: callers retry whole operations (retry.ts).
 */
import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/model.js';
import type { Reference } from './reference.js';
import { type SessionOptions } from './session.js';
export declare const MANIFEST_ACCEPT: string;
export interface ClientOptions extends SessionOptions {
    /** Force PATCH-then-PUT uploads (some registries refuse a monolithic PUT). */
    chunked?: boolean;
}
export declare function pullScope(repo: string): string;
export declare function pushScope(repo: string): string;
export declare class RegistryClient {
    #private;
    readonly host: string;
    private constructor();
    /** Open a session (see Session.open: HTTPS, the plain-HTTP rule, the challenge). */
    static connect(ref: Pick<Reference, 'apiHost'>, opts: ClientOptions): Promise<RegistryClient>;
    /** Close kept-alive connections, so a finished CLI run exits at once. */
    close(): Promise<void>;
    /** Abort every request under way (a failed run must not wait for uploads nobody will use). */
    destroy(): Promise<void>;
    /**
     * GET /v2/ with the push token of `repo` (or Basic credentials): refused credentials fail here, in a second,
     * before any layer is encrypted. Missing push rights may still only show at the first upload.
     */
    checkPushAccess(repo: string): Promise<void>;
    /** HEAD /v2/<repo>/blobs/<digest>: 200 present (its size must match), 404 absent. */
    blobExists(repo: string, desc: Pick<Descriptor, 'digest' | 'size'>, scopes?: string[]): Promise<boolean>;
    /**
     * POST /v2/<repo>/blobs/uploads/[?mount=&from=]: 201 when the registry mounted the blob from the other
     * repository, 202 with a Location to upload to otherwise (registries answer 202 to a refused mount).
     */
    startUpload(repo: string, mount?: {
        digest: string;
        from: string;
    }): Promise<{
        mounted: boolean;
        location: URL;
    }>;
    /**
     * PUT <location>&digest=: the whole blob in one request, streamed with its length (distribution 2.8 has no
     * single-POST upload, so POST then PUT). With `chunked`, or when the registry refuses the monolithic PUT
     * with 405/416, one PATCH carries the bytes (patchBlob) and an empty PUT commits them.
     */
    uploadBlob(repo: string, location: URL, desc: Pick<Descriptor, 'digest' | 'size'>, open: () => Promise<Readable>): Promise<void>;
    /**
     * PATCH <location>: the whole blob in one streamed request, its digest not needed yet; returns where to commit
     * it. As docker, skopeo and go-containerregistry send it to every registry: its length, no Content-Range (with
     * one, some registries take it for a chunk and refuse it as too large; OCI's conformance suite tests this
     * "streamed" form). `what` names the blob in errors.
     */
    patchBlob(repo: string, location: URL, size: number, open: () => Promise<Readable>, what: string): Promise<URL>;
    /** PUT <location>&digest= without a body: the bytes PATCHed so far become the blob, if they match `digest`. */
    commitBlob(repo: string, location: URL, digest: string): Promise<void>;
    /** PUT /v2/<repo>/manifests/<tag|digest> with the exact bytes; returns the digest the registry computed. */
    putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<string | undefined>;
    /** GET /v2/<repo>/manifests/<ref>: the exact bytes, their media type and the registry's digest header. */
    getManifest(repo: string, reference: string, scopes?: string[]): Promise<{
        bytes: Buffer;
        mediaType: string;
        digest?: string;
    }>;
    /** GET /v2/<repo>/blobs/<digest>: a stream (redirects to storage followed without our credentials). */
    getBlob(repo: string, digest: string): Promise<Readable>;
}
/**
 * Where an upload goes next. Relative Locations resolve against the request they answer (RFC 9110), as
 * `/v2/...` does against any. Blob bytes never leave HTTPS for plain HTTP (nor for another scheme), whatever
 * the registry answers: the same rule as for redirects.
 */
export declare function uploadLocation(header: string | string[], base: URL, what: string): URL;
