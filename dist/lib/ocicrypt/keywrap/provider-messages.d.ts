/** A parameter map of ocicrypt's EncryptConfig / DecryptConfig: name → list of opaque byte strings. */
export type ProviderParameters = Record<string, Uint8Array[]>;
/** `keywrap`: the layer's private options for the provider to wrap under `ec.Parameters`. */
export declare function wrapRequest(parameters: ProviderParameters, optsData: Uint8Array): Uint8Array;
/** `keyunwrap`: one annotation item for the provider to open with `dc.Parameters`. */
export declare function unwrapRequest(parameters: ProviderParameters, annotation: Uint8Array): Uint8Array;
/** The wrapped key from a keywrap answer: `keywrapresults.annotation`. */
export declare function wrapAnswer(answer: Uint8Array, provider: string): Uint8Array;
/** The private options from a keyunwrap answer: `keyunwrapresults.optsdata`. */
export declare function unwrapAnswer(answer: Uint8Array, provider: string): Uint8Array;
