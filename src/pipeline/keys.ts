/** The key parsers front ends use, re-exported so that front ends depend on the pipeline only. */
export {
  parseDecryptionKeys,
  parseRecipients,
  type DecryptionKey,
  type Recipient,
} from '../ocicrypt/keys.js';
