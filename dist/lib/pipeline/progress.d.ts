/** Progress lines for large layers, so a CI log shows a long run is alive. */
import { Transform } from 'node:stream';
import type { Descriptor } from '../oci/model.js';
export declare function mib(n: number): string;
/** A callback taking the bytes done so far, for layers large enough to report on; undefined for the rest. */
export declare function progressLogger(layer: Descriptor, verb: string, log: (line: string) => void): ((bytes: number) => void) | undefined;
/** A pass-through stream stage that reports the bytes seen. */
export declare function progressStage(onProgress: (bytes: number) => void): Transform;
