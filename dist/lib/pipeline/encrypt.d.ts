import { type Platform } from '../oci/platform.js';
import { type LoadedImage } from '../oci/tree.js';
import type { BlobSource } from '../oci/source.js';
import type { Recipient } from '../ocicrypt/keys.js';
import { type AttestationMode } from './attestations.js';
import { type ConfigSecretsMode } from './config-check.js';
import { type VerifyKey } from './decrypt-gate.js';
import type { RunHost } from './host.js';
import type { ImageReport } from './result.js';
import { type BlobListener, type InPlaceResult, type LayerOps, type LayerSink, type RewriteResult } from './rewrite.js';
export interface EncryptOptions extends RunHost {
    layout: string;
    refName?: string;
    output: string;
    recipients: Recipient[];
    /** Indexes as given (negative from the top); undefined means every layer. */
    encryptLayers?: number[];
    platforms?: Platform[];
    /** BuildKit attestation manifests: left out (the default: ocicrypt cannot encrypt them) or kept plaintext. */
    attestations?: AttestationMode;
    /** Told of each layer and config as soon as it is final in the output: a push starts uploading it. */
    onBlob?: BlobListener;
    /**
     * Awaited last, before anything becomes visible: once the layout is written and gated, or a push's image is in
     * the registry by digest, verified and gated, before its tags (a KBS registers the KEKs). On failure the output
     * is removed and no tag is pushed.
     */
    beforePublish?: () => Promise<void>;
    /** The config-leak check: warn (the default), fail before anything is written, or off. */
    configSecrets?: ConfigSecretsMode;
    /** The decryptability gate: what was written (or pushed) must open for each of these keys. */
    verifyKeys?: VerifyKey[];
}
/** An encryption checked and ready to run: nothing written yet. */
export interface EncryptionPlan {
    source: BlobSource;
    image: LoadedImage;
    ops: LayerOps;
    /** What the report adds to the rewrite's. */
    extras: Partial<ImageReport>;
    recipients: NonNullable<ImageReport['recipients']>;
    log: (line: string) => void;
}
/**
 * Every check before anything is written or sent: the recipients, the image, the attestations, the config, the
 * layers selected.
 */
export declare function planEncryption(opts: Omit<EncryptOptions, 'output'>): Promise<EncryptionPlan>;
/** Encrypt into a layout: its report, and the image written (documents and blob handles, for a push). */
export declare function encryptToLayout(opts: EncryptOptions): Promise<{
    report: ImageReport;
    result: RewriteResult;
}>;
/**
 * Run a planned encryption without writing it: each encrypted layer goes to `sink` as it is made; configs and
 * copied layers stay in the source. The report, and the image (its documents, and every blob it needs).
 */
export declare function encryptInto(plan: EncryptionPlan, sink: LayerSink, opts: Pick<EncryptOptions, 'concurrency' | 'signal'>): Promise<{
    report: ImageReport;
    result: InPlaceResult;
}>;
/** Run the beforePublish hook; when it fails, the output written (if any) is removed: nothing partial lands. */
export declare function beforePublish(opts: Pick<EncryptOptions, 'beforePublish'>, output?: string): Promise<void>;
/**
 * Encrypt into a layout; with verify keys, the layout as written must open for each (else it is removed). Then
 * beforePublish, the last step (else the layout is removed too).
 */
export declare function encryptImage(opts: EncryptOptions): Promise<ImageReport>;
