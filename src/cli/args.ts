/** Command-line parsing: argv → one typed command. No I/O besides what the caller passes in. */
import { parseArgs } from 'node:util';
import { OepError } from '../errors.js';
import { parseAttestationMode, type AttestationMode } from '../pipeline/attestations.js';

export const USAGE = `Usage:
  oci-encrypt-push encrypt --layout PATH [--ref-name NAME]
                           (--output DIR | --image REPO[:TAG] [--tag TAG]... [--output DIR])
                           (--recipient [jwe:]FILE)... [--encrypt-layers LIST] [--platform LIST]
                           [--attestations drop|keep]
                           [--tls-verify=false] [--ca-file PEM] [--username U --password-stdin]
                           [--retries N] [--verify=false] [--digest-file F] [--report F] [--json]
  oci-encrypt-push decrypt (--layout PATH [--ref-name NAME] | --image REF) (--key FILE[:PASSPHRASE])...
                           --output DIR [--platform LIST] [--digest-file F] [--report F] [--json]
  oci-encrypt-push inspect (--layout PATH [--ref-name NAME] | --image REF) [--json]
  (with --image, the registry options --tls-verify, --ca-file, --username/--password-stdin, --retries apply)

PATH is an OCI layout folder or an OCI archive (.tar). LIST for layers is comma-separated indexes, negative
from the top (-1 is the top layer); empty means all. Platforms are os/arch[/variant], comma-separated.
BuildKit attestation manifests (SBOM, provenance) cannot be encrypted: --attestations drop (the default) leaves
them out, keep pushes them unencrypted.
A key's passphrase can be given as FILE:file=PWFILE or FILE:env=VAR to keep it off the command line.
Registry credentials: --username with --password-stdin (or OCI_ENCRYPT_PUSH_USERNAME/OCI_ENCRYPT_PUSH_PASSWORD),
else docker's config.json (credential helpers too), else containers auth.json. Never put a password in argv.`;

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
  attestations: { type: 'string' },
  'tls-verify': { type: 'string' },
  'ca-file': { type: 'string' },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  retries: { type: 'string' },
  verify: { type: 'string' },
  'digest-file': { type: 'string' },
  report: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Registry options that reading an image (decrypt, inspect) takes too. */
const READ_REGISTRY: OptionName[] = ['tls-verify', 'ca-file', 'username', 'password-stdin', 'retries'];

const ALLOWED: Record<string, OptionName[]> = {
  encrypt: [
    'layout',
    'ref-name',
    'output',
    'image',
    'tag',
    'recipient',
    'encrypt-layers',
    'platform',
    'attestations',
    'tls-verify',
    'ca-file',
    'username',
    'password-stdin',
    'retries',
    'verify',
    'digest-file',
    'report',
    'json',
  ],
  decrypt: [
    'layout',
    'ref-name',
    'image',
    'output',
    'key',
    'platform',
    'digest-file',
    'report',
    'json',
    ...READ_REGISTRY,
  ],
  inspect: ['layout', 'ref-name', 'image', 'json', ...READ_REGISTRY],
};

export interface Command {
  name: 'encrypt' | 'decrypt' | 'inspect' | 'help' | 'version';
  layout?: string;
  refName?: string;
  output?: string;
  recipients: string[];
  keys: string[];
  encryptLayers?: string;
  platforms?: string;
  attestations: AttestationMode;
  digestFile?: string;
  report?: string;
  json: boolean;
  image?: string;
  tags: string[];
  tlsVerify: boolean;
  caFile?: string;
  username?: string;
  passwordStdin: boolean;
  retries: number;
  verify: boolean;
}

function bool(name: string, v: string | undefined, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw usage(`--${name} takes true or false, not ${JSON.stringify(v)}`, `write --${name}=false`);
}

function usage(message: string, hint = 'run oci-encrypt-push --help'): OepError {
  return new OepError('E_USAGE', message, { hint });
}

/** parseArgs refuses option values that start with "-", but layer lists count from the top with -1. */
function joinNegativeLayerLists(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--encrypt-layers' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--encrypt-layers=${next}`);
      i++;
    } else out.push(argv[i]!);
  }
  return out;
}

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeLayerLists(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // Node's messages run over several lines; the first one says what is wrong.
    throw usage((err as Error).message.split('\n')[0]!.replace(/\s*To specify.*$/, ''));
  }
  const { values, positionals } = parsed;
  const base = {
    recipients: [],
    keys: [],
    json: values.json === true,
    tags: [],
    tlsVerify: true,
    passwordStdin: false,
    retries: 3,
    verify: true,
    attestations: 'drop' as const,
  };
  if (values.version) return { name: 'version', ...base };
  if (values.help || positionals.length === 0) return { name: 'help', ...base };
  const [name, ...extra] = positionals;
  if (name !== 'encrypt' && name !== 'decrypt' && name !== 'inspect')
    throw usage(`unknown command ${JSON.stringify(name)}`);
  if (extra.length) throw usage(`unexpected argument ${JSON.stringify(extra[0])}`);
  for (const opt of Object.keys(values) as OptionName[]) {
    if (opt === 'help' || opt === 'version') continue;
    if (!ALLOWED[name]!.includes(opt)) throw usage(`${name} does not take --${opt}`);
  }
  if (name === 'encrypt' && !values.layout)
    throw usage('encrypt needs --layout PATH (an OCI layout folder or OCI archive)');
  if (name !== 'encrypt' && !values.layout === !values.image) {
    throw usage(`${name} needs either --layout PATH or --image REF`);
  }
  if (name === 'decrypt' && !values.output) throw usage('decrypt needs --output DIR');
  if (name === 'encrypt' && !values.output && !values.image) {
    throw usage('encrypt needs --image REPO[:TAG] (push) or --output DIR (write a layout), or both');
  }
  if (values.tag?.length && !values.image) throw usage('--tag goes with --image');
  const retries = values.retries === undefined ? 3 : Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 20)
    throw usage(`--retries takes a whole number from 0 to 20`);
  if (name === 'encrypt' && !values.recipient?.length) {
    throw new OepError('E_NO_RECIPIENT', 'encrypt needs at least one --recipient', {
      hint: 'give the public key to encrypt for: --recipient jwe:pub.pem',
    });
  }
  if (name === 'decrypt' && !values.key?.length)
    throw usage('decrypt needs at least one --key FILE (a private key)');
  const cmd: Command = {
    name,
    ...(values.layout !== undefined ? { layout: values.layout } : {}),
    recipients: values.recipient ?? [],
    keys: values.key ?? [],
    json: values.json === true,
    tags: values.tag ?? [],
    tlsVerify: bool('tls-verify', values['tls-verify'], true),
    passwordStdin: values['password-stdin'] === true,
    retries,
    verify: bool('verify', values.verify, true),
    attestations: parseAttestationMode(values.attestations),
  };
  if (values.image !== undefined) cmd.image = values.image;
  if (values['ca-file'] !== undefined) cmd.caFile = values['ca-file'];
  if (values.username !== undefined) cmd.username = values.username;
  if (values['ref-name'] !== undefined) cmd.refName = values['ref-name'];
  if (values.output !== undefined) cmd.output = values.output;
  if (values['encrypt-layers'] !== undefined) cmd.encryptLayers = values['encrypt-layers'];
  if (values.platform?.length) cmd.platforms = values.platform.join(',');
  if (values['digest-file'] !== undefined) cmd.digestFile = values['digest-file'];
  if (values.report !== undefined) cmd.report = values.report;
  return cmd;
}
