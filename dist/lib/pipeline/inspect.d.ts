import { type ManifestNode } from '../oci/tree.js';
import { type SourceOptions } from './registry-source.js';
import type { ImageReport, PlatformReport } from './result.js';
export interface InspectOptions extends SourceOptions {
    refName?: string;
}
/** A manifest as it is (no layer changed): its platform, and who each encrypted layer opens for. */
export declare function platformReport(node: ManifestNode): Promise<PlatformReport>;
export declare function inspectImage(opts: InspectOptions): Promise<ImageReport>;
