/**
 * ocicrypt's key-provider configuration (config/keyprovider-config): `{"key-providers": {NAME: {"cmd":
 * {"path", "args"}} | {"grpc": "host:port", "grpc-tls": {...}}}}`, from the keyprovider-config input (JSON
 * text or a path) or else the file OCICRYPT_KEYPROVIDER_CONFIG names, as skopeo reads it. Field names are
 * ocicrypt's (config.go: KeyProviderAttrs, GrpcTLS); a provider with neither `cmd` nor `grpc` is an error, not
 * skipped, and so is `grpc-tls.insecure-skip-verify: true`, which ocicrypt honours.
 */
import { readKeyFile } from '../host/files.js';
import { inputError } from './request-values.js';

export interface CmdProvider {
  kind: 'cmd';
  path: string;
  args: string[];
}

export interface GrpcTls {
  rootCaFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
}

export interface GrpcProvider {
  kind: 'grpc';
  /** host:port */
  address: string;
  tls?: GrpcTls;
}

export type ProviderConfig = CmdProvider | GrpcProvider;

const HINT =
  'give {"key-providers": {"NAME": {"cmd": {"path": "/usr/bin/x", "args": []}}}} or {"NAME": {"grpc": "host:port"}}';

function bad(where: string, message: string) {
  return inputError('keyprovider-config', `${where}: ${message}`, HINT);
}

function str(v: unknown, where: string, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v === '') throw bad(where, `${field} is not a non-empty string`);
  return v;
}

function tlsOf(v: unknown, where: string): GrpcTls | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(where, 'grpc-tls is not an object');
  const o = v as Record<string, unknown>;
  const tls: GrpcTls = {};
  const rootCaFile = str(o['root-ca-file'], where, 'grpc-tls.root-ca-file');
  const certFile = str(o['cert-file'], where, 'grpc-tls.cert-file');
  const keyFile = str(o['key-file'], where, 'grpc-tls.key-file');
  const serverName = str(o['server-name'], where, 'grpc-tls.server-name');
  if (rootCaFile) tls.rootCaFile = rootCaFile;
  if (certFile) tls.certFile = certFile;
  if (keyFile) tls.keyFile = keyFile;
  if (serverName) tls.serverName = serverName;
  const skip = o['insecure-skip-verify'];
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean') {
    throw bad(where, 'grpc-tls.insecure-skip-verify is not true or false');
  }
  // ocicrypt would then accept any certificate: whoever sits on the path would be handed the layer keys.
  if (skip === true) {
    throw inputError(
      'keyprovider-config',
      `${where}: grpc-tls.insecure-skip-verify is true: the layer keys would go to whichever server answers, unverified`,
      "remove it and give the CA that signed the provider's certificate as grpc-tls.root-ca-file (and grpc-tls.server-name if the certificate names another host)",
    );
  }
  if (!certFile !== !keyFile) throw bad(where, 'grpc-tls needs both cert-file and key-file, or neither');
  return tls;
}

function providerOf(name: string, v: unknown, where: string): ProviderConfig {
  const at = `${where}: key provider ${name}`;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(at, 'is not an object');
  const o = v as Record<string, unknown>;
  if (o.cmd !== undefined && o.cmd !== null) {
    const cmd = o.cmd as Record<string, unknown>;
    const path = str(typeof cmd === 'object' ? cmd.path : undefined, at, 'cmd.path');
    if (!path) throw bad(at, 'cmd.path is missing');
    const args = cmd.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) {
      throw bad(at, 'cmd.args is not a list of strings');
    }
    return { kind: 'cmd', path, args };
  }
  const address = str(o.grpc, at, 'grpc');
  if (!address) throw bad(at, 'has neither cmd nor grpc');
  const tls = tlsOf(o['grpc-tls'], at);
  return { kind: 'grpc', address, ...(tls ? { tls } : {}) };
}

/** The providers of a configuration text, by name. `where` names its origin for messages. */
export function parseProviderConfig(text: string, where: string): Map<string, ProviderConfig> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw bad(where, 'is not JSON');
  }
  const providers = (v as Record<string, unknown> | null)?.['key-providers'];
  if (typeof providers !== 'object' || providers === null || Array.isArray(providers)) {
    throw bad(where, 'has no "key-providers" object');
  }
  const out = new Map<string, ProviderConfig>();
  for (const [name, p] of Object.entries(providers)) out.set(name, providerOf(name, p, where));
  return out;
}

/** The configuration given (JSON text or a path), else OCICRYPT_KEYPROVIDER_CONFIG's file, else none. */
export function loadProviderConfig(
  value: string | undefined,
  env: Record<string, string | undefined>,
): Map<string, ProviderConfig> {
  const v = (value ?? '').trim();
  if (v.startsWith('{')) return parseProviderConfig(v, 'the JSON text');
  const path = v || (env.OCICRYPT_KEYPROVIDER_CONFIG ?? '').trim();
  if (!path) return new Map();
  const where = v ? path : `OCICRYPT_KEYPROVIDER_CONFIG ${path}`;
  const text = readKeyFile(path, v ? 'keyprovider-config' : 'OCICRYPT_KEYPROVIDER_CONFIG').toString('utf8');
  return parseProviderConfig(text, where);
}
