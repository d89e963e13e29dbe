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
export declare function grpcTransport(name: string, cfg: GrpcProvider, timeoutMs: number, allowPlaintext?: boolean): ProviderTransport;
