/**
 * The keys users hand us: recipients (public keys, accepted by the wrapper of their scheme) for encryption and
 * private keys for decryption.
 */
export { fingerprint, type KeyRecipient, providerRecipient, type ProviderSpec, type PublicKey, type Recipient, } from './recipient.js';
export { parseRecipients } from './public-keys.js';
export { pairCertificates, parseDecryptionKeys, type DecryptionKey, type PrivateDecryptionKey, } from './private-keys.js';
