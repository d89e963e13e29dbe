import type { ImageReport } from './result.js';
import type { Mutation } from '../oci/mutate.js';
export declare function toImageReport(r: Pick<Mutation, 'root' | 'manifests' | 'attestations'>, extra: Partial<ImageReport>, skipped: string[]): Promise<ImageReport>;
/** The fields of a rewritten root that replace those of its index.json entry (annotations stay the entry's). */
export declare function pick(d: {
    mediaType: string;
    digest: string;
    size: number;
}): {
    mediaType: string;
    digest: string;
    size: number;
};
