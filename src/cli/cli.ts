/**
 * The `oci-encrypt-push` command. Reads argv and env (the only place that does), hands one options object to the
 * pipeline, prints the result. Exit 0 only when everything asked for landed; otherwise one line on stderr
 * naming the input at fault, exit 1 (2 for usage errors).
 */
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { isOepError, OepError } from '../errors.js';
import { escapeTerminal, terminalJson } from '../escape.js';
import { attestationNotice } from '../pipeline/attestations.js';
import { decryptImage } from '../pipeline/decrypt.js';
import { encryptImage } from '../pipeline/encrypt.js';
import { inspectImage } from '../pipeline/inspect.js';
import { pushImage, type PushReport } from '../pipeline/push.js';
import type { RegistryOptions } from '../pipeline/registry-session.js';
import type { SourceOptions } from '../pipeline/registry-source.js';
import type { ImageReport } from '../pipeline/result.js';
import { parseLayerList, parsePlatformList } from '../pipeline/selection.js';
import { checkCaBundle } from '../pipeline/ca.js';
import { parseCommand, USAGE, type Command } from './args.js';
import { decryptionKeysFromSpec } from './keys.js';
import { recipientsFromSpec } from '../pipeline/keys.js';
import { formatReport } from './format.js';
import pkg from '../../package.json' with { type: 'json' };

const VERSION: string = pkg.version;

/** One line on stderr. Lines carry registry and image text: escaped, a CR/LF cannot start a forged line. */
function log(line: string): void {
  process.stderr.write(`${escapeTerminal(line)}\n`);
}

async function execute(cmd: Command, runtime: Runtime): Promise<ImageReport | undefined> {
  const platforms = parsePlatformList(cmd.platforms);
  switch (cmd.name) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return undefined;
    case 'version':
      process.stdout.write(`oci-encrypt-push ${VERSION}\n`);
      return undefined;
    case 'encrypt':
      if (cmd.image) return push(cmd, platforms, runtime);
      return encryptImage({
        layout: cmd.layout!,
        refName: cmd.refName,
        output: cmd.output!,
        recipients: cmd.recipients.flatMap((r) => recipientsFromSpec(r, '--recipient')),
        encryptLayers: parseLayerList(cmd.encryptLayers),
        platforms,
        attestations: cmd.attestations,
        log,
        ...runtime,
      });
    case 'decrypt':
      return decryptImage({
        ...(await sourceOptions(cmd)),
        refName: cmd.refName,
        output: cmd.output!,
        keys: cmd.keys.flatMap((k) => decryptionKeysFromSpec(k, process.env)),
        platforms,
        log,
        ...runtime,
      });
    case 'inspect':
      return inspectImage({ ...(await sourceOptions(cmd)), refName: cmd.refName, log });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function readCaFile(path: string): string {
  try {
    return checkCaBundle(readFileSync(path, 'utf8'), path, '--ca-file');
  } catch (err) {
    if (isOepError(err)) throw err;
    throw new OepError(
      'E_USAGE',
      `--ca-file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Registry options from flags and env; the password only from stdin or the environment, never argv. */
async function registryOptions(cmd: Command): Promise<RegistryOptions> {
  const env = process.env;
  const username = cmd.username ?? env.OCI_ENCRYPT_PUSH_USERNAME;
  let password = env.OCI_ENCRYPT_PUSH_PASSWORD;
  if (cmd.passwordStdin) {
    password = await readStdin();
    if (!password) {
      throw new OepError('E_USAGE', '--password-stdin: standard input was empty', {
        hint: 'pipe the password or token in',
      });
    }
  }
  return {
    tlsVerify: cmd.tlsVerify,
    ...(cmd.caFile ? { ca: readCaFile(cmd.caFile) } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    retries: cmd.retries,
    env,
    userAgent: `oci-encrypt-push/${VERSION}`,
  };
}

/** Where decrypt and inspect read from. */
async function sourceOptions(cmd: Command): Promise<SourceOptions> {
  if (cmd.image) return { image: cmd.image, registry: await registryOptions(cmd) };
  return { layout: cmd.layout! };
}

async function push(
  cmd: Command,
  platforms: ReturnType<typeof parsePlatformList>,
  runtime: Runtime,
): Promise<PushReport> {
  return pushImage({
    layout: cmd.layout!,
    refName: cmd.refName,
    image: cmd.image!,
    tags: cmd.tags,
    output: cmd.output,
    tempDir: tmpdir(),
    recipients: cmd.recipients.flatMap((r) => recipientsFromSpec(r, '--recipient')),
    encryptLayers: parseLayerList(cmd.encryptLayers),
    platforms,
    attestations: cmd.attestations,
    verify: cmd.verify,
    registry: await registryOptions(cmd),
    log,
    ...runtime,
  });
}

function checkWritable(flag: string, path: string): void {
  try {
    accessSync(dirname(resolve(path)), constants.W_OK);
  } catch {
    throw new OepError('E_OUTPUT', `${flag} ${path}: its folder does not exist or is not writable`, {
      hint: 'create the folder first, or choose another path',
    });
  }
}

function writeResult(flag: string, path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new OepError(
      'E_OUTPUT',
      `${flag} ${path}: cannot write it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** What the entry point knows about how it runs. */
export interface Runtime {
  /** This program's entry script, to start layer workers from. */
  workerScript?: string;
}

export async function main(argv: string[], runtime: Runtime = {}): Promise<number> {
  let cmd: Command | undefined;
  try {
    cmd = parseCommand(argv);
    // Result files are checked before the work: a typo must not fail the run after the image has landed.
    for (const [flag, path] of [
      ['--digest-file', cmd.digestFile],
      ['--report', cmd.report],
    ] as const) {
      if (path) checkWritable(flag, path);
    }
    const report = await execute(cmd, runtime);
    if (!report) return 0;
    if (report.droppedAttestations) log(attestationNotice(report.droppedAttestations, '--attestations keep'));
    if (cmd.digestFile) writeResult('--digest-file', cmd.digestFile, report.digest);
    if (cmd.report) writeResult('--report', cmd.report, `${JSON.stringify(report, null, 2)}\n`);
    // The report file is the raw data; on stdout the same JSON, with C1 and bidi characters \u-escaped too.
    if (cmd.json) process.stdout.write(`${terminalJson(report)}\n`);
    else if (cmd.name === 'inspect') process.stdout.write(`${formatReport(report)}\n`);
    else {
      for (const line of formatReport(report).split('\n')) log(line);
      process.stdout.write(`${escapeTerminal(report.digest)}\n`);
    }
    return 0;
  } catch (err) {
    if (isOepError(err)) {
      log(`oci-encrypt-push: error: ${err.describe()}`);
      return err.code === 'E_USAGE' ? 2 : 1;
    }
    // A stack is several lines of our own; each is escaped on its own (its message may quote a registry).
    const text = (err as Error).stack ?? String(err);
    for (const line of `oci-encrypt-push: internal error: ${text}`.split('\n')) log(line);
    return 1;
  }
}
