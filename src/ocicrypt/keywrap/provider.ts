/**
 * A configured key provider (ocicrypt keywrap/keyprovider): the layer's private options go to an outside
 * program or service that wraps them with keys it holds (a KMS, an HSM, a Key Broker Service); its opaque
 * answer is the annotation item of `org.opencontainers.image.enc.keys.provider.NAME`. One wrapper per
 * configured NAME, bound to its transport (a command or a gRPC server: the pipeline builds them), carried by
 * the recipients and keys that name it. The request holds the layer key: it is never logged nor put in an error.
 */
import { OepError } from '../../errors.js';
import type { DecryptionKey } from '../private-keys.js';
import type { KeyRecipient, PublicKey, Recipient } from '../recipient.js';
import type { KeyWrapper, RecipientInfo } from './keywrapper.js';
import { unwrapAnswer, unwrapRequest, wrapAnswer, wrapRequest } from './provider-messages.js';

/** Send one request (JSON bytes) to the provider, get its answer; an OepError (E_PROVIDER) when it fails. */
export type ProviderTransport = (op: 'wrap' | 'unwrap', request: Uint8Array) => Promise<Uint8Array>;

export const PROVIDER_ANNOTATION_PREFIX = 'org.opencontainers.image.enc.keys.provider.';

export class ProviderKeyWrapper implements KeyWrapper {
  readonly scheme: string;
  readonly annotationId: string;

  constructor(
    readonly name: string,
    private readonly transport: ProviderTransport,
  ) {
    this.scheme = `provider.${name}`;
    this.annotationId = PROVIDER_ANNOTATION_PREFIX + name;
  }

  recipient(pk: PublicKey): KeyRecipient {
    throw new OepError('E_KEY', `${pk.source}: key provider ${this.name} takes no public key`, {
      hint: `name it as provider:${this.name}[:PARAMS]`,
    });
  }

  async wrap(recipients: Recipient[], privateOptions: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = recipients.filter((r) => r.scheme === this.scheme && r.provider);
    if (mine.length === 0) return undefined;
    const request = wrapRequest({ [this.name]: mine.map((r) => r.provider!.params) }, privateOptions);
    return wrapAnswer(await this.transport('wrap', request), this.name);
  }

  async unwrap(keys: DecryptionKey[], item: Uint8Array): Promise<Uint8Array | undefined> {
    const mine = keys.filter((k) => k.provider?.name === this.name);
    if (mine.length === 0) return undefined;
    const request = unwrapRequest({ [this.name]: mine.map((k) => k.provider!.params) }, item);
    return unwrapAnswer(await this.transport('unwrap', request), this.name);
  }

  async describe(): Promise<RecipientInfo[]> {
    return [{ alg: 'key-provider', kid: this.name }];
  }
}

/**
 * The wrappers of a run: those carried by recipients or keys (configured providers, which take the place of a
 * native provider of the same name, as in ocicrypt the configuration wins), then the given ones.
 */
export function withCarriedWrappers(
  wrappers: readonly KeyWrapper[],
  carriers: readonly { provider?: { wrapper?: KeyWrapper } }[],
): readonly KeyWrapper[] {
  const carried: KeyWrapper[] = [];
  for (const c of carriers) {
    const w = c.provider?.wrapper;
    if (w && !carried.some((x) => x.annotationId === w.annotationId)) carried.push(w);
  }
  if (carried.length === 0) return wrappers;
  return [...carried, ...wrappers.filter((w) => !carried.some((x) => x.annotationId === w.annotationId))];
}
