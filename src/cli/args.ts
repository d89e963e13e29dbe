/** Command-line parsing: argv → one typed command. No I/O besides what the caller passes in. */
import { parseArgs } from 'node:util';
import { OepError } from '../errors.js';
import type { RequestStrings } from '../pipeline/request.js';

export const USAGE = `Usage:
  oci-encrypt-push encrypt --layout PATH [--ref-name NAME]
                           (--output DIR | --image REPO[:TAG] [--tag TAG]... [--output DIR] | --image REPO
                           --push-by-digest)
                           (--recipient [jwe:]FILE | provider:NAME[:PARAMS])... [--encrypt-layers LIST]
                           [--platform LIST] [--attestations drop|keep] [--keyprovider-config FILE]
                           [--kbs-url URL --kbs-admin-key FILE]
                           [--verify-key PRIV]... [--expect-recipients FP,...] [--config-secrets warn|fail|off]
                           [--tls-verify=false] [--ca-file PEM] [--username U --password-stdin]
                           [--retries N] [--verify=false] [--digest-file F] [--report F] [--results-dir DIR]
                           [--json]
  oci-encrypt-push decrypt (--layout PATH [--ref-name NAME] | --image REF) (--key FILE[:PASSPHRASE])...
                           --output DIR [--platform LIST] [--digest-file F] [--report F] [--json]
                           [--keyprovider-config FILE] (keys: also --key provider:NAME[:PARAMS])
  oci-encrypt-push inspect (--layout PATH [--ref-name NAME] | --image REF) [--json]
  oci-encrypt-push rewrap  (--layout PATH [--ref-name NAME] | --from REF) (--output DIR | --image REF [--tag T]...)
                           (--key KEY)... (--recipient SPEC)... [--rekey[=false]] [--keyprovider-config FILE]
                           [--expect-recipients FP,...] [--verify=false] [--digest-file F] [--report F]
                           [--results-dir DIR] [--json]
  oci-encrypt-push index   --image REPO[:TAG] [--tag T]... (SOURCE... | --digests-dir DIR)
                           [--require-encrypted=false] [--digest-file F] [--report F] [--results-dir DIR] [--json]
  (with --image or --from, the registry options --tls-verify, --ca-file, --username/--password-stdin, --retries
  apply)

rewrap changes who an encrypted image opens for: every encrypted layer's key is opened with a --key and wrapped
for exactly the --recipient set (to add one, list the old ones and the new; to remove one, leave it out). The
layer blobs stay the same: only manifests are pushed. Removing a recipient this way does NOT revoke anything:
the layer key is unchanged, so whoever downloaded the image (or kept its old manifest) can still decrypt it.
--rekey re-encrypts every encrypted layer with a fresh key (new blobs, streamed, no plaintext on disk): that is
what revocation needs.

Fan-out builds (one job per platform): encrypt --push-by-digest pushes and verifies blobs and manifests with
no tag (--image names the repository alone); index then assembles the platforms into one OCI index, pushes it,
verifies it and tags it last. A SOURCE is REPO@sha256:... or a bare sha256:... in the --image repository;
--digests-dir DIR takes the files there (and one folder down) instead: each named sha256:<hex>, sha256-<hex> or
<hex>, or holding one digest or REPO@digest. Each source manifest is read (an index is flattened), its platform
taken from its index entry or config; two sources for one platform, a source in another registry, or (unless
--require-encrypted=false) a layer that is not encrypted fail before anything is pushed. Blobs in other
repositories of the registry are mounted.

PATH is an OCI layout folder or an OCI archive (.tar). LIST for layers is comma-separated indexes, negative
from the top (-1 is the top layer); empty means all. --results-dir writes IMAGE_DIGEST, IMAGE_URL,
IMAGE_REF and IMAGES files there (Tekton results). Platforms are os/arch[/variant], comma-separated.
BuildKit attestation manifests (SBOM, provenance) cannot be encrypted: --attestations drop (the default) leaves
them out, keep pushes them unencrypted.
provider:NAME is an ocicrypt key provider described in --keyprovider-config FILE (or the file
OCICRYPT_KEYPROVIDER_CONFIG names): {"key-providers": {NAME: {"cmd": {"path", "args"}} | {"grpc": "host:port"}}}.
provider:attestation-agent[:keyid=kbs:///REPO/TYPE/TAG] with no keypath, given --kbs-url URL and
--kbs-admin-key FILE (the KBS's Ed25519 admin key), wraps for a fresh 32-byte KEK registered at that KBS last,
once the image is pushed by digest, verified and gated (or the output written and gated), before any tag.
A key's passphrase can be given as FILE:file=PWFILE or FILE:env=VAR to keep it off the command line.
Release gates: --verify-key PRIV (repeatable; a private key file, as --key takes it): after the push, by digest
and before any tag, every encrypted layer must open with each key and the smallest encrypted layer of each
platform is read back and decrypted, its HMAC checked; else nothing is tagged and no digest is printed (with
--output only: the layout as written, removed on failure). --expect-recipients FP,...: the recipients must be
exactly these, FP = sha256:HEX of the DER public key (a certificate's key) or provider:NAME; checked before
anything is encrypted (a rewrap's --recipient set too). --config-secrets warn|fail|off (default warn): report secret-shaped values in the
plaintext image config (Env, Labels, history) and annotations by where and rule, never the value; fail stops
before anything is written or pushed.
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
  from: { type: 'string' },
  rekey: { type: 'string' },
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
  'results-dir': { type: 'string' },
  'keyprovider-config': { type: 'string' },
  'kbs-url': { type: 'string' },
  'kbs-admin-key': { type: 'string' },
  'verify-key': { type: 'string', multiple: true },
  'expect-recipients': { type: 'string' },
  'config-secrets': { type: 'string' },
  'push-by-digest': { type: 'string' },
  'digests-dir': { type: 'string' },
  'require-encrypted': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Registry options that reading an image (decrypt, inspect) takes too. */
const READ_REGISTRY: OptionName[] = ['tls-verify', 'ca-file', 'username', 'password-stdin', 'retries'];

/** Flags named as the request's inputs (the contract's names): passed through as they are. */
const SAME_NAMES = [
  'layout',
  'ref-name',
  'output',
  'image',
  'encrypt-layers',
  'attestations',
  'tls-verify',
  'username',
  'retries',
  'verify',
  'digest-file',
  'report',
  'results-dir',
  'keyprovider-config',
  'kbs-url',
  'kbs-admin-key',
  'expect-recipients',
  'config-secrets',
  'push-by-digest',
  'digests-dir',
  'require-encrypted',
] as const satisfies readonly OptionName[];

/** The flags only `index` takes (its sources are positional). */
const INDEX_ONLY: OptionName[] = ['digests-dir', 'require-encrypted'];

const ALLOWED: Record<string, OptionName[]> = {
  encrypt: [
    ...SAME_NAMES.filter((n) => !INDEX_ONLY.includes(n)),
    'tag',
    'recipient',
    'platform',
    'ca-file',
    'password-stdin',
    'verify-key',
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
    'keyprovider-config',
    'json',
    ...READ_REGISTRY,
  ],
  inspect: ['layout', 'ref-name', 'image', 'json', ...READ_REGISTRY],
  rewrap: [
    'layout',
    'ref-name',
    'from',
    'output',
    'image',
    'tag',
    'key',
    'recipient',
    'rekey',
    'verify',
    'digest-file',
    'report',
    'results-dir',
    'keyprovider-config',
    'expect-recipients',
    'json',
    ...READ_REGISTRY,
  ],
  index: ['image', 'tag', ...INDEX_ONLY, 'digest-file', 'report', 'results-dir', 'json', ...READ_REGISTRY],
};

/** Boolean flags that take =true/=false; bare, they mean true (so Tekton's FLAG=false passes as --flag=false). */
const BOOLEAN_FLAGS = new Set(['--rekey', '--push-by-digest', '--require-encrypted']);

/** What argv says: the command, the request's strings, and the few things only the CLI has. */
export interface Command {
  name: 'encrypt' | 'decrypt' | 'inspect' | 'rewrap' | 'index' | 'help' | 'version';
  strings: RequestStrings;
  keys: string[];
  json: boolean;
  passwordStdin: boolean;
}

function usage(message: string, hint = 'run oci-encrypt-push --help'): OepError {
  return new OepError('E_USAGE', message, { hint });
}

/**
 * parseArgs refuses option values that start with "-", but layer lists count from the top with -1. A bare
 * boolean flag (`--rekey`) is `--rekey=true`: the request checks the value.
 */
function normalizedArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--encrypt-layers' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--encrypt-layers=${next}`);
      i++;
    } else out.push(BOOLEAN_FLAGS.has(argv[i]!) ? `${argv[i]!}=true` : argv[i]!);
  }
  return out;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: normalizedArgv(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // Node's messages run over several lines; the first one says what is wrong.
    throw usage((err as Error).message.split('\n')[0]!.replace(/\s*To specify.*$/, ''));
  }
}

