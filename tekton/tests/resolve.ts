/**
 * Remote references back into this catalog, resolved to the files here. The samples refer to our Tasks and
 * StepAction the way users do (the git resolver at a release tag, or the release's Tekton bundle by digest);
 * resolving them locally keeps the samples checked against what they call, and a reference to a path or a name
 * the catalog does not have is caught here rather than by a user's failed PipelineRun.
 *
 * - git resolver: params url (this repository), revision, pathInRepo: the file at pathInRepo;
 * - bundles resolver: params bundle (the release bundle's repository, by tag and digest), name, kind.
 *
 * A reference elsewhere (another repository, Artifact Hub) is not ours: undefined.
 */
import { join } from 'node:path';
import { isObject } from './schema.js';

/** Where users fetch the catalog from: this repository, and the Tekton bundle each release pushes. */
export const GIT_URL = 'https://github.com/oci-encrypt-push/oci-encrypt-push.git';
export const BUNDLE_REPOSITORY = 'ghcr.io/oci-encrypt-push/oci-encrypt-push/tekton-bundle';

export type LocalRef =
  | { resolver: 'git'; revision: string; pathInRepo: string; file: string }
  | { resolver: 'bundles'; bundle: string; kind: string; name: string };

function resolverParams(ref: Record<string, unknown>): Map<string, unknown> {
  const params = Array.isArray(ref.params) ? ref.params.filter(isObject) : [];
  return new Map(params.map((p) => [String(p.name), p.value]));
}

/** The part of this catalog a taskRef or step ref names through a resolver; undefined when it is not ours. */
export function localRef(ref: unknown, root: string): LocalRef | undefined {
  if (!isObject(ref)) return undefined;
  const p = resolverParams(ref);
  const str = (k: string) => (typeof p.get(k) === 'string' ? (p.get(k) as string) : '');
  if (ref.resolver === 'git' && str('url') === GIT_URL) {
    const pathInRepo = str('pathInRepo');
    return { resolver: 'git', revision: str('revision'), pathInRepo, file: join(root, pathInRepo) };
  }
  const bundle = str('bundle');
  const ours = bundle.startsWith(BUNDLE_REPOSITORY) && /^[:@]/.test(bundle.slice(BUNDLE_REPOSITORY.length));
  if (ref.resolver === 'bundles' && ours)
    return { resolver: 'bundles', bundle, kind: str('kind') || 'task', name: str('name') };
  return undefined;
}

/** Whether doc is what ref names (kind: Task or StepAction, as the bundles resolver spells it in lower case). */
export function refersTo(ref: LocalRef, doc: { file: string; kind: string; name: string }): boolean {
  return ref.resolver === 'git'
    ? ref.file === doc.file
    : ref.kind === doc.kind.toLowerCase() && ref.name === doc.name;
}
