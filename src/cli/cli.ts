/**
 * The `oci-encrypt-push` command. Reads argv and env (the only place that does), hands one options object to the
 * pipeline, prints the result. Exit 0 only when everything asked for landed; otherwise one line on stderr
 * naming the input at fault, exit 1 (2 for usage errors).
 */
import { writeFileSync } from 'node:fs';
import { isOepError } from '../errors.js';
import { decryptImage } from '../pipeline/decrypt.js';
import { encryptImage } from '../pipeline/encrypt.js';
import { inspectImage } from '../pipeline/inspect.js';
import type { ImageReport } from '../pipeline/result.js';
import { parseLayerList, parsePlatformList } from '../pipeline/selection.js';
import { parseCommand, USAGE, type Command } from './args.js';
import { decryptionKeysFromSpec, recipientsFromSpec } from './keys.js';
import { formatReport } from './format.js';
import pkg from '../../package.json' with { type: 'json' };

const VERSION: string = pkg.version;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function execute(cmd: Command): Promise<ImageReport | undefined> {
  const platforms = parsePlatformList(cmd.platforms);
  switch (cmd.name) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return undefined;
    case 'version':
      process.stdout.write(`oci-encrypt-push ${VERSION}\n`);
      return undefined;
    case 'encrypt':
      return encryptImage({
        layout: cmd.layout!,
        refName: cmd.refName,
        output: cmd.output!,
        recipients: cmd.recipients.flatMap(recipientsFromSpec),
        encryptLayers: parseLayerList(cmd.encryptLayers),
        platforms,
        log,
      });
    case 'decrypt':
      return decryptImage({
        layout: cmd.layout!,
        refName: cmd.refName,
        output: cmd.output!,
        keys: cmd.keys.flatMap((k) => decryptionKeysFromSpec(k, process.env)),
        platforms,
        log,
      });
    case 'inspect':
      return inspectImage({ layout: cmd.layout!, refName: cmd.refName });
  }
}

export async function main(argv: string[]): Promise<number> {
  let cmd: Command | undefined;
  try {
    cmd = parseCommand(argv);
    const report = await execute(cmd);
    if (!report) return 0;
    if (cmd.digestFile) writeFileSync(cmd.digestFile, report.digest);
    if (cmd.report) writeFileSync(cmd.report, `${JSON.stringify(report, null, 2)}\n`);
    if (cmd.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (cmd.name === 'inspect') process.stdout.write(`${formatReport(report)}\n`);
    else {
      log(formatReport(report));
      process.stdout.write(`${report.digest}\n`);
    }
    return 0;
  } catch (err) {
    if (isOepError(err)) {
      log(`oci-encrypt-push: error: ${err.describe()}`);
      return err.code === 'E_USAGE' ? 2 : 1;
    }
    log(`oci-encrypt-push: internal error: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}
