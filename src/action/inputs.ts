/**
 * The Action's inputs: read once by getInputs (main.ts) into strings keyed by the action.yml names, then handed
 * to the one request layer (pipeline/request.ts), which checks them the way the CLI and Tekton are checked.
 */
import { OepError } from '../errors.js';
import { fromStrings, type InputName, type Request, type RequestStrings } from '../pipeline/request.js';
import { execCommand } from './command.js';

export type Inputs = Record<Exclude<ActionInput, 'tags' | 'recipients'>, string> & {
  tags: string[];
  recipients: string[];
};

/** The action.yml inputs: the request's names but the CLI-only and index-only ones, and the Action's own. */
export type ActionInput =
  | Exclude<InputName, 'report' | 'results-dir' | 'sources' | 'digests-dir' | 'require-encrypted'>
  | 'keyprovider-tools';

/** Lists (tags, recipients) come newline- or comma-separated, as docker/metadata-action writes them. */
export function splitList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Inputs → the checked request: pure but for reading the key and CA files the inputs name. */
export function optionsFrom(inputs: Inputs, env: Record<string, string | undefined>): Request {
  // keyprovider-tools is the Action's own (installTools), done before the request is built.
  const { 'keyprovider-tools': _tools, ...strings }: RequestStrings & Pick<Inputs, 'keyprovider-tools'> =
    inputs;
  return fromStrings('encrypt', strings, {
    env,
    userAgent: 'oci-encrypt-push-action',
    runCommand: execCommand,
  });
}

/** One line of keyprovider-tools: a provider release to download, and the SHA-256 it must have. */
export interface ToolSpec {
  url: URL;
  sha256: string;
  /** The last segment of the URL's path: the command's name for a bare binary. */
  file: string;
  kind: 'tar' | 'zip' | 'file';
  /** The tool cache's name and version for it (toolIdentity). */
  name: string;
  version: string;
}

/**
 * keyprovider-tools → tool specs: one `URL#sha256=HEX` a line; blank lines and `#` comments are skipped. Only
 * http(s). A message quotes the URL without its query string or user info (they may carry a token).
 */
export function parseToolLines(value: string): ToolSpec[] {
  const specs: ToolSpec[] = [];
  for (const [i, raw] of value.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = `keyprovider-tools line ${i + 1}`;
    const hint = 'write one URL#sha256=HEX a line: an http(s) URL and the SHA-256 of the file it serves';
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      throw new OepError('E_USAGE', `${at}: not a URL`, { hint });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new OepError('E_USAGE', `${at}: ${url.protocol} URLs are not downloaded, only http(s)`, { hint });
    }
    const m = /^#sha256=([0-9a-fA-F]{64})$/.exec(url.hash);
    if (!m)
      throw new OepError('E_USAGE', `${at}: ${shownUrl(url)} has no #sha256=HEX (64 hex digits)`, { hint });
    url.hash = '';
    const file = decodeURIComponent(url.pathname.slice(url.pathname.lastIndexOf('/') + 1));
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(file)) {
      throw new OepError('E_USAGE', `${at}: ${shownUrl(url)} does not end in a file name`, { hint });
    }
    const sha256 = m[1]!.toLowerCase();
    specs.push({ url, sha256, file, ...toolIdentity(file, sha256) });
  }
  return specs;
}

/** A URL as logs and messages may show it: no user info, no query string, no fragment. */
export function shownUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

const ARCHIVES: [RegExp, ToolSpec['kind']][] = [
  [/\.(tar\.gz|tgz)$/i, 'tar'],
  [/\.zip$/i, 'zip'],
];

/**
 * The tool cache's name and version, from the file name: the archive extension (.tar.gz, .tgz, .zip) comes off;
 * the version is the first `-X.Y[.Z]` or `_X.Y[.Z]` (a `v` before it allowed, a missing patch is 0) and the name
 * is what precedes it: `kms-keyprovider-v1.2.3-linux-amd64.tar.gz` → kms-keyprovider 1.2.3. Without a version
 * there: the name is the whole (extension-less) file name and the version `0.0.0-sha256-` and the digest's first
 * 12 hex digits. Either way the cache entry is checked against the digest before use.
 */
export function toolIdentity(file: string, sha256: string): Pick<ToolSpec, 'kind' | 'name' | 'version'> {
  const archive = ARCHIVES.find(([re]) => re.test(file));
  const kind = archive?.[1] ?? 'file';
  const stem = archive ? file.replace(archive[0], '') : file;
  const m = /^(.+?)[-_]v?(\d+)\.(\d+)(?:\.(\d+))?(?=$|[-_.+])/.exec(stem);
  if (m) return { kind, name: m[1]!, version: `${+m[2]!}.${+m[3]!}.${+(m[4] ?? 0)}` };
  return { kind, name: stem, version: `0.0.0-sha256-${sha256.slice(0, 12)}` };
}
