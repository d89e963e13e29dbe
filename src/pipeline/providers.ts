/**
 * `provider:NAME[:PARAMS]` as a recipient or a decryption key. NAME is looked up in the key-provider
 * configuration (provider-config.ts) first, as ocicrypt does, then among the native providers of the engine
 * (a wrapper of scheme `provider.NAME` in ocicrypt/keywrap/registry.ts); PARAMS are opaque, sent as given
 * ("Enabled" when absent, as ocicrypt's CLI helpers send). The configuration is read when a spec needs it.
 */
import { OepError } from '../errors.js';
import {
  providerRecipient,
  type DecryptionKey,
  type ProviderSpec,
  type Recipient,
} from '../ocicrypt/keys.js';
import { ATTESTATION_AGENT } from '../ocicrypt/keywrap/attestation-agent.js';
import { ProviderKeyWrapper } from '../ocicrypt/keywrap/provider.js';
import { nativeProvider } from '../ocicrypt/keywrap/registry.js';
import { spawnCommand, type CommandRunner } from '../registry/command.js';
import { attestationAgentKey, attestationAgentRecipient } from './attestation-agent.js';
import type { KbsRegistrar } from './kbs.js';
import { cmdTransport } from './provider-cmd.js';
import { loadProviderConfig, type ProviderConfig } from './provider-config.js';
import { grpcTransport } from './provider-grpc.js';

export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;

/** What resolving a provider needs: the keyprovider-config value, the environment, how to run commands. */
export interface ProviderContext {
  config?: string;
  env: Record<string, string | undefined>;
  runCommand?: CommandRunner;
  timeoutMs?: number;
  /** kbs-url and kbs-admin-key: attestation-agent recipients without keypath get a KEK registered there. */
  kbs?: KbsRegistrar;
  /** Plaintext gRPC to a provider off this machine (OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1): refused otherwise. */
  allowPlaintext?: boolean;
}

export interface Providers {
  recipient(spec: string, input: string): Recipient;
  key(spec: string): DecryptionKey;
}

export function isProviderSpec(spec: string): boolean {
  return spec.startsWith('provider:');
}

/**
 * Native providers whose keys are files (the engine reads no files): the pipeline reads them into a recipient or
 * a key of the native wrapper, from PARAMS as given.
 */
const NATIVE_KEY_FILES: Record<
  string,
  {
    recipient(params: string, input: string, ctx: ProviderContext): Recipient;
    key(params: string, input: string): DecryptionKey;
  }
> = {
  [ATTESTATION_AGENT]: { recipient: attestationAgentRecipient, key: attestationAgentKey },
};

function parseSpec(spec: string, input: string): { name: string; params: Uint8Array; given: string } {
  const m = /^provider:([^:]+)(?::(.*))?$/s.exec(spec);
  if (!m) {
    throw new OepError('E_USAGE', `${input} ${spec}: a key provider is named as provider:NAME[:PARAMS]`);
  }
  return { name: m[1]!, params: Buffer.from(m[2] ?? 'Enabled', 'utf8'), given: m[2] ?? '' };
}

/** The resolver of one request: one wrapper per configured provider, shared by its recipients and keys. */
export function providersFor(ctx: ProviderContext): Providers {
  let config: Map<string, ProviderConfig> | undefined;
  const wrappers = new Map<string, ProviderKeyWrapper>();
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  const configured = (name: string): ProviderKeyWrapper | undefined => {
    config ??= loadProviderConfig(ctx.config, ctx.env);
    const cfg = config.get(name);
    if (!cfg) return undefined;
    let w = wrappers.get(name);
    if (!w) {
      const transport =
        cfg.kind === 'cmd'
          ? cmdTransport(name, cfg, ctx.runCommand ?? spawnCommand, timeoutMs, ctx.env)
          : grpcTransport(name, cfg, timeoutMs, ctx.allowPlaintext ?? false);
      w = new ProviderKeyWrapper(name, transport);
      wrappers.set(name, w);
    }
    return w;
  };
  const resolve = (spec: string, input: string, use: 'encrypt' | 'decrypt'): ProviderSpec => {
    const { name, params } = parseSpec(spec, input);
    const wrapper = configured(name);
    if (wrapper) return { name, params, wrapper };
    const native = nativeProvider(name);
    if (!native) {
      throw new OepError(
        'E_PROVIDER',
        `${input} ${spec.split(':', 2).join(':')}: no key provider ${name} is configured`,
        {
          hint: 'describe it in keyprovider-config (--keyprovider-config FILE, or OCICRYPT_KEYPROVIDER_CONFIG)',
        },
      );
    }
    native.checkProviderParams?.(params, use, `${input} provider:${name}`);
    return { name, params };
  };
  const nativeFiles = (p: ProviderSpec) => (p.wrapper ? undefined : NATIVE_KEY_FILES[p.name]);
  return {
    recipient: (spec, input) => {
      const provider = resolve(spec, input, 'encrypt');
      const source = `${input} provider:${provider.name}`;
      const files = nativeFiles(provider);
      if (files) return files.recipient(parseSpec(spec, input).given, source, ctx);
      return providerRecipient(provider, source);
    },
    key: (spec) => {
      const provider = resolve(spec, '--key', 'decrypt');
      const source = `--key provider:${provider.name}`;
      const files = nativeFiles(provider);
      if (files) return files.key(parseSpec(spec, '--key').given, source);
      return { source, provider };
    },
  };
}
