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
/** The providers of a configuration text, by name. `where` names its origin for messages. */
export declare function parseProviderConfig(text: string, where: string): Map<string, ProviderConfig>;
/** The configuration given (JSON text or a path), else OCICRYPT_KEYPROVIDER_CONFIG's file, else none. */
export declare function loadProviderConfig(value: string | undefined, env: Record<string, string | undefined>): Map<string, ProviderConfig>;
