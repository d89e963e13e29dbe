/**
 * The rewrap sub-action (rewrap/action.yml): change who an image in a registry opens for, as `oci-encrypt-push
 * rewrap --from REF --image REF` does. Inputs → the one request layer → the pipeline → the main action's outputs
 * and job summary. Secrets (the password, every line of the private keys) are masked before anything is logged.
 */
import * as core from '@actions/core';
import type { ErrorCode } from '../../errors.js';
import { escapeTerminal } from '../../escape.js';
import type { RunHost } from '../../pipeline/host.js';
import { privateKeysFrom } from '../../pipeline/request-rewrap.js';
import { fromStrings, type InputName, type Request } from '../../pipeline/request.js';
import { runRequest } from '../../pipeline/run.js';
import type { ImageReport } from '../../pipeline/result.js';
import { execCommand } from '../command.js';
import { splitList } from '../inputs.js';
import { failureMessage, info, mask, setOutputs } from '../main.js';
import { summaryMarkdown } from '../summary.js';

/** The inputs of rewrap/action.yml: the request's names. */
export const REWRAP_INPUT_NAMES = [
  'from',
  'image',
  'tags',
  'private-keys',
  'public-keys',
  'recipients',
  'expect-recipients',
  'rekey',
  'username',
  'password',
  'tls-verify',
  'ca-cert',
  'retries',
  'verify',
  'show-summary',
  'keyprovider-config',
] as const satisfies readonly InputName[];

type RewrapInput = (typeof REWRAP_INPUT_NAMES)[number];

/** Which input an error is about, when its message does not already say. */
const INPUT_OF: Partial<Record<ErrorCode, string>> = {
  E_BLOB_MISSING: 'from',
  E_DIGEST: 'from',
  E_MANIFEST: 'from',
  E_OPTIONS: 'from',
  E_UNSUPPORTED: 'from',
  E_DECRYPT: 'private-keys',
  E_KEY: 'private-keys/public-keys/recipients',
  E_NO_RECIPIENT: 'public-keys',
  E_IMAGE_REF: 'from/image/tags',
  E_AUTH: 'username/password',
};

/** The `::error::` text of the sub-action: the main action's, naming the rewrap's inputs. */
export function rewrapFailureMessage(err: unknown, debug = false): string {
  return failureMessage(err, debug, INPUT_OF);
}

export function getRewrapInputs(): Record<RewrapInput, string> {
  return Object.fromEntries(REWRAP_INPUT_NAMES.map((n) => [n, core.getInput(n)])) as Record<
    RewrapInput,
    string
  >;
}

/** Inputs → the checked request and the keys that open the layers. */
export function rewrapRequest(
  inputs: Record<RewrapInput, string>,
  env: Record<string, string | undefined>,
): { req: Request; keys: ReturnType<typeof privateKeysFrom> } {
  const { 'private-keys': privateKeys, tags, recipients, ...rest } = inputs;
  const req = fromStrings(
    'rewrap',
    { ...rest, tags: splitList(tags), recipients: splitList(recipients) },
    { env, userAgent: 'oci-encrypt-push-action', runCommand: execCommand },
  );
  return { req, keys: privateKeysFrom(privateKeys, env, req.providers) };
}

/** The summary, and what a rewrap does not do: revoke. */
function summary(report: ImageReport, rekey: boolean): string {
  const note = rekey
    ? '> Every encrypted layer was re-encrypted with a fresh key: earlier downloads do not open these blobs.'
    : [
        '> [!IMPORTANT]',
        '> A rewrap keeps each layer key: removing a recipient does not revoke what they already downloaded.',
        '> Set `rekey: true` to re-encrypt with fresh keys when access must end.',
      ].join('\n');
  return `${summaryMarkdown(report)}\n\n${note}\n`;
}

export async function runRewrap(runtime: Pick<RunHost, 'workerScript' | 'temps'> = {}): Promise<void> {
  try {
    const inputs = getRewrapInputs();
    // Mask first: nothing below may print them, but a library error message might echo a header.
    if (inputs.password) mask(inputs.password);
    for (const line of inputs['private-keys'].split('\n')) {
      const body = line.trim();
      if (body && !body.startsWith('-----')) mask(body);
    }
    const { req, keys } = rewrapRequest(inputs, process.env);
    const title = escapeTerminal(`Rewrap ${req.from ?? req.layout} into ${req.image}`);
    const report = await core.group(title, () =>
      runRequest(req, {
        ...runtime,
        log: info,
        keys,
        registry: { onSecret: mask },
      }),
    );
    setOutputs(report, undefined);
    info(`digest: ${report.digest}`);
    if (req.showSummary && process.env.GITHUB_STEP_SUMMARY) {
      try {
        await core.summary.addRaw(summary(report, req.rekey ?? false), true).write();
      } catch (err) {
        core.warning(escapeTerminal(`job summary not written: ${(err as Error).message}`));
      }
    }
  } catch (err) {
    core.setFailed(rewrapFailureMessage(err, process.env.OEP_DEBUG === '1' || core.isDebug()));
  }
}
