/**
 * The Action's inputs: read once into a typed object keyed by the action.yml names (getInputs in main.ts), then
 * turned into pipeline options by pure functions (optionsFrom), so the mapping is tested without a runner.
 */
import { readFileSync } from 'node:fs';
import { OepError } from '../errors.js';
import { parseAttestationMode, type AttestationMode } from '../pipeline/attestations.js';
import { CA_HINT, checkCaBundle } from '../pipeline/ca.js';
import { parseRecipients, recipientsFromSpec, type Recipient } from '../pipeline/keys.js';
import type { RegistryOptions } from '../pipeline/registry-session.js';
import { parseLayerList, parsePlatformList } from '../pipeline/selection.js';

export interface Inputs {
  layout: string;
  'ref-name': string;
  image: string;
  tags: string[];
  'public-keys': string;
  recipients: string[];
  'encrypt-layers': string;
  platforms: string;
  username: string;
  password: string;
  'tls-verify': string;
  'ca-cert': string;
  retries: string;
  verify: string;
  output: string;
  'digest-file': string;
  'show-summary': string;
  attestations: string;
}

export type InputName = keyof Inputs;

/** Lists (tags, recipients) come newline- or comma-separated, as docker/metadata-action writes them. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function inputError(name: InputName, message: string, hint?: string): OepError {
  return new OepError('E_USAGE', `${name}: ${message}`, hint ? { hint } : {});
}

export function parseBool(name: InputName, value: string, dflt: boolean): boolean {
  const v = value.trim().toLowerCase();
  if (v === '') return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw inputError(name, `${JSON.stringify(value)} is not true or false`);
}

/** An error about a key named by a path (`keys/a.pem is a private key`) names the input it came from first. */
function fromInput(name: InputName, fn: () => Recipient[]): Recipient[] {
  try {
    return fn();
  } catch (err) {
    if (err instanceof OepError && !startsWithName(err.message, name)) {
      throw new OepError(err.code, `${name}: ${err.message}`, { hint: err.hint, cause: err });
    }
    throw err;
  }
}

/** True when `text` starts with the input name as a word (`layout: …`, `layout x …`), not `layouts/…`. */
export function startsWithName(text: string, name: string): boolean {
  return text === name || text.startsWith(`${name}:`) || text.startsWith(`${name} `);
}

/** public-keys (key text from a secret) and recipients (jwe:FILE lines), all parsed and checked. */
export function recipientsFrom(inputs: Pick<Inputs, 'public-keys' | 'recipients'>): Recipient[] {
  const out: Recipient[] = [];
  if (inputs['public-keys'].trim()) {
    out.push(...fromInput('public-keys', () => parseRecipients(inputs['public-keys'], 'public-keys')));
  }
  for (const spec of inputs.recipients) {
    out.push(...fromInput('recipients', () => recipientsFromSpec(spec, 'recipients')));
  }
  if (out.length === 0) {
    throw new OepError(
      'E_NO_RECIPIENT',
      'public-keys and recipients are both empty: there is no key to encrypt for',
      {
        hint: 'pass public-keys: ${{ secrets.IMAGE_PUBLIC_KEY }} (a PEM public key)',
      },
    );
  }
  return out;
}

/**
 * ca-cert takes PEM text (from a secret or a variable) or a path to a PEM file. Every certificate must parse:
 * Node's TLS silently ignores a CA it cannot read, and the user would get "certificate not trusted" instead.
 */
export function caFrom(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  let text: string;
  let source: string;
  if (v.includes('-----BEGIN ')) {
    text = v;
    source = 'the PEM text';
  } else {
    // Multi-line junk is probably a mangled secret: do not echo it.
    source = v.includes('\n') ? 'the value' : v;
    try {
      text = readFileSync(v, 'utf8');
    } catch {
      throw inputError('ca-cert', `${source} is neither PEM text nor a readable file`, CA_HINT);
    }
  }
  return checkCaBundle(text, source, 'ca-cert');
}

export function retriesFrom(value: string): number {
  if (value.trim() === '') return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20)
    throw inputError('retries', `${JSON.stringify(value)} is not a whole number from 0 to 20`);
  return n;
}

/**
 * The image to push: `image`, or else the first full reference among `tags` (metadata-action style). Bare tags
 * with no image have no repository to go to: an error, not a silent layout-only run.
 */
export function imageFrom(inputs: Pick<Inputs, 'image' | 'tags'>): { image?: string; tags: string[] } {
  if (inputs.image.trim()) return { image: inputs.image.trim(), tags: inputs.tags };
  const first = inputs.tags.find((t) => t.includes('/'));
  if (!first) {
    if (inputs.tags.length === 0) return { tags: [] };
    throw inputError(
      'tags',
      `${inputs.tags.join(', ')}: bare tags, and image is empty, so there is no repository to push them to`,
      'set image (REGISTRY/REPOSITORY), or give full references in tags',
    );
  }
  return { image: first, tags: inputs.tags.filter((t) => t !== first) };
}

export function layersFrom(value: string): number[] | undefined {
  return parseLayerList(value);
}

export function platformsFrom(value: string) {
  try {
    return parsePlatformList(value);
  } catch (err) {
    if (err instanceof OepError) throw inputError('platforms', err.message, err.hint);
    throw err;
  }
}

/** Everything run() needs, checked, in the order a user would fix them. */
export interface ActionOptions {
  layout: string;
  refName?: string;
  /** Where to push; undefined: write `output` only. */
  image?: string;
  tags: string[];
  output?: string;
  recipients: Recipient[];
  encryptLayers?: number[];
  platforms?: ReturnType<typeof platformsFrom>;
  verify: boolean;
  registry: RegistryOptions;
  digestFile?: string;
  showSummary: boolean;
  attestations: AttestationMode;
}

/** Inputs → options: pure but for reading the key and CA files the inputs name. */
export function optionsFrom(inputs: Inputs, env: Record<string, string | undefined>): ActionOptions {
  const layout = inputs.layout.trim();
  if (!layout)
    throw inputError('layout', 'is required', 'the OCI layout folder or .tar your build step wrote');
  const { image, tags } = imageFrom(inputs);
  const output = inputs.output.trim() || undefined;
  if (!image && !output) {
    throw inputError(
      'image',
      'is empty and so is output: nothing to do',
      'set image (push) or output (write a layout), or both',
    );
  }
  const refName = inputs['ref-name'].trim();
  const recipients = recipientsFrom(inputs);
  const encryptLayers = layersFrom(inputs['encrypt-layers']);
  const platforms = platformsFrom(inputs.platforms);
  const verify = parseBool('verify', inputs.verify, true);
  const ca = caFrom(inputs['ca-cert']);
  const registry: RegistryOptions = {
    tlsVerify: parseBool('tls-verify', inputs['tls-verify'], true),
    ...(ca ? { ca } : {}),
    ...(inputs.username ? { username: inputs.username } : {}),
    ...(inputs.password ? { password: inputs.password } : {}),
    retries: retriesFrom(inputs.retries),
    env,
    userAgent: 'oci-encrypt-push-action',
  };
  const showSummary = parseBool('show-summary', inputs['show-summary'], true);
  const attestations = parseAttestationMode(inputs.attestations);
  const digestFile = inputs['digest-file'].trim();
  return {
    layout,
    ...(refName ? { refName } : {}),
    ...(image ? { image } : {}),
    tags,
    ...(output ? { output } : {}),
    recipients,
    ...(encryptLayers ? { encryptLayers } : {}),
    ...(platforms ? { platforms } : {}),
    verify,
    registry,
    ...(digestFile ? { digestFile } : {}),
    showSummary,
    attestations,
  };
}
