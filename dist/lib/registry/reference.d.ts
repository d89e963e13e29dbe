export declare const DOCKER_HUB = "docker.io";
/** The key docker login writes Docker Hub credentials under. */
export declare const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";
export interface Reference {
    /** As users write it: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
    registry: string;
    /** Host (and port) to talk to. */
    apiHost: string;
    repository: string;
    tag?: string;
    digest?: string;
}
export declare function parseReference(input: string): Reference;
/** `registry/repository` (the image name, no tag). */
export declare function repositoryName(ref: Pick<Reference, 'registry' | 'repository'>): string;
export declare function formatReference(ref: Reference): string;
/**
 * Extra tags: bare tags go to the main repository; full references may name other repositories (as
 * docker/metadata-action's `tags` output does). Digests are not tags.
 */
export declare function resolveTag(tag: string, main: Reference): Reference;
