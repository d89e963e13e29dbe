/**
 * Secret-shaped content in what ocicrypt leaves plaintext: the image config (Env, Labels, Cmd, Entrypoint, and
 * history, where build arguments show up as `RUN |1 NPM_TOKEN=… /bin/sh -c …`) and the annotations of manifests
 * and indexes. Anyone who can pull an encrypted image reads all of it.
 *
 * Pure: parsed documents in, findings out. A finding names where and which rule, never the value; a name that
 * itself looks like a secret (an Env entry that is a bare token) is replaced by its position.
 *
 * Configs may be 4 MiB of hostile text, so every rule runs in time linear in its input: an attempt that can walk
 * a whole run of characters before failing may start only where such a run starts (the JWT rule's lookbehind);
 * the other rules fail or succeed within a few dozen characters of where they start. And only the first 64 KiB
 * of each value (Env entry, label, annotation, history line, Cmd, Entrypoint) is read: secrets sit in short
 * values, and the scan stays bounded whatever a rule becomes.
 */
export type SecretRule = 'aws-access-key-id' | 'aws-secret-access-key' | 'github-token' | 'gitlab-token' | 'npm-token' | 'slack-token' | 'private-key' | 'jwt' | 'secret-name';
export interface ConfigFinding {
    /** The image's platform (linux/amd64); absent for an index's annotations. */
    platform?: string;
    /** `config Env AWS_SECRET_ACCESS_KEY`, `config Labels X`, `history[3]`, `manifest annotation X`, … */
    where: string;
    rule: SecretRule;
}
/** How much of one value is scanned (see above). */
export declare const SCANNED_PER_VALUE: number;
/** Every finding in one image config (the raw JSON; unparseable configs have nothing to report). */
export declare function scanConfig(bytes: Uint8Array): Omit<ConfigFinding, 'platform'>[];
/** Findings in the annotations of a manifest or an index (`kind`). */
export declare function scanAnnotations(annotations: unknown, kind: 'manifest' | 'index'): Omit<ConfigFinding, 'platform'>[];
