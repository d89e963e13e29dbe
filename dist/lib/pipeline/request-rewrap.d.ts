import { type DecryptionKey } from './keys.js';
import type { Providers } from './providers.js';
import type { Request, RequestStrings } from './request.js';
/** One source (layout or from) and one destination (output or image, with tags). */
export declare function rewrapSource(s: RequestStrings): Pick<Request, 'layout' | 'from' | 'image' | 'tags' | 'output'>;
/**
 * The Action's private-keys: PEM or JWK text straight from a secret, several blocks being several keys;
 * `provider:NAME[:PARAMS]` and key file lines are specs (decryptionKeysFromText). At least one key.
 */
export declare function privateKeysFrom(text: string, env: Record<string, string | undefined>, providers: Providers): DecryptionKey[];
