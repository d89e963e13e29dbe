import { WRAP_TYPE } from './attestation-agent.js';
export interface AttestationAgentParams {
    /** The 32-byte KEK file. */
    keypath?: string;
    /** The KBS resource URI the guest fetches the KEK by (`kbs:///REPO/TYPE/TAG`); written as the packet's kid. */
    keyid?: string;
    algorithm: typeof WRAP_TYPE;
}
/** Parse `keypath=F::keyid=ID[::algorithm=A256GCM]`; which fields are required is up to the caller. */
export declare function parseAttestationAgentParams(params: string, where?: string): AttestationAgentParams;
/** For encryption: both the KEK file and the keyid the guest will fetch it by. */
export declare function requireWrapParams(p: AttestationAgentParams, where: string): {
    keypath: string;
    keyid: string;
};
