/**
 * The Action's inputs: read once into a typed object keyed by the action.yml names (getInputs), then turned
 * into pipeline options by pure functions (toOptions), so the mapping is tested without a runner.
 */
import { readFileSync } from 'node:fs';
import { OepError } from '../errors.js';
import { parseRecipients, recipientsFromSpec, type Recipient } from '../pipeline/keys.js';
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

/** public-keys (key text from a secret) and recipients (jwe:FILE lines), all parsed and checked. */
export function recipientsFrom(inputs: Pick<Inputs, 'public-keys' | 'recipients'>): Recipient[] {
  const out: Recipient[] = [];
  if (inputs['public-keys'].trim()) out.push(...parseRecipients(inputs['public-keys'], 'public-keys'));
  for (const spec of inputs.recipients) out.push(...recipientsFromSpec(spec, 'recipients'));
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

/** ca-cert takes PEM text (from a secret or a variable) or a path to a PEM file. */
export function caFrom(value: string): string | undefined {
  const v = value.trim();
  if (!v) return undefined;
  if (v.includes('-----BEGIN CERTIFICATE-----')) return v;
  try {
    return readFileSync(v, 'utf8');
  } catch {
    throw inputError('ca-cert', `${v} is neither PEM text nor a readable file`);
  }
}

export function retriesFrom(value: string): number {
  if (value.trim() === '') return 3;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 20)
    throw inputError('retries', `${JSON.stringify(value)} is not a whole number from 0 to 20`);
  return n;
}

/** The image to push: `image`, or else the first full reference among `tags` (metadata-action style). */
export function imageFrom(inputs: Pick<Inputs, 'image' | 'tags'>): { image?: string; tags: string[] } {
  if (inputs.image.trim()) return { image: inputs.image.trim(), tags: inputs.tags };
  const first = inputs.tags.find((t) => t.includes('/'));
  if (!first) return { tags: inputs.tags };
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
