/**
 * The config-leak check (`config-secrets: warn|fail|off`, `--config-secrets`): ocicrypt encrypts layers only, so
 * the image config and the annotations of what is pushed stay readable to anyone who can pull the image. Each
 * finding is one line naming where and the rule, never the value; `fail` stops the run before anything is
 * written or pushed.
 */
import { OepError } from '../errors.js';
import { scanAnnotations, scanConfig, type ConfigFinding } from '../oci/config-secrets.js';
import { formatPlatform } from '../oci/platform.js';
import { imageManifestNodes, nodesBottomUp, type LoadedImage } from '../oci/tree.js';

export type { ConfigFinding } from '../oci/config-secrets.js';

export type ConfigSecretsMode = 'warn' | 'fail' | 'off';

/** The `config-secrets` input and `--config-secrets` flag: one message for every front end. */
export function parseConfigSecretsMode(value: string | undefined): ConfigSecretsMode {
  const v = (value ?? '').trim();
  if (v === '') return 'warn';
  if (v === 'warn' || v === 'fail' || v === 'off') return v;
  throw new OepError('E_USAGE', `config-secrets: ${JSON.stringify(value)} is not warn, fail or off`, {
    hint: 'allowed values: warn (the default: report and go on), fail (stop before anything is pushed), off',
  });
}

/** Every finding in the image configs of the image manifests and the annotations of its manifests and indexes. */
export function findConfigSecrets(image: LoadedImage): ConfigFinding[] {
  const found: ConfigFinding[] = [];
  for (const m of imageManifestNodes(image.root)) {
    const platform = formatPlatform(m.platform);
    const here = [...scanConfig(m.config), ...scanAnnotations(m.doc.raw.annotations, 'manifest')];
    found.push(...here.map((f) => ({ platform, ...f })));
  }
  for (const n of nodesBottomUp(image.root)) {
    if (n.kind === 'index') found.push(...scanAnnotations(n.doc.raw.annotations, 'index'));
  }
  const seen = new Set<string>();
  return found.filter((f) => {
    const key = findingText(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `linux/amd64 config Env AWS_SECRET_ACCESS_KEY: aws-secret-access-key` */
export function findingText(f: ConfigFinding): string {
  return `${f.platform ? `${f.platform} ` : ''}${f.where}: ${f.rule}`;
}

/** The one line a finding is reported by, in logs and warnings. */
export function configFindingLine(f: ConfigFinding): string {
  return `warning: secret-shaped content in the plaintext image config: ${findingText(f)}`;
}

/**
 * Run the check as `mode` asks: each finding logged as a warning line; with `fail`, an error once all are logged.
 * Returns the findings for the report (none with `off`).
 */
export function checkConfigSecrets(
  image: LoadedImage,
  mode: ConfigSecretsMode,
  log: (line: string) => void,
): ConfigFinding[] {
  if (mode === 'off') return [];
  const found = findConfigSecrets(image);
  for (const f of found) log(configFindingLine(f));
  if (mode === 'fail' && found.length > 0) {
    const shownCount = 3;
    const listed = found.slice(0, shownCount).map(findingText).join('; ');
    const more = found.length > shownCount ? ` and ${found.length - shownCount} more` : '';
    throw new OepError(
      'E_CONFIG_SECRET',
      `config-secrets: the image config or annotations, which stay plaintext, hold ${found.length} secret-shaped value(s): ${listed}${more}; nothing was written or pushed`,
      {
        hint: 'remove them from ENV, LABEL, ARG and annotations (pass secrets to the build with RUN --mount=type=secret) and build again, or set config-secrets to warn',
      },
    );
  }
  return found;
}
