/** Command-line parsing: argv → one typed command. No I/O besides what the caller passes in. */
import { parseArgs } from 'node:util';
import { OepError } from '../errors.js';

export const USAGE = `Usage:
  oci-encrypt-push encrypt --layout PATH [--ref-name NAME] --output DIR
                           (--recipient [jwe:]FILE)... [--encrypt-layers LIST] [--platform LIST]
                           [--digest-file F] [--report F] [--json]
  oci-encrypt-push decrypt --layout PATH [--ref-name NAME] (--key FILE[:PASSPHRASE])... --output DIR
                           [--platform LIST] [--digest-file F] [--report F] [--json]
  oci-encrypt-push inspect --layout PATH [--ref-name NAME] [--json]

PATH is an OCI layout folder or an OCI archive (.tar). LIST for layers is comma-separated indexes, negative
from the top (-1 is the top layer); empty means all. Platforms are os/arch[/variant], comma-separated.
A key's passphrase can be given as FILE:file=PWFILE or FILE:env=VAR to keep it off the command line.`;

const OPTIONS = {
  layout: { type: 'string' },
  'ref-name': { type: 'string' },
  output: { type: 'string' },
  image: { type: 'string' },
  tag: { type: 'string', multiple: true },
  recipient: { type: 'string', multiple: true },
  key: { type: 'string', multiple: true },
  'encrypt-layers': { type: 'string' },
  platform: { type: 'string', multiple: true },
  'tls-verify': { type: 'string' },
  'ca-file': { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  retries: { type: 'string' },
  'digest-file': { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

const ALLOWED: Record<string, OptionName[]> = {
  encrypt: [
    'layout',
    'ref-name',
    'output',
    'recipient',
    'encrypt-layers',
    'platform',
    'digest-file',
    'report',
    'json',
  ],
  decrypt: ['layout', 'ref-name', 'output', 'key', 'platform', 'digest-file', 'report', 'json'],
  inspect: ['layout', 'ref-name', 'json'],
};

/** Options of the registry interface (design.md) that this build does not have yet. */
const REGISTRY_OPTIONS: OptionName[] = [
  'image',
  'tag',
  'tls-verify',
  'ca-file',
  'username',
  'password-stdin',
  'retries',
];

export interface Command {
  name: 'encrypt' | 'decrypt' | 'inspect' | 'help' | 'version';
  layout?: string;
  refName?: string;
  output?: string;
  recipients: string[];
  keys: string[];
  encryptLayers?: string;
  platforms?: string;
  digestFile?: string;
  report?: string;
  json: boolean;
}

function usage(message: string, hint = 'run oci-encrypt-push --help'): OepError {
  return new OepError('E_USAGE', message, { hint });
}

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage((err as Error).message.replace(/\. To specify.*$/s, ''));
  }
  const { values, positionals } = parsed;
  const base = { recipients: [], keys: [], json: values.json === true };
  if (values.version) return { name: 'version', ...base };
  if (values.help || positionals.length === 0) return { name: 'help', ...base };
  const [name, ...extra] = positionals;
  if (name !== 'encrypt' && name !== 'decrypt' && name !== 'inspect')
    throw usage(`unknown command ${JSON.stringify(name)}`);
  if (extra.length) throw usage(`unexpected argument ${JSON.stringify(extra[0])}`);
  for (const opt of Object.keys(values) as OptionName[]) {
    if (opt === 'help' || opt === 'version') continue;
    if (REGISTRY_OPTIONS.includes(opt)) {
      throw usage(`--${opt}: registries are not supported by this build yet`, 'write a layout with --output');
    }
    if (!ALLOWED[name]!.includes(opt)) throw usage(`${name} does not take --${opt}`);
  }
  if (!values.layout) throw usage(`${name} needs --layout PATH (an OCI layout folder or OCI archive)`);
  if (name !== 'inspect' && !values.output) throw usage(`${name} needs --output DIR`);
  if (name === 'encrypt' && !values.recipient?.length) {
    throw new OepError('E_NO_RECIPIENT', 'encrypt needs at least one --recipient', {
      hint: 'give the public key to encrypt for: --recipient jwe:pub.pem',
    });
  }
  if (name === 'decrypt' && !values.key?.length)
    throw usage('decrypt needs at least one --key FILE (a private key)');
  const cmd: Command = {
    name,
    layout: values.layout,
    recipients: values.recipient ?? [],
    keys: values.key ?? [],
    json: values.json === true,
  };
  if (values['ref-name'] !== undefined) cmd.refName = values['ref-name'];
  if (values.output !== undefined) cmd.output = values.output;
  if (values['encrypt-layers'] !== undefined) cmd.encryptLayers = values['encrypt-layers'];
  if (values.platform?.length) cmd.platforms = values.platform.join(',');
  if (values['digest-file'] !== undefined) cmd.digestFile = values['digest-file'];
  if (values.report !== undefined) cmd.report = values.report;
  return cmd;
}
