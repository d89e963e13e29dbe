/**
 * One error type for the whole project. Every failure carries a stable `code` that callers (front ends, tests)
 * switch on, a message that names the input at fault, and, where we know it, a hint saying how to fix it.
 * Crypto failures deliberately carry no detail about which check failed beyond what the user can act on.
 * Front ends print `error[E_CODE]: message (hint)` (errorLine); README's "Errors" table gives each code's cause
 * and fix: keep it in step with this union.
 */
export type ErrorCode =
  | 'E_USAGE' // a flag, Action input or Tekton param is missing, unknown or has a bad value
  | 'E_LAYOUT' // the OCI layout or archive is missing or malformed
  | 'E_BLOB_MISSING' // a blob the image needs is not in the layout
  | 'E_DIGEST' // a blob does not match its digest or size
  | 'E_MANIFEST' // a manifest or index is malformed or of an unsupported type
  | 'E_REF_NAME' // the ref name (--ref-name, ref-name, REF_NAME) names no image, or the layout needs one
  | 'E_PLATFORM' // --platform matches no platform of the image, or (library calls only) does not parse
  | 'E_LAYER_INDEX' // --encrypt-layers is malformed or out of range
  | 'E_KEY' // a key file cannot be used (wrong kind, too weak, unsupported, unreadable)
  | 'E_NO_RECIPIENT' // encrypt was asked with no recipient
  | 'E_DECRYPT' // no supplied key opens a layer
  | 'E_PROVIDER' // a key provider is not configured, failed, timed out or answered garbage
  | 'E_OPTIONS' // a layer's encryption options or key annotation items are malformed (bad JSON, base64, lengths)
  | 'E_INTEGRITY' // a layer's ciphertext failed its HMAC check: modified or corrupted
  | 'E_OUTPUT' // the output, or the folder of a result file (digest, report, results), cannot be written
  | 'E_UNSUPPORTED' // valid input we do not handle (yet)
  | 'E_IMAGE_REF' // an image reference (--image, --tag, tags) does not parse, or cannot be pushed to
  | 'E_AUTH' // the registry refused our credentials, or we have none for a push
  | 'E_REGISTRY' // the registry answered with an error
  | 'E_NETWORK' // the registry could not be reached (after retries)
  | 'E_VERIFY' // what landed in the registry is not what we pushed
  | 'E_RECIPIENTS' // the recipients are not those expect-recipients pins
  | 'E_CONFIG_SECRET' // the image config or annotations hold secret-shaped content (config-secrets: fail)
  | 'E_GATE' // a verify key does not open a layer of what landed (the decryptability gate)
  | 'E_PLAINTEXT' // index with require-encrypted: a source image has a layer that is not encrypted
  | 'E_INTERNAL'; // a bug of ours: an assertion failed, or something threw that is not an OepError

export class OepError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OepError';
    this.code = code;
    this.hint = options.hint;
  }

  /** The message, then the fix. */
  describe(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** The one line every front end prints for a failure: `error[E_CODE]: message (hint)`. */
export function errorLine(err: OepError, text: string = err.describe()): string {
  return `error[${err.code}]: ${text}`;
}

/** The stack of an internal fault, printed under OEP_DEBUG=1 after its line: what a bug report needs. */
export function debugStack(err: OepError): string[] {
  if (err.code !== 'E_INTERNAL') return [];
  const source = err.cause instanceof Error ? err.cause : err;
  return (source.stack ?? String(source)).split('\n');
}

const INTERNAL_HINT = 'a bug in oci-encrypt-push: run again with OEP_DEBUG=1 for the stack, and report it';

/** A fault of our own (an assertion that does not hold): E_INTERNAL, and the hint says to report it. */
export function internalError(message: string): OepError {
  return new OepError('E_INTERNAL', message, { hint: INTERNAL_HINT });
}

/** Any thrown value as an OepError: ours as it is, anything else an internal fault that keeps it as its cause. */
export function asOepError(err: unknown): OepError {
  if (err instanceof OepError) return err;
  // The first line: a message that carries a stack (a layer worker's) keeps it for OEP_DEBUG, not for the line.
  const message = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).split('\n')[0]!;
  return new OepError('E_INTERNAL', message, { hint: INTERNAL_HINT, cause: err });
}

export function isOepError(err: unknown, code?: ErrorCode): err is OepError {
  return err instanceof OepError && (code === undefined || err.code === code);
}

/**
 * `JSON.stringify` for a message that quotes untrusted JSON: a value nested too deep to print (a hostile
 * manifest's `[[[…]]]`, which JSON.parse accepts but JSON.stringify overflows the stack on) is named instead.
 */
export function quote(v: unknown): string {
  try {
    return String(JSON.stringify(v));
  } catch {
    return Array.isArray(v) ? 'a deeply nested array' : 'a deeply nested object';
  }
}
