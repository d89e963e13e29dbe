import type { DecryptionKey } from '../private-keys.js';
import { type KeyRecipient, type PublicKey, type Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';
/** Recipients tried per item: each is a private-key operation per key (as MAX_JWE_RECIPIENTS). */
export declare const MAX_PKCS7_RECIPIENTS = 64;
export declare class Pkcs7KeyWrapper implements KeyWrapper {
    readonly scheme: "pkcs7";
    readonly annotationId = "org.opencontainers.image.enc.keys.pkcs7";
    recipient(pk: PublicKey): KeyRecipient;
    wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined>;
    unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined>;
    describe(item: Uint8Array): Promise<RecipientInfo[]>;
}
