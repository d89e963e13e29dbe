import { type Platform } from '../oci/platform.js';
/** `--encrypt-layers` / `encrypt-layers`: comma-separated indexes, negative from the top; empty means all. */
export declare function parseLayerList(spec: string | undefined): number[] | undefined;
export declare function parsePlatformList(spec: string | undefined): Platform[] | undefined;
/**
 * Resolve the requested indexes against an image of `count` layers: a set of 0-based indexes.
 * Out of range is an error (containers/image HEAD does the same; older versions wrapped silently).
 */
export declare function resolveLayerIndexes(wanted: number[] | undefined, count: number, image: string): Set<number>;
