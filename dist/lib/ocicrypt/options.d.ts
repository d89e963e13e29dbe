export declare const ANNOTATION_PREFIX = "org.opencontainers.image.enc";
export declare const ANNOTATION_PUBOPTS = "org.opencontainers.image.enc.pubopts";
export declare const ANNOTATION_KEYS_PREFIX = "org.opencontainers.image.enc.keys.";
export interface PrivateOptions {
    symkey: Buffer;
    digest: string;
    nonce: Buffer | undefined;
}
export interface PublicOptions {
    cipher: string;
    hmac: Buffer | undefined;
    nonce: Buffer | undefined;
}
export declare function encodePrivateOptions(o: {
    symkey: Buffer;
    digest: string;
    nonce: Buffer;
}): Buffer;
export declare function encodePublicOptions(hmac: Buffer): Buffer;
/** Strict standard base64 as Go's StdEncoding: padded, no URL alphabet, no whitespace. */
export declare function decodeStdBase64(s: unknown, what: string): Buffer;
export declare function decodePrivateOptions(bytes: Uint8Array): PrivateOptions;
export declare function decodePublicOptions(annotation: string | undefined): PublicOptions;
/**
 * The secrets needed to decrypt, checked hard: unlike Go, a missing nonce is an error (Go would silently use a
 * random one and return garbage that still passes the MAC), and every length must be exact.
 */
export declare function layerSecrets(priv: PrivateOptions, pub: PublicOptions): {
    key: Buffer;
    nonce: Buffer;
    hmac: Buffer;
};
