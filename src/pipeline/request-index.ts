/**
 * The inputs of a fan-out/fan-in build (docker/build-push-action's "distribute build across multiple runners"):
 * `push-by-digest` (each matrix job pushes its platform untagged) and what only `index` has, its sources (each
 * platform's image by digest, listed or as a folder of digest files) and require-encrypted. The checks and
 * messages of request.ts, for that side of the contract.
 */
import { basename } from 'node:path';
import { OepError } from '../errors.js';
import { MAX_DIGEST_FILE, MAX_FOLDER_ENTRIES, readFolderFiles } from '../host/files.js';
import {
  formatReference,
  parseReference,
  repositoryName,
  resolveTag,
  type Reference,
} from '../registry/reference.js';
import type { RequestStrings } from './request.js';
import { imageFrom, inputError, parseBool } from './request-values.js';

/**
 * push-by-digest: blobs and manifests pushed and verified, no tag. A tag asked for as well is refused rather than
 * ignored: the run would exit 0 with a tag the user expects missing, and a later step would pull something else.
 */
export function pushByDigestFrom(s: RequestStrings): boolean {
  if (!parseBool('push-by-digest', s['push-by-digest'], false)) return false;
  const tags = (s.tags ?? []).filter((t) => t.trim() !== '');
  const hint =
    'give image as REGISTRY/REPOSITORY alone and tag the index that assembles the platforms: oci-encrypt-push index --image REPO:TAG; or set push-by-digest to false';
  if (tags.length) {
    throw inputError('tags', `${tags.join(', ')}: push-by-digest is true, so nothing is tagged`, hint);
  }
  const image = (s.image ?? '').trim();
  if (!image) {
    throw inputError(
      'image',
      'is empty, but push-by-digest is true: there is no repository to push to',
      hint,
    );
  }
  const tag = parseReference(image).tag;
  if (tag)
    throw inputError('image', `names the tag ${tag}, but push-by-digest is true: nothing is tagged`, hint);
  return true;
}

const SOURCE_HINT =
  "give each platform's image as REGISTRY/REPOSITORY@sha256:…, or a bare sha256:… in the image's repository, or a folder of digest files: --digests-dir DIR";

/** A digest alone is in the image's repository; anything else is a full reference by digest in its registry. */
function sourceRef(value: string, main: Reference, file: string | undefined): string {
  const v = value.trim();
  const from = file ? `${file}: ${v}` : v;
  if (/^sha256:[0-9a-f]{64}$/.test(v)) return `${repositoryName(main)}@${v}`;
  // It would parse as the Docker Hub image library/sha256 with the rest for its tag.
  if (/^sha\d+:/i.test(v))
    throw inputError('sources', `${from} is not a digest: sha256: and 64 hex digits`, SOURCE_HINT);
  let ref: Reference;
  try {
    ref = parseReference(v);
  } catch (err) {
    if (err instanceof OepError)
      throw inputError('sources', `${file ? `${file}: ` : ''}${err.message}`, SOURCE_HINT);
    throw err;
  }
  if (!ref.digest) {
    throw inputError(
      'sources',
      `${from} names no digest: an index lists exact images, and a tag can move`,
      SOURCE_HINT,
    );
  }
  if (ref.registry !== main.registry) throw otherRegistry(from, 'sources', main);
  return formatReference({ ...ref, tag: undefined } as Reference);
}

/** An index is assembled where its parts are: blobs are mounted within the registry, never copied across. */
function otherRegistry(what: string, input: 'sources' | 'tags', main: Reference): OepError {
  return new OepError(
    'E_IMAGE_REF',
    `${input}: ${what} is in another registry than the image (${main.registry}): an index is assembled in one registry, its blobs mounted there, never copied across`,
    {
      hint: `push every platform to ${main.registry} by digest, or copy it there with skopeo copy --all, and list it from there`,
    },
  );
}

