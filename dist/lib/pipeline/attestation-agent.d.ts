import type { KeyRecipient, PrivateDecryptionKey } from '../ocicrypt/keys.js';
import type { KbsRegistrar } from './kbs.js';
/**
 * The recipient of `provider:attestation-agent:keypath=F::keyid=ID[::algorithm=A256GCM]`; with kbs-url, of
 * `provider:attestation-agent[:keyid=ID]`: a fresh KEK the KBS is to hold.
 */
export declare function attestationAgentRecipient(params: string, input?: string, ctx?: {
    kbs?: KbsRegistrar;
}): KeyRecipient;
/** The key of `--key provider:attestation-agent:keypath=F` (a keyid, if given, is checked and not needed). */
export declare function attestationAgentKey(params: string, input?: string): PrivateDecryptionKey;
