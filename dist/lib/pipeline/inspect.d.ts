import { type SourceOptions } from './registry-source.js';
import type { ImageReport } from './result.js';
export interface InspectOptions extends SourceOptions {
    refName?: string;
}
export declare function inspectImage(opts: InspectOptions): Promise<ImageReport>;
