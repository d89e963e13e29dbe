/**
 * Image references, parsed once into a typed value (the docker reference grammar, as distribution/reference
 * and go-containerregistry's name package read it): `[registry/]repository[:tag][@digest]`, where a first
 * component with a dot, a colon or `localhost` is a registry, and Docker Hub names get `library/`.
 */
import { OepError } from '../errors.js';
import { parseDigest } from '../oci/digest.js';

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's API lives on another host than its name. */
const DOCKER_HUB_API = 'registry-1.docker.io';
/** The key docker login writes Docker Hub credentials under. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface Reference {
  /** As users write it: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  /** Host (and port) to talk to. */
  apiHost: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;

function bad(input: string, why: string): OepError {
  return new OepError('E_IMAGE_REF', `invalid image reference ${JSON.stringify(input)}: ${why}`, {
    hint: 'write REGISTRY/REPOSITORY[:TAG], e.g. ghcr.io/org/app:v1 or localhost:5000/app',
  });
}

function isRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[');
}

export function parseReference(input: string): Reference {
  const s = input.trim();
  if (s === '') throw bad(input, 'it is empty');
  if (/[A-Z]/.test(s.split(/[:@]/)[0]!.split('/').slice(1).join('/'))) {
    throw bad(input, 'repository names must be lowercase');
  }
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    try {
      parseDigest(digest, input);
    } catch {
      throw bad(input, `${digest} is not a digest`);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(input, `${JSON.stringify(tag)} is not a valid tag`);
  }
  const parts = rest.split('/');
  let registry = DOCKER_HUB;
  if (parts.length > 1 && isRegistry(parts[0]!)) {
    registry = parts.shift()!.toLowerCase(); // host names are case-insensitive; credentials match them exactly
    if (!HOST.test(registry) || !URL.canParse(`https://${registry}/`)) {
      // URL.canParse catches what the pattern lets through: ports above 65535, malformed IPv6 literals.
      throw bad(input, `${JSON.stringify(registry)} is not a valid registry host`);
    }
  }
  if (registry === 'index.docker.io' || registry === DOCKER_HUB_API) registry = DOCKER_HUB;
  if (parts.some((p) => !COMPONENT.test(p)))
    throw bad(input, 'repository names are lowercase letters, digits and . _ - separators');
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (repository.length > 255) throw bad(input, 'the repository name is longer than 255 characters');
  const ref: Reference = {
    registry,
    apiHost: registry === DOCKER_HUB ? DOCKER_HUB_API : registry,
    repository,
  };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `registry/repository` (the image name, no tag). */
export function repositoryName(ref: Pick<Reference, 'registry' | 'repository'>): string {
  return `${ref.registry}/${ref.repository}`;
}

export function formatReference(ref: Reference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/**
 * Extra tags: bare tags go to the main repository; full references may name other repositories (as
 * docker/metadata-action's `tags` output does). Digests are not tags.
 */
export function resolveTag(tag: string, main: Reference): Reference {
  const t = tag.trim();
  if (TAG.test(t)) return { ...main, tag: t, digest: undefined } as Reference;
  // `sha256:<hex>` would otherwise parse as the Docker Hub image library/sha256 with the hex as its tag.
  if (/^sha(256|384|512):/i.test(t)) throw bad(t, 'a tag cannot be a digest');
  // With no `/`, `:` or `@` it can only have been meant as a tag: never read it as a Docker Hub repository.
  if (!/[/:@]/.test(t)) {
    throw bad(t, 'tags are up to 128 letters, digits, _ . -, and do not start with . or -');
  }
  const ref = parseReference(t);
  if (ref.digest) throw bad(t, 'a tag cannot be a digest reference');
  return { ...ref, tag: ref.tag ?? 'latest' };
}