type Values = ReturnType<typeof parse>['values'];

/** Flags → the request's strings: the CLI's names that differ from the contract's are mapped here, nothing else. */
function requestStrings(v: Values): RequestStrings {
  const s: RequestStrings = { tags: v.tag ?? [], recipients: v.recipient ?? [] };
  for (const k of SAME_NAMES) if (v[k] !== undefined) s[k] = v[k];
  if (v['ca-file'] !== undefined) s['ca-cert'] = v['ca-file'];
  if (v.platform?.length) s.platforms = v.platform.join(',');
  if (v.from !== undefined) s.from = v.from;
  if (v.rekey !== undefined) s.rekey = v.rekey;
  if (v['verify-key']?.length) s['verify-private-keys'] = verifyKeyPaths(v['verify-key']);
  return s;
}

/** --verify-key takes paths only: key text on a command line is visible to every process of the machine. */
function verifyKeyPaths(values: string[]): string {
  for (const v of values) {
    if (v.includes('\n') || v.includes('-----BEGIN') || v.trim().startsWith('{')) {
      throw usage(
        '--verify-key: the value is key text, not the path of a key file',
        'give the path of the private key file',
      );
    }
  }
  return values.join('\n');
}

export function parseCommand(argv: string[]): Command {
  const { values, positionals } = parse(argv);
  const base = { strings: {}, keys: [], json: values.json === true, passwordStdin: false };
  if (values.version) return { name: 'version', ...base };
  if (values.help || positionals.length === 0) return { name: 'help', ...base };
  const [name = '', ...extra] = positionals;
  if (!Object.hasOwn(ALLOWED, name)) throw usage(`unknown command ${JSON.stringify(name)}`);
  // index's sources are its arguments; no other command takes any.
  if (extra.length && name !== 'index') throw usage(`unexpected argument ${JSON.stringify(extra[0])}`);
  for (const opt of Object.keys(values) as OptionName[]) {
    if (opt === 'help' || opt === 'version') continue;
    if (!ALLOWED[name]!.includes(opt)) throw usage(`${name} does not take --${opt}`);
  }
  // On the command line a push is asked for by --image only (the Action may take its repository from `tags`).
  if (values.tag?.length && !values.image) throw usage('--tag goes with --image');
  if (values['kbs-admin-key']?.includes('-----BEGIN')) {
    // Argv is readable by every user of the machine: the key's text must not pass there.
    throw usage(
      '--kbs-admin-key takes the path of the key file, not its text',
      'write the key to a file (mode 0600)',
    );
  }
  return {
    name: name as Command['name'],
    strings: { ...requestStrings(values), ...(name === 'index' ? { sources: extra } : {}) },
    keys: values.key ?? [],
    json: values.json === true,
    passwordStdin: values['password-stdin'] === true,
  };
}
