/**
 * The key wrappers this engine knows (ocicrypt's RegisterKeyWrapper): by scheme, for recipients, and by
 * annotation, for encrypted layers. A new protocol is one file in this folder and one line in WRAPPERS.
 * A native key provider (served in-process, no configuration) is a wrapper of scheme `provider.NAME` in
 * WRAPPERS: `provider:NAME:PARAMS` goes to it when no configured provider is called NAME.
 */
import { AttestationAgentKeyWrapper } from './attestation-agent.js';
import { JweKeyWrapper } from './jwe.js';
import type { KeyWrapper } from './keywrapper.js';
import { Pkcs7KeyWrapper } from './pkcs7.js';

const WRAPPERS: readonly KeyWrapper[] = [
  new JweKeyWrapper(),
  new Pkcs7KeyWrapper(),
  new AttestationAgentKeyWrapper(),
];

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

/** The native key provider called `name` (a wrapper of scheme `provider.NAME`), if this engine has one. */
export function nativeProvider(name: string): KeyWrapper | undefined {
  return keyWrapper(`provider.${name}`);
}
