import type { KeyRecipient, PrivateDecryptionKey } from '../ocicrypt/keys.js';
/** The recipient of `provider:attestation-agent:keypath=F::keyid=ID[::algorithm=A256GCM]`. */
export declare function attestationAgentRecipient(params: string, input?: string): KeyRecipient;
/** The key of `--key provider:attestation-agent:keypath=F` (a keyid, if given, is checked and not needed). */
export declare function attestationAgentKey(params: string, input?: string): PrivateDecryptionKey;
