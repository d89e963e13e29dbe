/**
 * The documents of a push: every manifest by digest, children first, in every repository; then, last of all,
 * the tags. The registry's digest for each must be ours.
 */
import type { Descriptor } from '../oci/model.js';
import { RegistryError } from './errors.js';
import type { PushContent, PushOptions, PushTarget } from './push.js';
import { repositoryName } from './reference.js';
import { retryOperation } from './retry.js';

/** One target per repository (tags of the same repository share its content). */
export function distinctRepositories(targets: PushTarget[]): PushTarget[] {
  const seen = new Map<string, PushTarget>();
  for (const t of targets) if (!seen.has(repositoryName(t.ref))) seen.set(repositoryName(t.ref), t);
  return [...seen.values()];
}

/** Every manifest, children first, by digest, to every repository; the registry's digest must be ours. */
export async function pushManifests(
  targets: PushTarget[],
  manifests: PushContent['manifests'],
  opts: PushOptions,
): Promise<void> {
  for (const { ref, client } of distinctRepositories(targets)) {
    const name = repositoryName(ref);
    for (const m of manifests) {
      await retryOperation(`manifest ${m.desc.digest.slice(0, 19)} to ${name}`, opts.retry, async () => {
        const got = await client.putManifest(ref.repository, m.desc.digest, m.bytes, m.desc.mediaType);
        if (got && got !== m.desc.digest) {
          throw new RegistryError('E_VERIFY', `${name} stored manifest ${m.desc.digest} as ${got}`);
        }
      });
    }
  }
}

/** Point every tag at the root's exact bytes; each answer must carry the same digest. */
export async function pushTags(
  targets: PushTarget[],
  root: { desc: Descriptor; bytes: Buffer },
  opts: PushOptions,
): Promise<void> {
  for (const { ref, client } of targets) {
    if (!ref.tag) continue;
    await retryOperation(`tag ${ref.tag} of ${repositoryName(ref)}`, opts.retry, async () => {
      const got = await client.putManifest(ref.repository, ref.tag!, root.bytes, root.desc.mediaType);
      if (got && got !== root.desc.digest) {
        throw new RegistryError(
          'E_VERIFY',
          `${repositoryName(ref)}:${ref.tag} was stored as ${got}, not ${root.desc.digest}`,
        );
      }
    });
  }
}
