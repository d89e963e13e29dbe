/**
 * The GitHub Action front end: inputs → one options object → the pipeline → outputs and a job summary.
 * No business logic here. Secrets are masked before anything is logged; an input error fails the step with
 * the input's name and the fix, and sets no output.
 */
import * as core from '@actions/core';
import { asOepError, debugStack, errorLine, type ErrorCode } from '../errors.js';
import { escapeTerminal } from '../escape.js';
import { attestationNotice } from '../pipeline/attestations.js';
import { configFindingLine } from '../pipeline/config-check.js';
import type { RunHost } from '../pipeline/host.js';
import type { PushReport } from '../pipeline/push.js';
import { recipientFingerprint, startsWithName } from '../pipeline/request.js';
import { writeResultFiles } from '../pipeline/result-files.js';
import { runRequest } from '../pipeline/run.js';
import type { ImageReport } from '../pipeline/result.js';
import { optionsFrom, parseToolLines, splitList, type ActionInput, type Inputs } from './inputs.js';
import { summaryMarkdown } from './summary.js';
import { installTools } from './tools.js';

export const INPUT_NAMES: readonly ActionInput[] = [
  'layout',
  'ref-name',
  'image',
  'tags',
  'public-keys',
  'recipients',
  'encrypt-layers',
  'platforms',
  'username',
  'password',
  'tls-verify',
  'ca-cert',
  'retries',
  'verify',
  'output',
  'digest-file',
  'show-summary',
  'attestations',
  'keyprovider-config',
  'keyprovider-tools',
  'kbs-url',
  'kbs-admin-key',
  'verify-private-keys',
  'expect-recipients',
  'config-secrets',
  'push-by-digest',
];

export function getInputs(): Inputs {
  const raw = Object.fromEntries(INPUT_NAMES.map((n) => [n, core.getInput(n)])) as Record<
    ActionInput,
    string
  >;
  return { ...raw, tags: splitList(raw.tags), recipients: splitList(raw.recipients) } as Inputs;
}

/** Which input an error from the pipeline is about, when its message does not already say. */
const INPUT_OF: Partial<Record<ErrorCode, string>> = {
  E_LAYOUT: 'layout',
  E_BLOB_MISSING: 'layout',
  E_DIGEST: 'layout',
  E_MANIFEST: 'layout',
  E_REF_NAME: 'ref-name',
  E_PLATFORM: 'platforms',
  E_LAYER_INDEX: 'encrypt-layers',
  E_KEY: 'public-keys/recipients',
  E_NO_RECIPIENT: 'public-keys',
  E_IMAGE_REF: 'image/tags',
  E_AUTH: 'username/password',
  E_OUTPUT: 'output',
  E_GATE: 'verify-private-keys',
};
// An E_OUTPUT naming digest-file (the request checks its folder) is about digest-file, not output.

/**
 * The `::error::` text, the CLI's line: `error[E_CODE]: message (hint)`. Messages quote registries and images:
 * escaped to one line. With `debug`, an internal fault's stack (our own) follows, each line escaped.
 * @actions/core encodes CR/LF in a command, but not ESC or bidi characters. `inputOf`: a sub-action's inputs.
 */
export function failureMessage(
  err: unknown,
  debug = false,
  inputOf: Partial<Record<ErrorCode, string>> = INPUT_OF,
): string {
  const e = asOepError(err);
  const input = inputOf[e.code];
  const text = escapeTerminal(e.describe());
  const named = ['digest-file', 'kbs-url', 'kbs-admin-key', ...(input?.split('/') ?? [])].some((n) =>
    startsWithName(text, n),
  );
  const line = errorLine(e, input && !named ? `${input}: ${text}` : text);
  return debug ? [line, ...debugStack(e).map(escapeTerminal)].join('\n') : line;
}

/** A log line: pipeline lines carry image and registry text; escaped, none can forge a line or a command. */
export function info(line: string): void {
  core.info(escapeTerminal(line));
}

export function setOutputs(r: ImageReport | PushReport, digestFile: string | undefined): void {
  // The digest file first: when it cannot be written the step fails with no digest output at all.
  if (digestFile) writeResultFiles({ digestFile }, r);
  core.setOutput('digest', r.digest);
  if ('imageRef' in r) {
    core.setOutput('image', r.image);
    core.setOutput('image-ref', r.imageRef);
    core.setOutput('tags', r.tags.join('\n'));
  }
  core.setOutput(
    'platform-digests',
    JSON.stringify(Object.fromEntries(r.platforms.map((p) => [p.platform, p.digest]))),
  );
  core.setOutput('report', JSON.stringify(r));
  if (digestFile) core.setOutput('digest-file', digestFile);
}

const masked = new Set<string>();
/** Mask a secret once: the runner hides every later occurrence; a second add-mask line would only be noise. */
export function mask(secret: string): void {
  if (masked.has(secret)) return;
  masked.add(secret);
  core.setSecret(secret);
}

/**
 * Private key text (verify-private-keys, kbs-admin-key): the whole value and each line of it, since the runner
 * matches a mask line by line in the log. PEM armour lines are no secret, and masking them would hide every key
 * header.
 */
function maskKeyText(text: string): void {
  if (!text.trim()) return;
  mask(text);
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (l.length >= 8 && !l.startsWith('-----')) mask(l);
  }
}

export async function run(runtime: Pick<RunHost, 'workerScript' | 'temps'> = {}): Promise<void> {
  try {
    const inputs = getInputs();
    // Mask first: nothing below may print them, but a library error message might echo a header.
    if (inputs.password) mask(inputs.password);
    maskKeyText(inputs['kbs-admin-key']);
    maskKeyText(inputs['verify-private-keys']);
    // Before the request: the key-provider configuration may name a command these put on PATH.
    await installTools(parseToolLines(inputs['keyprovider-tools']), info);
    const o = optionsFrom(inputs, process.env);
    info(
      `${o.recipients.length} recipient(s): ${o.recipients.map((r) => `${r.type} ${r.alg} ${recipientFingerprint(r)}`).join(', ')}`,
    );

    const { image, output } = o;
    const title = escapeTerminal(image ? `Encrypt and push ${image}` : `Encrypt into ${output}`);
    const report = await core.group(title, () =>
      runRequest(o, {
        ...runtime,
        log: info,
        registry: { onSecret: mask },
      }),
    );
    setOutputs(report, o.results.digestFile);
    if (report.droppedAttestations) {
      core.notice(attestationNotice(report.droppedAttestations, 'the input attestations: keep'));
    }
    for (const f of report.configSecrets ?? []) core.warning(escapeTerminal(configFindingLine(f)));
    info(`digest: ${report.digest}`);
    if (o.showSummary && process.env.GITHUB_STEP_SUMMARY) {
      // The push landed and verified: a summary that cannot be written is worth a warning, not a failed step.
      try {
        await core.summary.addRaw(summaryMarkdown(report), true).write();
      } catch (err) {
        core.warning(escapeTerminal(`job summary not written: ${(err as Error).message}`));
      }
    }
  } catch (err) {
    core.setFailed(failureMessage(err, process.env.OEP_DEBUG === '1' || core.isDebug()));
  }
}
