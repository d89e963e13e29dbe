/** The result every use case returns and every front end formats (CLI JSON, Action outputs, Tekton results). */
import type { LayerProtocolInfo } from '../ocicrypt/layer.js';
import type { ConfigFinding } from './config-check.js';
import type { GateReport } from './decrypt-gate.js';
export interface LayerReport {
    index: number;
    mediaType: string;
    size: number;
    digest: string;
    /** The digest the layer had in the source (differs when it was encrypted or decrypted). */
    sourceDigest: string;
    encrypted: boolean;
    /**
     * What this run did to the layer. A rewrap: `rewrapped` (same blob, its key wrapped for the new recipients) or
     * `rekeyed` (re-encrypted with a fresh key: a new blob).
     */
    action: 'encrypted' | 'decrypted' | 'already-encrypted' | 'kept' | 'external' | 'rewrapped' | 'rekeyed';
    /** Per wrapper annotation (jwe, pkcs7, provider.NAME): its items and who they are for. */
    recipients?: LayerProtocolInfo[];
}
export interface PlatformReport {
    platform: string;
    digest: string;
    mediaType: string;
    layers: LayerReport[];
}
export interface ImageReport {
    /** The digest of the root manifest or index: what a tag points at. */
    digest: string;
    mediaType: string;
    size: number;
    /** Set when a layout was written. */
    output?: string;
    refName?: string;
    platforms: PlatformReport[];
    /** Platforms in the source that were not selected and so are not in the output. */
    skippedPlatforms: string[];
    /** BuildKit attestation manifests carried over, with the (new) image digest they now refer to. */
    attestations: {
        digest: string;
        reference: string;
    }[];
    /** BuildKit attestation manifests left out of an encrypted image (`attestations: drop`, the default). */
    droppedAttestations?: number;
    /** `fingerprint`: `sha256:HEX` of the public key, or `provider:NAME` (the form expect-recipients takes). */
    recipients?: {
        type: string;
        alg: string;
        fingerprint: string;
        source: string;
    }[];
    /** Secret-shaped content found in the plaintext config and annotations (where and rule, never the value). */
    configSecrets?: ConfigFinding[];
    /** What the decryptability gate proved, when verify keys were given. */
    gate?: GateReport;
}
