/**
 * One request for every front end. The CLI maps argv, the Action maps its inputs, the Tekton step maps params
 * and workspaces to CLI flags: each hands the raw strings, keyed by the contract's names, to fromStrings(),
 * which owns every check, every default and every error message. So a bad value fails the same way everywhere.
 */
import { OepError } from '../errors.js';
import { parseAttestationMode, type AttestationMode } from './attestations.js';
import type { KbsRegistrar } from './kbs.js';
import { parseConfigSecretsMode, type ConfigSecretsMode } from './config-check.js';
import type { Recipient } from './keys.js';
import type { CommandRunner } from '../registry/command.js';
import { providersFor, type Providers } from './providers.js';
import type { RegistryOptions } from './registry-session.js';
import {
  caFrom,
  imageFrom,
  inputError,
  kbsFrom,
  parseBool,
  platformsFrom,
  recipientsFrom,
  retriesFrom,
  writablePath,
  type InputName,
} from './request-values.js';
import { indexSource, pushByDigestFrom, requireEncryptedFrom } from './request-index.js';
import { rewrapSource } from './request-rewrap.js';
import { checkRecipientPins, parseExpectedRecipients } from './recipient-pins.js';
import { parseLayerList } from './selection.js';
import { verifyKeysFrom, type VerifyKey } from './verify-keys.js';

export * from './request-values.js';
export { recipientFingerprint } from './recipient-pins.js';

export type Command = 'encrypt' | 'decrypt' | 'inspect' | 'rewrap' | 'index';

/** The raw inputs, as a front end read them: lists already split, everything else as given. */
export type RequestStrings = Partial<
  Record<Exclude<InputName, 'tags' | 'recipients' | 'sources'>, string>
> & {
  tags?: string[];
  recipients?: string[];
  sources?: string[];
};

/** Where the result goes besides the front end's own outputs. */
export interface ResultFiles {
  digestFile?: string;
  report?: string;
  /** Tekton's IMAGE_DIGEST, IMAGE_URL, IMAGE_REF and IMAGES files. */
  resultsDir?: string;
}

export interface Request {
  command: Command;
  /** The layout to read; for decrypt and inspect, this or `image`. */
  layout?: string;
  refName?: string;
  /** Where to push (encrypt, rewrap) or read from (decrypt, inspect). */
  image?: string;
  /** rewrap: the registry image to read (`--from`), instead of a layout. */
  from?: string;
  /** rewrap: re-encrypt every encrypted layer with fresh keys (new blobs) instead of rewrapping its key. */
  rekey?: boolean;
  tags: string[];
  output?: string;
  /** encrypt: push blobs and manifests by digest, tag nothing (push-by-digest). */
  pushByDigest?: boolean;
  /** index: each platform's image, `registry/repository@digest`, all in the image's registry. */
  sources?: string[];
  /** index: refuse a source manifest with a plaintext layer (require-encrypted, default true). */
  requireEncrypted?: boolean;
  recipients: Recipient[];
  encryptLayers?: number[];
  platforms?: ReturnType<typeof platformsFrom>;
  attestations: AttestationMode;
  verify: boolean;
  showSummary: boolean;
  /** How to reach a registry, used when `image` is set. */
  registry: RegistryOptions;
  results: ResultFiles;
  /** Key providers (`provider:NAME`), configured by keyprovider-config: for a decrypt's keys too. */
  providers: Providers;
  /** The KBS (kbs-url, kbs-admin-key) that is to hold the KEKs made for the recipients, before any tag. */
  kbs?: KbsRegistrar;
  /** The decryptability gate's keys (verify-private-keys): what landed must open for each. */
  verifyKeys: VerifyKey[];
  /** The config-leak check (config-secrets). */
  configSecrets: ConfigSecretsMode;
}

/** What only the host knows: the environment credentials are looked up in, and who is asking. */
export interface RequestHost {
  env: Record<string, string | undefined>;
  userAgent: string;
  /** Runs key-provider commands (the Action: @actions/exec); node:child_process when left out. */
  runCommand?: CommandRunner;
}

/**
 * Key providers as configured; OCI_ENCRYPT_PUSH_KEYPROVIDER_TIMEOUT (seconds) bounds each call, and
 * OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT=1 allows plaintext gRPC to a provider off this machine.
 */
function providers(s: RequestStrings, host: RequestHost, kbs?: KbsRegistrar): Providers {
  const seconds = Number(host.env.OCI_ENCRYPT_PUSH_KEYPROVIDER_TIMEOUT ?? '');
  return providersFor({
    ...(s['keyprovider-config'] ? { config: s['keyprovider-config'] } : {}),
    ...(kbs ? { kbs } : {}),
    env: host.env,
    allowPlaintext: ['1', 'true'].includes(
      (host.env.OCI_ENCRYPT_PUSH_KEYPROVIDER_PLAINTEXT ?? '').trim().toLowerCase(),
    ),
    ...(host.runCommand ? { runCommand: host.runCommand } : {}),
    // At most an hour: past 2^31 ms a Node timer fires at once, and no provider answer takes longer.
    ...(seconds > 0 ? { timeoutMs: Math.min(seconds, 3600) * 1000 } : {}),
  });
}

function usage(message: string): OepError {
  return new OepError('E_USAGE', message, { hint: 'run oci-encrypt-push --help' });
}

