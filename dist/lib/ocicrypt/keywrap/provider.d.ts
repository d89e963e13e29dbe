import type { DecryptionKey } from '../private-keys.js';
import type { KeyRecipient, PublicKey, Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';
/** Send one request (JSON bytes) to the provider, get its answer; an OepError (E_PROVIDER) when it fails. */
export type ProviderTransport = (op: 'wrap' | 'unwrap', request: Uint8Array) => Promise<Uint8Array>;
export declare const PROVIDER_ANNOTATION_PREFIX = "org.opencontainers.image.enc.keys.provider.";
export declare class ProviderKeyWrapper implements KeyWrapper {
    readonly name: string;
    private readonly transport;
    readonly scheme: string;
    readonly annotationId: string;
    constructor(name: string, transport: ProviderTransport);
    recipient(pk: PublicKey): KeyRecipient;
    wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined>;
    unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined>;
    describe(): Promise<RecipientInfo[]>;
}
/**
 * The wrappers of a run: those carried by recipients or keys (configured providers, which take the place of a
 * native provider of the same name, as in ocicrypt the configuration wins), then the given ones.
 */
export declare function withCarriedWrappers(wrappers: readonly KeyWrapper[], carriers: readonly {
    provider?: {
        wrapper?: KeyWrapper;
    };
}[]): readonly KeyWrapper[];
