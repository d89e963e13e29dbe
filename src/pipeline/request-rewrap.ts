/**
 * The inputs only a rewrap has: where the image comes from (a layout, or `from`, a registry image) and where it
 * goes (a layout at `output`, or `image` with its tags), and the private keys the Action takes as text. The
 * checks and messages of request.ts, for the rewrap's side of the contract.
 */
import { OepError } from '../errors.js';
import { decryptionKeysFromText, type DecryptionKey } from './keys.js';
import type { Providers } from './providers.js';
import type { Request, RequestStrings } from './request.js';
import { imageFrom, inputError } from './request-values.js';

function given(v: string | undefined): string | undefined {
  return (v ?? '').trim() || undefined;
}

/** One source (layout or from) and one destination (output or image, with tags). */
export function rewrapSource(
  s: RequestStrings,
): Pick<Request, 'layout' | 'from' | 'image' | 'tags' | 'output'> {
  const layout = given(s.layout);
  const from = given(s.from);
  const output = given(s.output);
  if (layout && from) {
    throw inputError('from', 'and layout are both set', 'rewrap one image: --from REF or --layout PATH');
  }
  if (!layout && !from) {
    throw inputError(
      'from',
      'is required: the image to rewrap',
      'a registry image (--from REF), or a layout (--layout PATH)',
    );
  }
  const { image, tags } = imageFrom({ image: s.image, tags: s.tags ?? [] });
  if (image && output) {
    throw inputError(
      'output',
      'and image are both set: a rewrap writes a layout or pushes, not both',
      'give --output DIR or --image REF',
    );
  }
  if (!image && !output) {
    throw inputError(
      'image',
      'is empty and so is output: nothing to do',
      'set image (push the rewrapped image) or output (write it as a layout): --image REF, --output DIR',
    );
  }
  return {
    ...(layout ? { layout } : {}),
    ...(from ? { from } : {}),
    ...(image ? { image } : {}),
    tags,
    ...(output ? { output } : {}),
  };
}

/**
 * The Action's private-keys: PEM or JWK text straight from a secret, several blocks being several keys;
 * `provider:NAME[:PARAMS]` and key file lines are specs (decryptionKeysFromText). At least one key.
 */
export function privateKeysFrom(
  text: string,
  env: Record<string, string | undefined>,
  providers: Providers,
): DecryptionKey[] {
  if (!text.trim()) {
    throw inputError(
      'private-keys',
      'is empty: a rewrap needs a private key that opens the layers',
      'private-keys: ${{ secrets.IMAGE_PRIVATE_KEY }} (PEM), or provider:NAME lines',
    );
  }
  try {
    return decryptionKeysFromText(text, env, () => {}, providers, 'private-keys');
  } catch (err) {
    if (err instanceof OepError && !err.message.startsWith('private-keys')) {
      throw new OepError(err.code, `private-keys: ${err.message}`, { hint: err.hint, cause: err });
    }
    throw err;
  }
}
