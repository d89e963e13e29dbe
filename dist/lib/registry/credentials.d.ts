import { type CommandRunner } from './command.js';
import { type Reference } from './reference.js';
export interface Credential {
    username?: string;
    password?: string;
    /** An OAuth2 refresh token (docker's `identitytoken`), exchanged at the token endpoint. */
    identityToken?: string;
    /** Where it came from, for logs ("docker config /home/u/.docker/config.json"): never the secret. */
    source: string;
}
export interface CredentialOptions {
    username?: string;
    password?: string;
    /** HOME, DOCKER_CONFIG, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, PATH as the front end read them. */
    env: Record<string, string | undefined>;
    /** Runs credential helpers; child_process by default. */
    runCommand?: CommandRunner;
}
/** `https://ghcr.io/v1/` → `ghcr.io`; Docker Hub's many names → `docker.io`. Keeps a repository path. */
export declare function normaliseKey(key: string): string;
/** Run `docker-credential-NAME get` with the server on stdin; undefined when it has nothing for it. */
export declare function runCredentialHelper(name: string, server: string, env: Record<string, string | undefined>, run?: CommandRunner): Promise<Credential | undefined>;
/** The JSON a credential helper printed for `get` (`{"Username":…,"Secret":…}`) as a credential. */
export declare function parseHelperOutput(stdout: string, program: string): Credential | undefined;
export declare function findCredential(ref: Reference, opts: CredentialOptions): Promise<Credential | undefined>;
