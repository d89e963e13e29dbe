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

export type SecretRule =
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'github-token'
  | 'gitlab-token'
  | 'npm-token'
  | 'slack-token'
  | 'private-key'
  | 'jwt'
  | 'secret-name';

export interface ConfigFinding {
  /** The image's platform (linux/amd64); absent for an index's annotations. */
  platform?: string;
  /** `config Env AWS_SECRET_ACCESS_KEY`, `config Labels X`, `history[3]`, `manifest annotation X`, … */
  where: string;
  rule: SecretRule;
}

/** Rules on a value, whatever it is named. */
const VALUE_RULES: readonly [SecretRule, RegExp][] = [
  ['aws-access-key-id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['github-token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/],
  ['gitlab-token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['npm-token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['slack-token', /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ['private-key', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/],
  // header.payload.signature, both JSON objects in base64url ({" is eyJ). Not `\b`: `-eyJ-eyJ…` would start
  // a match at every eyJ, each walking the rest of the run, quadratic in its length.
  ['jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
];

/** How much of one value is scanned (see above). */
export const SCANNED_PER_VALUE = 64 * 1024;

const head = (text: string) => (text.length > SCANNED_PER_VALUE ? text.slice(0, SCANNED_PER_VALUE) : text);

/** Values that hold no secret whatever the name says (flags, references to a variable, masks). */
const HARMLESS = /^(?:true|false|yes|no|on|off|0|1|none|null|disabled|enabled|\$\{?\w+\}?|\**)$/i;

/** The name's words upper-cased with `_` between them: `apiToken` and `api-token` → `API_TOKEN`. */
function words(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
}

/** The name rule that a NAME with a non-empty VALUE breaks, if any. */
function nameRule(name: string, value: string): SecretRule | undefined {
  const v = head(value)
    .trim()
    .replace(/^(["'])(.*)\1$/, '$2');
  if (v === '' || HARMLESS.test(v)) return undefined;
  const n = words(head(name));
  if (/SECRET_ACCESS_KEY$/.test(n)) return 'aws-secret-access-key';
  // A path to a secret (POSTGRES_PASSWORD_FILE, the docker secrets convention) is not the secret.
  if (/_(?:FILE|PATH|DIR)$/.test(n)) return undefined;
  if (/PASSWORD|PASSWD|SECRET|(?:^|_)[A-Z0-9]*TOKEN(?:_|$)|API_?KEYS?(?:_|$)|PRIVATE_KEY(?:_|$)/.test(n)) {
    return 'secret-name';
  }
  return undefined;
}

function valueRules(value: string): SecretRule[] {
  const text = head(value);
  return VALUE_RULES.filter(([, re]) => re.test(text)).map(([rule]) => rule);
}

/** How a name may be shown: itself when short and not secret-shaped, else its position. */
function shown(name: string, position: string): string {
  return name.length <= 128 && valueRules(name).length === 0 && /^[\x21-\x7e]+$/.test(name) ? name : position;
}

/** Findings for one NAME=VALUE place (an Env entry, a label, an annotation). */
function scanPair(name: string, value: string, where: string): Omit<ConfigFinding, 'platform'>[] {
  const rules = valueRules(`${name}=${value}`);
  const byName = nameRule(name, value);
  if (byName) rules.push(byName);
  return rules.map((rule) => ({ where, rule }));
}

/** `NAME=VALUE` words of a command line (ENV, ARG, and the build arguments BuildKit puts before RUN). */
function assignments(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of head(text).matchAll(/(?:^|[\s|;&])([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|\S*)/g)) {
    out.push([m[1]!, m[2]!]);
  }
  return out;
}

function scanHistoryEntry(text: string, where: string): Omit<ConfigFinding, 'platform'>[] {
  const found: Omit<ConfigFinding, 'platform'>[] = valueRules(text).map((rule) => ({ where, rule }));
  for (const [name, value] of assignments(text)) {
    const rule = nameRule(name, value);
    if (rule) found.push({ where: `${where} ${shown(name, 'variable')}`, rule });
  }
  return found;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Env (`NAME=VALUE` strings), Labels, Cmd and Entrypoint of one config section (`config`, `container_config`). */
function scanSection(section: unknown, label: string): Omit<ConfigFinding, 'platform'>[] {
  if (!isObject(section)) return [];
  const found: Omit<ConfigFinding, 'platform'>[] = [];
  const env = Array.isArray(section.Env) ? section.Env : [];
  env.forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    found.push(...scanPair(name, eq < 0 ? '' : entry.slice(eq + 1), `${label} Env ${shown(name, `[${i}]`)}`));
  });
  const labels = isObject(section.Labels) ? Object.entries(section.Labels) : [];
  labels.forEach(([name, value], i) => {
    if (typeof value === 'string')
      found.push(...scanPair(name, value, `${label} Labels ${shown(name, `[${i}]`)}`));
  });
  for (const field of ['Cmd', 'Entrypoint'] as const) {
    const args = Array.isArray(section[field]) ? (section[field] as unknown[]) : [];
    const text = args.filter((a) => typeof a === 'string').join(' ');
    found.push(...valueRules(text).map((rule) => ({ where: `${label} ${field}`, rule })));
  }
  return found;
}

/** Every finding in one image config (the raw JSON; unparseable configs have nothing to report). */
export function scanConfig(bytes: Uint8Array): Omit<ConfigFinding, 'platform'>[] {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return [];
  }
  if (!isObject(doc)) return [];
  const found = [
    ...scanSection(doc.config, 'config'),
    ...scanSection(doc.container_config, 'container_config'),
  ];
  const history = Array.isArray(doc.history) ? doc.history : [];
  history.forEach((h, i) => {
    if (isObject(h) && typeof h.created_by === 'string')
      found.push(...scanHistoryEntry(h.created_by, `history[${i}]`));
  });
  return found;
}

/** Findings in the annotations of a manifest or an index (`kind`). */
export function scanAnnotations(
  annotations: unknown,
  kind: 'manifest' | 'index',
): Omit<ConfigFinding, 'platform'>[] {
  if (!isObject(annotations)) return [];
  return Object.entries(annotations).flatMap(([name, value], i) =>
    typeof value === 'string' ? scanPair(name, value, `${kind} annotation ${shown(name, `[${i}]`)}`) : [],
  );
}
