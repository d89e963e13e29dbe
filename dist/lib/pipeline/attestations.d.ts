import { type Platform } from '../oci/platform.js';
import type { BlobSource } from '../oci/source.js';
import { type LoadedImage } from '../oci/tree.js';
export type AttestationMode = 'drop' | 'keep';
/** The `attestations` input and `--attestations` flag: one message for every front end. */
export declare function parseAttestationMode(value: string | undefined): AttestationMode;
/** The one line front ends print when attestations were dropped; `keepHow` is their own way to keep them. */
export declare function attestationNotice(dropped: number, keepHow: string): string;
export interface SettleOptions {
    mode: AttestationMode;
    platforms?: Platform[] | undefined;
}
/**
 * Settle every attestation-marked manifest of a loaded image, in place: real attestations are dropped (or kept),
 * disguised images become images. Returns how many attestations were dropped.
 */
export declare function settleAttestations(source: BlobSource, image: LoadedImage, opts: SettleOptions): Promise<number>;
