/**
 * Push one image (its blobs and manifests, already final on disk) to one or more repositories, then tag it.
 * Order is what keeps registries consistent: all blobs, then child manifests, then the root by digest, in
 * every repository; only then any tag. Each blob is checked first (HEAD) and skipped when present; within a
 * registry a blob already pushed to another repository is mounted instead of uploaded. Every operation is
 * retried as a whole on transient failures.
 */
import type { Readable } from 'node:stream';
import { mapLimit } from '../limit.js';
import type { Descriptor } from '../oci/model.js';
import type { RegistryClient } from './client.js';
import { repositoryName, type Reference } from './reference.js';
import { RegistryError } from './transport/errors.js';
import { withRetry, type RetryPolicy } from './transport/retry.js';

export interface PushContent {
  /** Layers and configs, each once. */
  blobs: Descriptor[];
  /** Every manifest and index, children before parents; the root last. */
  manifests: { desc: Descriptor; bytes: Buffer }[];
}

export interface BlobReader {
  /** A fresh, digest-verified stream of the blob, for each attempt. */
  open(desc: Descriptor): Promise<Readable>;
}

export interface PushStats {
  uploaded: number;
  mounted: number;
  skipped: number;
  bytesUploaded: number;
}

export interface PushTarget {
  ref: Reference;
  client: RegistryClient;
}

export interface PushOptions {
  retry: RetryPolicy;
  concurrency: number;
  log: (line: string) => void;
}

/** Push content (no tags) to each distinct repository of `targets`. */
export async function pushContent(
  targets: PushTarget[],
  content: PushContent,
  reader: BlobReader,
  opts: PushOptions,
): Promise<PushStats> {
  const stats: PushStats = { uploaded: 0, mounted: 0, skipped: 0, bytesUploaded: 0 };
  const seen = new Set<string>();
  // Repositories of each registry that already hold all blobs: mount sources for the next ones.
  const complete = new Map<string, string[]>();
  for (const { ref, client } of targets) {
    const name = repositoryName(ref);
    if (seen.has(name)) continue;
    seen.add(name);
    const repo = ref.repository;
    const mountFrom = complete.get(client.host)?.[0];
    await mapLimit(content.blobs, opts.concurrency, (blob) =>
      withRetry(`blob ${blob.digest.slice(0, 19)} to ${name}`, opts.retry, async () => {
        if (await client.blobExists(repo, blob)) {
          stats.skipped++;
          return;
        }
        const session = await client.startUpload(
          repo,
          mountFrom ? { digest: blob.digest, from: mountFrom } : undefined,
        );
        if (session.mounted) {
          stats.mounted++;
          return;
        }
        await client.uploadBlob(repo, session.location, blob, () => reader.open(blob));
        stats.uploaded++;
        stats.bytesUploaded += blob.size;
        if (blob.size > 64 * 1024 * 1024)
          opts.log(
            `uploaded ${blob.digest.slice(0, 19)} (${(blob.size / 1048576).toFixed(0)} MiB) to ${name}`,
          );
      }),
    );
    for (const m of content.manifests) {
      await withRetry(`manifest ${m.desc.digest.slice(0, 19)} to ${name}`, opts.retry, async () => {
        const got = await client.putManifest(repo, m.desc.digest, m.bytes, m.desc.mediaType);
        if (got && got !== m.desc.digest) {
          throw new RegistryError('E_VERIFY', `${name} stored manifest ${m.desc.digest} as ${got}`);
        }
      });
    }
    complete.set(client.host, [...(complete.get(client.host) ?? []), repo]);
  }
  return stats;
}

/** Point every tag at the root's exact bytes; each answer must carry the same digest. */
export async function pushTags(
  targets: PushTarget[],
  root: { desc: Descriptor; bytes: Buffer },
  opts: PushOptions,
): Promise<void> {
  for (const { ref, client } of targets) {
    if (!ref.tag) continue;
    await withRetry(`tag ${ref.tag} of ${repositoryName(ref)}`, opts.retry, async () => {
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
