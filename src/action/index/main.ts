/**
 * The index sub-action (index/action.yml): the fan-in job of a matrix of native runners, as `oci-encrypt-push
 * index` is: the platforms each job pushed by digest (listed in `sources`, or the digest files of `digests-dir`)
 * become one OCI index, pushed, verified and tagged, with the main action's outputs. Inputs → the one request
 * layer → the pipeline → outputs and a job summary. The password is masked before anything is logged.
 */
import * as core from '@actions/core';
import type { ErrorCode } from '../../errors.js';
import { escapeTerminal } from '../../escape.js';
import type { RunHost } from '../../pipeline/host.js';
import { fromStrings, type InputName, type Request } from '../../pipeline/request.js';
import { runRequest } from '../../pipeline/run.js';
import { execCommand } from '../command.js';
import { splitList } from '../inputs.js';
import { failureMessage, info, mask, setOutputs } from '../main.js';
import { summaryMarkdown } from '../summary.js';

/** The inputs of index/action.yml: the request's names. */
export const INDEX_INPUT_NAMES = [
  'image',
  'tags',
  'sources',
  'digests-dir',
  'require-encrypted',
  'username',
  'password',
  'tls-verify',
  'ca-cert',
  'retries',
  'show-summary',
] as const satisfies readonly InputName[];

type IndexInput = (typeof INDEX_INPUT_NAMES)[number];

/** Which input an error is about, when its message does not already say. */
const INPUT_OF: Partial<Record<ErrorCode, string>> = {
  E_DIGEST: 'sources',
  E_MANIFEST: 'sources',
  E_UNSUPPORTED: 'sources',
  E_PLATFORM: 'sources',
  E_PLAINTEXT: 'sources',
  E_IMAGE_REF: 'image/tags/sources',
  E_AUTH: 'username/password',
};

/** The `::error::` text of the sub-action: the main action's, naming the index's inputs. */
export function indexFailureMessage(err: unknown, debug = false): string {
  return failureMessage(err, debug, INPUT_OF);
}

export function getIndexInputs(): Record<IndexInput, string> {
  return Object.fromEntries(INDEX_INPUT_NAMES.map((n) => [n, core.getInput(n)])) as Record<
    IndexInput,
    string
  >;
}

/** Inputs → the checked request. `sources` come one a line (or comma-separated), as `tags` do. */
export function indexRequest(
  inputs: Record<IndexInput, string>,
  env: Record<string, string | undefined>,
): Request {
  const { tags, sources, ...rest } = inputs;
  return fromStrings(
    'index',
    { ...rest, tags: splitList(tags), sources: splitList(sources) },
    { env, userAgent: 'oci-encrypt-push-action', runCommand: execCommand },
  );
}

export async function runIndex(runtime: Pick<RunHost, 'workerScript' | 'temps'> = {}): Promise<void> {
  try {
    const inputs = getIndexInputs();
    // Mask first: nothing below may print it, but a library error message might echo a header.
    if (inputs.password) mask(inputs.password);
    const req = indexRequest(inputs, process.env);
    const title = escapeTerminal(`Index of ${req.sources?.length ?? 0} source(s) into ${req.image}`);
    const report = await core.group(title, () =>
      runRequest(req, {
        ...runtime,
        log: info,
        registry: { onSecret: mask },
      }),
    );
    setOutputs(report, undefined);
    info(`digest: ${report.digest}`);
    if (req.showSummary && process.env.GITHUB_STEP_SUMMARY) {
      // The index landed and verified: a summary that cannot be written is worth a warning, not a failed step.
      try {
        await core.summary.addRaw(summaryMarkdown(report), true).write();
      } catch (err) {
        core.warning(escapeTerminal(`job summary not written: ${(err as Error).message}`));
      }
    }
  } catch (err) {
    core.setFailed(indexFailureMessage(err, process.env.OEP_DEBUG === '1' || core.isDebug()));
  }
}
