import type { KeyWrapper } from './keywrapper.js';
/** Every wrapper, in the order encryption runs them. */
export declare function keyWrappers(): readonly KeyWrapper[];
/** The wrapper for a recipient scheme ("jwe"), if this engine has one. */
export declare function keyWrapper(scheme: string): KeyWrapper | undefined;
/** The wrapper whose items go into this layer annotation, if this engine has one. */
export declare function wrapperForAnnotation(annotationId: string): KeyWrapper | undefined;
/** The native key provider called `name` (a wrapper of scheme `provider.NAME`), if this engine has one. */
export declare function nativeProvider(name: string): KeyWrapper | undefined;
