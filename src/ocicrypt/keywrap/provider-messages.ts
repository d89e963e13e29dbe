/**
 * The key-provider protocol's messages (ocicrypt keywrap/keyprovider: KeyProviderKeyWrapProtocolInput and
 * …Output), byte-compatible with Go's encoding/json of those structs: field names as Go writes them, both
 * parameter objects always present (Go ignores omitempty on struct values), []byte as standard base64.
 * Answers are read leniently as Go reads them, and also with []byte as a JSON number array, as the Rust
 * providers of Confidential Containers (serde's Vec<u8>) write it.
 */
import { OepError } from '../../errors.js';

/** A parameter map of ocicrypt's EncryptConfig / DecryptConfig: name → list of opaque byte strings. */
export type ProviderParameters = Record<string, Uint8Array[]>;

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function params(p: ProviderParameters): Record<string, string[]> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.map(b64)]));
}

/** `keywrap`: the layer's private options for the provider to wrap under `ec.Parameters`. */
export function wrapRequest(parameters: ProviderParameters, optsData: Uint8Array): Uint8Array {
  const msg = {
    op: 'keywrap',
    keywrapparams: {
      ec: { Parameters: params(parameters), DecryptConfig: { Parameters: {} } },
      optsdata: b64(optsData),
    },
    keyunwrapparams: { dc: null, annotation: null },
  };
  return Buffer.from(JSON.stringify(msg), 'utf8');
}

/** `keyunwrap`: one annotation item for the provider to open with `dc.Parameters`. */
export function unwrapRequest(parameters: ProviderParameters, annotation: Uint8Array): Uint8Array {
  const msg = {
    op: 'keyunwrap',
    keywrapparams: { ec: null, optsdata: null },
    keyunwrapparams: { dc: { Parameters: params(parameters) }, annotation: b64(annotation) },
  };
  return Buffer.from(JSON.stringify(msg), 'utf8');
}

function garbage(provider: string, what: string): OepError {
  return new OepError('E_PROVIDER', `key provider ${provider} answered ${what}`, {
    hint: 'the provider must print a keyprovider JSON answer (ocicrypt keyprovider protocol) and nothing else',
  });
}

/** Go matches JSON field names case-insensitively: find `name` in an object that way. */
function field(o: unknown, name: string): unknown {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
  const key = Object.keys(o).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : (o as Record<string, unknown>)[key];
}

/** A []byte field: standard base64 (Go), or an array of 0..255 (serde's Vec<u8>). */
function bytesField(v: unknown, provider: string, what: string): Uint8Array {
  if (typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) && v.length % 4 === 0) {
    return Buffer.from(v, 'base64');
  }
  if (Array.isArray(v) && v.every((n) => Number.isInteger(n) && (n as number) >= 0 && (n as number) < 256)) {
    return Uint8Array.from(v as number[]);
  }
  throw garbage(provider, `${what} that is neither base64 nor a byte array`);
}

function parseAnswer(answer: Uint8Array, provider: string): unknown {
  try {
    return JSON.parse(Buffer.from(answer).toString('utf8'));
  } catch {
    throw garbage(provider, `${answer.length} bytes that are not JSON`);
  }
}

/** The wrapped key from a keywrap answer: `keywrapresults.annotation`. */
export function wrapAnswer(answer: Uint8Array, provider: string): Uint8Array {
  const v = field(field(parseAnswer(answer, provider), 'keywrapresults'), 'annotation');
  if (v === undefined || v === null) throw garbage(provider, 'without keywrapresults.annotation');
  const out = bytesField(v, provider, 'a keywrapresults.annotation');
  if (out.length === 0) throw garbage(provider, 'an empty keywrapresults.annotation');
  return out;
}

/** The private options from a keyunwrap answer: `keyunwrapresults.optsdata`. */
export function unwrapAnswer(answer: Uint8Array, provider: string): Uint8Array {
  const v = field(field(parseAnswer(answer, provider), 'keyunwrapresults'), 'optsdata');
  if (v === undefined || v === null) throw garbage(provider, 'without keyunwrapresults.optsdata');
  return bytesField(v, provider, 'a keyunwrapresults.optsdata');
}
