/**
 * The `grpc` transport of a key provider: service keyprovider.KeyProviderService, methods WrapKey and UnWrapKey,
 * each taking and returning one message with a single `bytes` field (number 1) that carries the protocol's JSON
 * (ocicrypt utils/keyprovider/keyprovider.proto). The service is described here, in code, so that the bundles
 * need no .proto file at run time. Plaintext unless `grpc-tls` is configured (CA, client certificate, name), and
 * plaintext only to this machine unless the user opts in.
 */
import * as grpc from '@grpc/grpc-js';
import type { ProviderTransport } from '../ocicrypt/keywrap/provider.js';
import type { GrpcProvider } from './provider-config.js';
/** keyprovider.proto as a protobuf.js JSON descriptor (message and field names as upstream writes them). */
export declare const KEYPROVIDER_PROTO: {
    nested: {
        keyprovider: {
            nested: {
                keyProviderKeyWrapProtocolInput: {
                    fields: {
                        KeyProviderKeyWrapProtocolInput: {
                            type: string;
                            id: number;
                        };
                    };
                };
                keyProviderKeyWrapProtocolOutput: {
                    fields: {
                        KeyProviderKeyWrapProtocolOutput: {
                            type: string;
                            id: number;
                        };
                    };
                };
                KeyProviderService: {
                    methods: {
                        WrapKey: {
                            requestType: string;
                            responseType: string;
                        };
                        UnWrapKey: {
                            requestType: string;
                            responseType: string;
                        };
                    };
                };
            };
        };
    };
};
/** The service's client constructor; its `.service` is the definition a server adds (in tests). */
export declare function keyProviderClient(): grpc.ServiceClientConstructor;
export declare function grpcTransport(name: string, cfg: GrpcProvider, timeoutMs: number, allowPlaintext?: boolean): ProviderTransport;
