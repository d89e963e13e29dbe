import type { KeyRecipient } from './recipient.js';
/**
 * All recipients in one file or secret, for the wrapper of `scheme`. Several PEM blocks (or a JWK set) are
 * several recipients, so a secret holding the team's keys works as one input.
 */
export declare function parseRecipients(data: Uint8Array | string, source: string, scheme?: string): KeyRecipient[];
