/**
 * The key wrappers this engine knows (ocicrypt's RegisterKeyWrapper): by scheme, for recipients, and by
 * annotation, for encrypted layers. A new protocol is one file in this folder and one line in WRAPPERS.
 */
import { JweKeyWrapper } from './jwe.js';
import type { KeyWrapper } from './keywrapper.js';
import { Pkcs7KeyWrapper } from './pkcs7.js';

const WRAPPERS: readonly KeyWrapper[] = [new JweKeyWrapper(), new Pkcs7KeyWrapper()];

/** Every wrapper, in the order encryption runs them. */
export function keyWrappers(): readonly KeyWrapper[] {
  return WRAPPERS;
}

/** The wrapper for a recipient scheme ("jwe"), if this engine has one. */
export function keyWrapper(scheme: string): KeyWrapper | undefined {
  return WRAPPERS.find((w) => w.scheme === scheme);
}

/** The wrapper whose items go into this layer annotation, if this engine has one. */
export function wrapperForAnnotation(annotationId: string): KeyWrapper | undefined {
  return WRAPPERS.find((w) => w.annotationId === annotationId);
}
