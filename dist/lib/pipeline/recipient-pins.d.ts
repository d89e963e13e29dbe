import type { Recipient } from '../ocicrypt/keys.js';
/** A recipient's FP: `sha256:HEX` of its public key, or `provider:NAME` (native providers too). */
export declare function recipientFingerprint(r: Pick<Recipient, 'scheme' | 'fingerprint'>): string;
/** The listed FPs (comma-, space- or newline-separated), normalised; undefined when nothing is listed. */
export declare function parseExpectedRecipients(value: string | undefined): string[] | undefined;
/**
 * Every recipient must be listed and every listed FP must be a recipient; otherwise an error that lists the
 * unexpected ones (with where each came from) and the missing ones.
 */
export declare function checkRecipientPins(recipients: readonly Recipient[], expected: readonly string[]): void;
