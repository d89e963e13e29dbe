/**
 * The decryptability gate (`--verify-key`, `verify-private-keys`): before a tag moves (or, for a layout only,
 * before the run reports success), what landed must open for every verify key. Every encrypted layer's key must
 * unwrap with each key, and the smallest encrypted layer of each platform is read back from where it landed and
 * decrypted in full, its HMAC checked, the plaintext discarded. A push that production cannot open fails here,
 * untagged, instead of at deploy time.
 */
import type { Readable } from 'node:stream';
import type { Descriptor } from '../oci/model.js';
import { type LoadedImage } from '../oci/tree.js';
import type { PushTarget } from '../registry/push.js';
import type { VerifyKey } from './verify-keys.js';
export type { VerifyKey } from './verify-keys.js';
/** Where the image landed, read back. */
export interface GateTarget {
    /** For messages: the repository, or the output folder. */
    name: string;
    image: LoadedImage;
    /** The blob as stored there: the gate checks the HMAC first, then the digest. */
    openBlob(desc: Descriptor): Promise<Readable>;
    signal?: AbortSignal;
}
/** What the gate proved, for the report. */
export interface GateReport {
    /** The verify keys' fingerprints. */
    keys: string[];
    /** Encrypted layers (distinct) whose key every verify key unwrapped. */
    layersUnwrapped: number;
    /** The layers read back and decrypted in full, HMAC checked: the smallest encrypted one of each platform. */
    layersDecrypted: {
        platform: string;
        digest: string;
        size: number;
    }[];
}
/** Run the gate on what landed at `target`; throws E_GATE (a key), E_INTEGRITY or E_DIGEST (a layer). */
export declare function runGate(target: GateTarget, keys: readonly VerifyKey[], log: (line: string) => void): Promise<GateReport>;
/**
 * The gate on an encrypted layout as written (`--output` without a push). On failure the layout is removed: a
 * layout that does not open for the verify keys must not be left for a later step to ship.
 */
export declare function gateLayout(output: string, keys: readonly VerifyKey[], log: (line: string) => void, signal?: AbortSignal): Promise<GateReport>;
/**
 * The gate on an image pushed by digest (before any tag): each repository it went to is read back from the
 * registry, manifests by digest and blobs as stored. When it fails, a layout also written (`output`) is removed:
 * nothing of a run that failed its gate stays behind.
 */
export declare function gateRegistry(targets: readonly PushTarget[], digest: string, keys: readonly VerifyKey[], log: (line: string) => void, opts?: {
    signal?: AbortSignal | undefined;
    output?: string | undefined;
}): Promise<GateReport>;