/** Push or layout: encrypt needs a layout and an image or output; decrypt and inspect read one source. */
function source(
  command: Command,
  s: RequestStrings,
): Pick<Request, 'layout' | 'from' | 'image' | 'tags' | 'output' | 'pushByDigest' | 'sources'> {
  if (command === 'rewrap') return rewrapSource(s);
  if (command === 'index') return indexSource(s);
  const layout = (s.layout ?? '').trim() || undefined;
  const output = (s.output ?? '').trim() || undefined;
  if (command === 'decrypt' || command === 'inspect') {
    const image = (s.image ?? '').trim() || undefined;
    if (!layout === !image) throw usage(`${command} needs either --layout PATH or --image REF`);
    if (command === 'decrypt' && !output) throw usage('decrypt needs --output DIR');
    return {
      ...(layout ? { layout } : {}),
      ...(image ? { image } : {}),
      tags: [],
      ...(output ? { output } : {}),
    };
  }
  if (!layout) {
    throw inputError(
      'layout',
      'is required',
      'the OCI layout folder or .tar your build step wrote (--layout PATH)',
    );
  }
  // Before imageFrom, which would take a full reference among the tags for the image.
  const pushByDigest = pushByDigestFrom(s);
  const { image, tags } = imageFrom({ image: s.image, tags: s.tags ?? [] });
  if (!image && !output) {
    throw inputError(
      'image',
      'is empty and so is output: nothing to do',
      'set image (push) or output (write a layout), or both: --image REPO[:TAG], --output DIR',
    );
  }
  return {
    layout,
    ...(image ? { image } : {}),
    tags,
    ...(output ? { output } : {}),
    ...(pushByDigest ? { pushByDigest } : {}),
  };
}

function registry(s: RequestStrings, host: RequestHost): RegistryOptions {
  const ca = caFrom(s['ca-cert']);
  return {
    tlsVerify: parseBool('tls-verify', s['tls-verify'], true),
    ...(ca ? { ca } : {}),
    ...(s.username ? { username: s.username } : {}),
    ...(s.password ? { password: s.password } : {}),
    retries: retriesFrom(s.retries),
    env: host.env,
    userAgent: host.userAgent,
  };
}

function results(s: RequestStrings): ResultFiles {
  const out: ResultFiles = {};
  const digestFile = writablePath('digest-file', s['digest-file']);
  const report = writablePath('report', s.report);
  const resultsDir = writablePath('results-dir', s['results-dir']);
  if (digestFile) out.digestFile = digestFile;
  if (report) out.report = report;
  if (resultsDir) out.resultsDir = resultsDir;
  return out;
}

/** The recipients of an encryption, held to expect-recipients when it lists any: before anything is encrypted. */
function encryptRecipients(s: RequestStrings, providers: Providers): Recipient[] {
  const expected = parseExpectedRecipients(s['expect-recipients']);
  const recipients = recipientsFrom(
    { 'public-keys': s['public-keys'], recipients: s.recipients ?? [] },
    providers,
  );
  if (expected) checkRecipientPins(recipients, expected);
  return recipients;
}

function kbsUnused(): OepError {
  return inputError(
    'kbs-url',
    'is set, but no recipient takes its KEK from the KBS',
    'add the recipient provider:attestation-agent (or provider:attestation-agent:keyid=kbs:///REPO/TYPE/TAG), without keypath; or leave out kbs-url and kbs-admin-key',
  );
}

/** Strings → a checked request, in the order a user would fix them. Reads only the key and CA files named. */
export function fromStrings(command: Command, s: RequestStrings, host: RequestHost): Request {
  const where = source(command, s);
  const refName = (s['ref-name'] ?? '').trim();
  const kbs = command === 'encrypt' ? kbsFrom(s['kbs-url'], s['kbs-admin-key']) : undefined;
  const keyProviders = providers(s, host, kbs);
  const recipients = command === 'encrypt' || command === 'rewrap' ? encryptRecipients(s, keyProviders) : [];
  if (kbs && !kbs.used) throw kbsUnused();
  const verifyKeys =
    command === 'encrypt' ? verifyKeysFrom(s['verify-private-keys'], host.env, keyProviders) : [];
  const configSecrets = parseConfigSecretsMode(s['config-secrets']);
  const encryptLayers = parseLayerList(s['encrypt-layers']);
  const platforms = platformsFrom(s.platforms);
  const verify = parseBool('verify', s.verify, true);
  const reg = registry(s, host);
  const showSummary = parseBool('show-summary', s['show-summary'], true);
  const attestations = parseAttestationMode(s.attestations);
  return {
    command,
    ...where,
    ...(refName ? { refName } : {}),
    ...(command === 'rewrap' ? { rekey: parseBool('rekey', s.rekey, false) } : {}),
    ...(command === 'index' ? { requireEncrypted: requireEncryptedFrom(s) } : {}),
    recipients,
    ...(encryptLayers ? { encryptLayers } : {}),
    ...(platforms ? { platforms } : {}),
    attestations,
    verify,
    showSummary,
    registry: reg,
    results: results(s),
    providers: keyProviders,
    ...(kbs ? { kbs } : {}),
    verifyKeys,
    configSecrets,
  };
}
