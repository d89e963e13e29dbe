/**
 * The `grpc` transport of a key provider: service keyprovider.KeyProviderService, methods WrapKey and UnWrapKey,
 * each taking and returning one message with a single `bytes` field (number 1) that carries the protocol's JSON
 * (ocicrypt utils/keyprovider/keyprovider.proto). The service is described here, in code, so that the bundles
 * need no .proto file at run time. Plaintext unless `grpc-tls` is configured (CA, client certificate, name), and
 * plaintext only to this machine unless the user opts in. grpc-js and its proto loader are loaded with the first
 * call: every run imports this module, few use a gRPC provider, and loading them costs about 60 ms.
 */
import type * as grpc from '@grpc/grpc-js';
import { OepError } from '../errors.js';
import { readKeyFile } from '../host/files.js';
import type { ProviderTransport } from '../ocicrypt/keywrap/provider.js';
import { providerSaid } from './provider-cmd.js';
import type { GrpcProvider, GrpcTls } from './provider-config.js';
import { isLocalTarget } from './provider-target.js';

const INPUT = 'KeyProviderKeyWrapProtocolInput';
const OUTPUT = 'KeyProviderKeyWrapProtocolOutput';

/** keyprovider.proto as a protobuf.js JSON descriptor (message and field names as upstream writes them). */
export const KEYPROVIDER_PROTO = {
  nested: {
    keyprovider: {
      nested: {
        keyProviderKeyWrapProtocolInput: { fields: { [INPUT]: { type: 'bytes', id: 1 } } },
        keyProviderKeyWrapProtocolOutput: { fields: { [OUTPUT]: { type: 'bytes', id: 1 } } },
        KeyProviderService: {
          methods: {
            WrapKey: {
              requestType: 'keyProviderKeyWrapProtocolInput',
              responseType: 'keyProviderKeyWrapProtocolOutput',
            },
            UnWrapKey: {
              requestType: 'keyProviderKeyWrapProtocolInput',
              responseType: 'keyProviderKeyWrapProtocolOutput',
            },
          },
        },
      },
    },
  },
};

type Grpc = typeof grpc;

/** The service's client constructor. */
async function keyProviderClient(): Promise<{ grpc: Grpc; Client: grpc.ServiceClientConstructor }> {
  const [grpcJs, protoLoader] = await Promise.all([import('@grpc/grpc-js'), import('@grpc/proto-loader')]);
  const json = KEYPROVIDER_PROTO as Parameters<typeof protoLoader.fromJSON>[0];
  const def = protoLoader.fromJSON(json, { keepCase: true, bytes: Buffer });
  const pkg = grpcJs.loadPackageDefinition(def) as unknown as {
    keyprovider: { KeyProviderService: grpc.ServiceClientConstructor };
  };
  return { grpc: grpcJs, Client: pkg.keyprovider.KeyProviderService };
}

/** The TLS files, read when the request is read, before any work (a missing file fails the run at once). */
function tlsFiles(tls: GrpcTls | undefined): (Buffer | null)[] | undefined {
  if (!tls) return undefined;
  const read = (p: string | undefined) => (p ? readKeyFile(p, 'keyprovider-config grpc-tls') : null);
  return [read(tls.rootCaFile), read(tls.keyFile), read(tls.certFile)];
}

/** The channel's credentials. No root-ca-file: the system's CAs, as ocicrypt's x509.SystemCertPool. */
function credentials(g: Grpc, files: (Buffer | null)[] | undefined): grpc.ChannelCredentials {
  return files ? g.credentials.createSsl(files[0], files[1], files[2]) : g.credentials.createInsecure();
}

/**
 * Plaintext gRPC would carry the layer keys across the network in the clear, so it is refused unless the
 * target stays on this machine (isLocalTarget) or the user opted in (a private network they trust).
 */
function checkPlaintext(name: string, cfg: GrpcProvider, allowPlaintext: boolean): void {
  if (cfg.tls || allowPlaintext || isLocalTarget(cfg.address)) return;
  throw new OepError(
    'E_PROVIDER',
    `key provider ${name} (grpc ${cfg.address}): plaintext gRPC to an address off this machine would send the layer keys across the network in the clear`,
    {
      hint: `add "grpc-tls" to ${name}'s entry in the key-provider configuration, or run the provider as a sidecar on 127.0.0.1 (or a unix: socket); on a private network you trust, set OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1`,
    },
  );
}

/** Why a TLS call failed is most often one of these settings. */
function hintFor(g: Grpc, name: string, cfg: GrpcProvider, e: grpc.ServiceError): string {
  const hint = `check that the provider's gRPC server runs at ${cfg.address} and serves ${name}`;
  if (!cfg.tls || e.code !== g.status.UNAVAILABLE) return hint;
  return `${hint}; grpc-tls: root-ca-file must hold the CA that signed its certificate, server-name a name the certificate holds, and cert-file/key-file a client certificate it accepts if it asks for one`;
}

/**
 * grpc-js would otherwise tunnel the channel through grpc_proxy/https_proxy/http_proxy (HTTP CONNECT), and a
 * plaintext channel to a sidecar on 127.0.0.1 would then hand the wrap request, layer key included, to that proxy
 * in the clear. A provider's address is configured explicitly, so it is always dialled direct.
 */
function channelOptions(tls: GrpcTls | undefined): grpc.ChannelOptions {
  const options: grpc.ChannelOptions = { 'grpc.enable_http_proxy': 0 };
  if (tls?.serverName) options['grpc.ssl_target_name_override'] = tls.serverName;
  return options;
}

type Call = (req: Record<string, Buffer>, opts: grpc.CallOptions, cb: grpc.requestCallback<unknown>) => void;

export function grpcTransport(
  name: string,
  cfg: GrpcProvider,
  timeoutMs: number,
  allowPlaintext = false,
): ProviderTransport {
  checkPlaintext(name, cfg, allowPlaintext);
  const files = tlsFiles(cfg.tls);
  const who = `key provider ${name} (grpc ${cfg.address})`;
  return async (op, request) => {
    const { grpc: g, Client } = await keyProviderClient();
    const options = channelOptions(cfg.tls);
    const client = new Client(cfg.address, credentials(g, files), options) as unknown as Record<string, Call>;
    try {
      const answer = await new Promise<unknown>((resolve, reject) => {
        const method = op === 'wrap' ? 'WrapKey' : 'UnWrapKey';
        client[method]!(
          { [INPUT]: Buffer.from(request) },
          { deadline: Date.now() + timeoutMs },
          (err, res) => (err ? reject(err) : resolve(res)),
        );
      });
      const bytes = (answer as Record<string, unknown> | undefined)?.[OUTPUT];
      return bytes instanceof Uint8Array ? bytes : new Uint8Array();
    } catch (err) {
      const e = err as grpc.ServiceError;
      const said = typeof e.details === 'string' ? providerSaid(e.details) : '';
      throw new OepError(
        'E_PROVIDER',
        `${who} failed the ${op} request (${g.status[e.code] ?? 'error'})${said ? `: ${said}` : ''}`,
        { hint: hintFor(g, name, cfg, e) },
      );
    } finally {
      (client as unknown as grpc.Client).close();
    }
  };
}
