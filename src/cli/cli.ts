/**
 * The `oci-encrypt-push` command. Reads argv and env (the only place that does), hands one options object to the
 * pipeline, prints the result. Exit 0 only when everything asked for landed; otherwise one line on stderr,
 * `error[E_CODE]: message (hint)`, naming the input at fault and the fix, exit 1 (2 for usage errors).
 */
import { asOepError, debugStack, errorLine, OepError } from '../errors.js';
import { escapeTerminal, terminalJson } from '../escape.js';
import { attestationNotice } from '../pipeline/attestations.js';
import type { RunHost } from '../pipeline/host.js';
import { fromStrings, type Request } from '../pipeline/request.js';
import { runRequest } from '../pipeline/run.js';
import { writeResultFiles } from '../pipeline/result-files.js';
import type { ImageReport } from '../pipeline/result.js';
import { parseCommand, USAGE, type Command } from './args.js';
import { decryptionKeys } from './keys.js';
import { formatReport } from './format.js';
import pkg from '../../package.json' with { type: 'json' };

const VERSION: string = pkg.version;

/** One line on stderr. Lines carry registry and image text: escaped, a CR/LF cannot start a forged line. */
function log(line: string): void {
  process.stderr.write(`${escapeTerminal(line)}\n`);
}

async function execute(req: Request, cmd: Command, runtime: Runtime): Promise<ImageReport> {
  const keys =
    req.command === 'decrypt' || req.command === 'rewrap'
      ? decryptionKeys(cmd.keys, process.env, req.providers, req.command)
      : undefined;
  return runRequest(req, { ...runtime, log, ...(keys ? { keys } : {}) });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Argv and env → the request. The password only from stdin or the environment, never argv. */
async function request(cmd: Command & { name: Request['command'] }): Promise<Request> {
  const env = process.env;
  const strings = { ...cmd.strings };
  strings.username ??= env.OCI_ENCRYPT_PUSH_USERNAME;
  strings.password = env.OCI_ENCRYPT_PUSH_PASSWORD;
  const req = fromStrings(cmd.name, strings, { env, userAgent: `oci-encrypt-push/${VERSION}` });
  if (cmd.passwordStdin) {
    const password = await readStdin();
    if (!password) {
      throw new OepError('E_USAGE', '--password-stdin: standard input was empty', {
        hint: 'pipe the password or token in',
      });
    }
    req.registry.password = password;
  }
  return req;
}

/** What the entry point knows about how it runs. */
export type Runtime = Pick<RunHost, 'workerScript' | 'temps'>;

function printReport(cmd: Command, report: ImageReport): void {
  if (report.droppedAttestations) log(attestationNotice(report.droppedAttestations, '--attestations keep'));
  // The report file is the raw data; on stdout the same JSON, with C1 and bidi characters \u-escaped too.
  if (cmd.json) process.stdout.write(`${terminalJson(report)}\n`);
  else if (cmd.name === 'inspect') process.stdout.write(`${formatReport(report)}\n`);
  else {
    for (const line of formatReport(report).split('\n')) log(line);
    process.stdout.write(`${escapeTerminal(report.digest)}\n`);
  }
}

export async function main(argv: string[], runtime: Runtime = {}): Promise<number> {
  try {
    const cmd = parseCommand(argv);
    if (cmd.name === 'help') process.stdout.write(`${USAGE}\n`);
    if (cmd.name === 'version') process.stdout.write(`oci-encrypt-push ${VERSION}\n`);
    if (cmd.name === 'help' || cmd.name === 'version') return 0;
    // Result files are checked in the request, before the work: a typo must not fail a run that landed.
    const req = await request({ ...cmd, name: cmd.name });
    const report = await execute(req, cmd, runtime);
    writeResultFiles(req.results, report);
    printReport(cmd, report);
    return 0;
  } catch (err) {
    const e = asOepError(err);
    log(errorLine(e));
    // A stack is several lines of our own; each is escaped on its own (its message may quote a registry).
    if (process.env.OEP_DEBUG === '1') for (const line of debugStack(e)) log(line);
    return e.code === 'E_USAGE' ? 2 : 1;
  }
}
