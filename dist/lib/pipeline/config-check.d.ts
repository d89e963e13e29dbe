import { type ConfigFinding } from '../oci/config-secrets.js';
import { type LoadedImage } from '../oci/tree.js';
export type { ConfigFinding } from '../oci/config-secrets.js';
export type ConfigSecretsMode = 'warn' | 'fail' | 'off';
/** The `config-secrets` input and `--config-secrets` flag: one message for every front end. */
export declare function parseConfigSecretsMode(value: string | undefined): ConfigSecretsMode;
/** Every finding in the image configs of the image manifests and the annotations of its manifests and indexes. */
export declare function findConfigSecrets(image: LoadedImage): ConfigFinding[];
/** `linux/amd64 config Env AWS_SECRET_ACCESS_KEY: aws-secret-access-key` */
export declare function findingText(f: ConfigFinding): string;
/** The one line a finding is reported by, in logs and warnings. */
export declare function configFindingLine(f: ConfigFinding): string;
/**
 * Run the check as `mode` asks: each finding logged as a warning line; with `fail`, an error once all are logged.
 * Returns the findings for the report (none with `off`).
 */
export declare function checkConfigSecrets(image: LoadedImage, mode: ConfigSecretsMode, log: (line: string) => void): ConfigFinding[];