/**
 * A digest file, as matrix jobs upload them: named by the digest (`<hex>`, `sha256:<hex>`, `sha256-<hex>`;
 * docker/build-push-action's recipe touches an empty `<hex>`), or holding one digest or REPO@digest.
 */
function digestOfFile(f: { name: string; text: string }, dir: string): string {
  const m = /^(?:sha256[:-])?([0-9a-f]{64})$/.exec(basename(f.name));
  const text = f.text.trim();
  const where = `${dir}/${f.name}`;
  if (m) {
    const d = `sha256:${m[1]!}`;
    if (text && text !== d && !text.endsWith(`@${d}`)) {
      throw inputError(
        'digests-dir',
        `${where} is named by ${d} but holds ${JSON.stringify(text.slice(0, 80))}`,
      );
    }
    return text.endsWith(`@${d}`) ? text : d;
  }
  if (!text || /\s/.test(text)) {
    throw inputError(
      'digests-dir',
      `${where} is neither named by a digest nor holds one`,
      'each file is named sha256:<hex>, sha256-<hex> or <hex> (empty), or holds one sha256:… or REPO@sha256:…; keep nothing else in the folder',
    );
  }
  return text;
}

const DIR_HINT = 'give the folder the digest artifacts were downloaded to';

/** What readFolderFiles refuses, said for the user: why, and the fix. */
const FOLDER_ERRORS: Record<string, [string, string]> = {
  EISDIR: ['is a folder two levels down', DIR_HINT],
  ELOOP: ['is a symbolic link', 'links are not followed: copy the digest files themselves into the folder'],
  EFBIG: [`is larger than ${MAX_DIGEST_FILE / 1024} KiB: not a digest file`, DIR_HINT],
  EINVAL: ['is not a regular file', DIR_HINT],
  ETOOMANY: [`holds more than ${MAX_FOLDER_ENTRIES} entries`, `${DIR_HINT}: one digest file per platform`],
};

function digestFiles(dir: string): { value: string; file?: string }[] {
  let files: { name: string; text: string }[];
  try {
    files = readFolderFiles(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { entry?: string };
    const [why, hint] = FOLDER_ERRORS[e.code ?? ''] ?? [`cannot be read (${e.code ?? 'error'})`, DIR_HINT];
    throw inputError('digests-dir', `${e.entry ? `${dir}/${e.entry}` : dir} ${why}`, hint);
  }
  if (files.length === 0) throw inputError('digests-dir', `${dir} holds no digest file`, SOURCE_HINT);
  return files.map((f) => ({ value: digestOfFile(f, dir), file: `${dir}/${f.name}` }));
}

/** The index's repository (and tags) and its sources, all in the image's registry, checked before any network. */
export function indexSource(s: RequestStrings): { image: string; tags: string[]; sources: string[] } {
  const { image, tags } = imageFrom({ image: s.image, tags: s.tags ?? [] });
  if (!image)
    throw inputError('image', 'is required: the repository the index goes to', 'give --image REPO[:TAG]');
  const main = parseReference(image);
  for (const t of tags) {
    if (t.trim() && resolveTag(t, main).registry !== main.registry)
      throw otherRegistry(t.trim(), 'tags', main);
  }
  const listed = (s.sources ?? []).map((v) => v.trim()).filter(Boolean);
  const dir = (s['digests-dir'] ?? '').trim();
  if (listed.length && dir) {
    throw inputError(
      'sources',
      'and digests-dir are both set',
      'give the sources or the folder of digest files',
    );
  }
  if (!listed.length && !dir) {
    throw inputError('sources', 'is empty and so is digests-dir: nothing to put in the index', SOURCE_HINT);
  }
  const raw: { value: string; file?: string }[] = dir ? digestFiles(dir) : listed.map((value) => ({ value }));
  return { image, tags, sources: raw.map((r) => sourceRef(r.value, main, r.file)) };
}

export function requireEncryptedFrom(s: RequestStrings): boolean {
  return parseBool('require-encrypted', s['require-encrypted'], true);
}
