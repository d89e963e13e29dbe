/**
 * keyprovider-tools: key-provider releases fetched with @actions/tool-cache and put on PATH, so a key-provider
 * configuration can name the bare command. The download's SHA-256 is checked before anything is extracted or
 * run; a mismatch fails the step with nothing added to PATH. The cache holds each tool by name and version
 * (inputs.ts toolIdentity) with its digest beside it (`<folder>.sha256`): a later run with the same digest uses
 * it without a download; another digest downloads again. The URL's query string and user info may carry a
 * token: they are masked, and messages show the URL without them.
 */
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as tc from '@actions/tool-cache';
import { OepError } from '../errors.js';
import { shownUrl, type ToolSpec } from './inputs.js';

const HINT = 'check the URL and its #sha256= in keyprovider-tools: the digest must be the file as served';

/** Download, verify, cache and add to PATH each tool, in order; returns the folders added. */
export async function installTools(specs: ToolSpec[], log: (line: string) => void): Promise<string[]> {
  if (specs.length && !process.env.RUNNER_TOOL_CACHE) {
    throw new OepError('E_USAGE', 'keyprovider-tools needs RUNNER_TOOL_CACHE, which the runner sets', {
      hint: 'run the Action on a GitHub runner, or set RUNNER_TOOL_CACHE to a folder',
    });
  }
  const folders: string[] = [];
  for (const spec of specs) {
    const { name, version } = spec;
    let folder = cached(spec);
    if (folder) log(`keyprovider-tools: ${name} ${version} from the tool cache`);
    else {
      folder = await download(spec);
      log(`keyprovider-tools: ${name} ${version} downloaded from ${shownUrl(spec.url)}, sha256 verified`);
    }
    folders.push(folder);
  }
  // Only once every tool is in place: a failed one leaves PATH as it was.
  for (const folder of folders) core.addPath(folder);
  return folders;
}

/** The cached folder of this tool when it holds the same digest. */
function cached(spec: ToolSpec): string | undefined {
  const folder = tc.find(spec.name, spec.version);
  if (!folder) return undefined;
  const marker = `${folder}.sha256`;
  return existsSync(marker) && readFileSync(marker, 'utf8').trim() === spec.sha256 ? folder : undefined;
}

async function download(spec: ToolSpec): Promise<string> {
  const shown = shownUrl(spec.url);
  for (const secret of [spec.url.search.slice(1), decodeURIComponent(spec.url.password)]) {
    if (secret) core.setSecret(secret);
  }
  let file: string;
  try {
    file = await tc.downloadTool(spec.url.href);
  } catch (err) {
    const why = err instanceof tc.HTTPError ? `HTTP ${err.httpStatusCode}` : (err as Error).message;
    throw new OepError('E_PROVIDER', `keyprovider-tools: ${shown} could not be downloaded (${why})`, {
      hint: HINT,
    });
  }
  try {
    const got = await sha256File(file);
    if (got !== spec.sha256) {
      throw new OepError(
        'E_PROVIDER',
        `keyprovider-tools: ${shown} has sha256 ${got}, not the ${spec.sha256} given; nothing was extracted or run`,
        { hint: HINT },
      );
    }
    const folder = await cache(spec, file);
    writeFileSync(`${folder}.sha256`, `${spec.sha256}\n`);
    return folder;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Extract (or, for a bare binary, make executable) and copy into the tool cache. */
async function cache(spec: ToolSpec, file: string): Promise<string> {
  if (spec.kind === 'file') {
    const folder = await tc.cacheFile(file, spec.file, spec.name, spec.version);
    await chmod(join(folder, spec.file), 0o755);
    return folder;
  }
  const extracted = spec.kind === 'tar' ? await tc.extractTar(file) : await tc.extractZip(file);
  try {
    return await tc.cacheDir(singleFolder(extracted), spec.name, spec.version);
  } finally {
    rmSync(extracted, { recursive: true, force: true });
  }
}

/** Releases often wrap their files in one folder (`name-v1.2.3-linux-amd64/`): the tool is what it holds. */
function singleFolder(dir: string): string {
  const entries = readdirSync(dir);
  const only = entries.length === 1 ? join(dir, entries[0]!) : undefined;
  return only && statSync(only).isDirectory() ? only : dir;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
