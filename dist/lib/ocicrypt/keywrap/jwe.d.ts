import type { DecryptionKey } from '../private-keys.js';
import { type KeyRecipient, type PublicKey, type Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';
/** Recipients tried per JWE item: each is a private-key operation per key (see MAX_KEY_ITEMS in layer.ts). */
export declare const MAX_JWE_RECIPIENTS = 64;
export declare class JweKeyWrapper implements KeyWrapper {
    readonly scheme: "jwe";
    readonly annotationId = "org.opencontainers.image.enc.keys.jwe";
    recipient(pk: PublicKey): KeyRecipient;
    wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined>;
    unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined>;
    describe(item: Uint8Array): Promise<RecipientInfo[]>;
}
