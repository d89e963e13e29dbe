/**
 * Checks around a push. Before: the credentials may push to every repository. After, by reading back what
 * landed: every manifest byte-identical by digest; every blob present with its size (asked unless the registry
 * committed it under its digest, or showed it with its size, during the push); every layer the run encrypted
 * still carrying its encryption; and every tag pointing at the root's exact bytes. A digest is only reported
 * after the registry has served back what we pushed.
 */
import { mapLimit } from '../limit.js';
import { parseManifestOrIndex, type Descriptor } from '../oci/model.js';
import type { PushContent, PushTarget } from './push.js';
import { repositoryName } from './reference.js';
import { RegistryError } from './errors.js';
import { retryOperation, type RetryPolicy } from './retry.js';

/** Blob checks at once, per repository (the connection pool keeps 8 per registry). */
const CHECKS_AT_ONCE = 8;

/** Push access to every repository of `targets` (once each), checked before any work is done. */
export async function verifyPushAccess(targets: PushTarget[], retry: RetryPolicy): Promise<void> {
  for (const { ref, client } of new Map(targets.map((t) => [repositoryName(t.ref), t])).values()) {
    await retryOperation(`authenticating to ${repositoryName(ref)}`, retry, () =>
      client.checkPushAccess(ref.repository),
    );
  }
}

export interface EncryptedLayers {
  /** The layers this run encrypted. */
  digests: Set<string>;
  /** Whether a layer as served still carries its encryption (media type and annotations). */
  intact(layer: Descriptor): boolean;
}

/**
 * Whether the registry of repository `repo` vouched for blob `digest` during the push (BlobPusher.confirmed):
 * a commit under its digest, or a HEAD with its size. Those blobs are not asked about again.
 */
export type Confirmed = (repo: string, digest: string) => boolean;

/** The content of one repository, read back by digest. */
async function verifyRepository(
  { ref, client }: PushTarget,
  content: PushContent,
  encrypted: EncryptedLayers,
  confirmed: Confirmed,
): Promise<void> {
  const name = repositoryName(ref);
  for (const m of content.manifests) {
    const got = await client.getManifest(ref.repository, m.desc.digest);
    if (!got.bytes.equals(m.bytes) || (got.digest && got.digest !== m.desc.digest)) {
      throw new RegistryError(
        'E_VERIFY',
        `${name} serves manifest ${m.desc.digest} with other bytes than were pushed`,
      );
    }
    const doc = parseManifestOrIndex(got.bytes, `${name}@${m.desc.digest}`, m.desc.mediaType);
    if (doc.kind !== 'manifest') continue;
    for (const l of doc.layers) {
      if (encrypted.digests.has(l.digest) && !encrypted.intact(l)) {
        throw new RegistryError(
          'E_VERIFY',
          `${name}: layer ${l.digest} landed without its encryption media type or annotations`,
        );
      }
    }
  }
  // Independent checks, a round trip each: several at once, as the uploads went. A blob committed under its
  // digest in this run needs none: the registry hashed it then (a mounted one is asked about).
  const unconfirmed = content.blobs.filter((b) => !confirmed(name, b.digest));
  await mapLimit(unconfirmed, CHECKS_AT_ONCE, async (b) => {
    if (!(await client.blobExists(ref.repository, b))) {
      throw new RegistryError('E_VERIFY', `${name}: blob ${b.digest} is missing after the push`);
    }
  });
}

/** Every repository of `targets` (once each) serves `content` as pushed. */
export async function verifyPushed(
  targets: PushTarget[],
  content: PushContent,
  encrypted: EncryptedLayers,
  confirmed: Confirmed = () => false,
): Promise<void> {
  const done = new Set<string>();
  for (const target of targets) {
    const name = repositoryName(target.ref);
    if (done.has(name)) continue;
    done.add(name);
    await verifyRepository(target, content, encrypted, confirmed);
  }
}

/** Every tag, of every repository, must now serve the root's exact bytes. */
export async function verifyTags(
  targets: PushTarget[],
  root: { desc: Descriptor; bytes: Buffer },
): Promise<void> {
  for (const { ref, client } of targets) {
    if (!ref.tag) continue;
    const tagged = await client.getManifest(ref.repository, ref.tag);
    if (!tagged.bytes.equals(root.bytes)) {
      throw new RegistryError(
        'E_VERIFY',
        `${repositoryName(ref)}:${ref.tag} does not point at ${root.desc.digest}`,
      );
    }
  }
}
