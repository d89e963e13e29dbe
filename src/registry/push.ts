/**
 * Push one image (its blobs, from a source or made as they go up, and its manifests) to one or more
 * repositories, then tag it. Order is what keeps registries consistent: all blobs, then child manifests, then
 * the root by digest, in every repository; only then any tag (push-documents.ts). Each blob is checked first
 * (HEAD) and skipped when present, unless this run made it; within a registry a blob already pushed to another
 * repository (or held by the repository a rewrap reads) is mounted instead of uploaded. Every operation is
 * retried as a whole on transient failures (retryOperation), with transport retries off.
 */
import type { Readable } from 'node:stream';
import { internalError } from '../errors.js';
import type { Descriptor } from '../oci/model.js';
import type { RegistryClient } from './client.js';
import { repositoryName, type Reference } from './reference.js';
import { HeldBlobs } from './held-blobs.js';
import { distinctRepositories, pushManifests } from './push-documents.js';
import { retryOperation, type RetryPolicy } from './retry.js';

export { pushManifests, pushTags } from './push-documents.js';

/** At most this many bytes of small blobs made in memory (BlobPusher.keep) wait for their upload. */
const HOLD_BUDGET = 16 * 1024 * 1024;

export interface PushContent {
  /** Layers and configs, each once. */
  blobs: Descriptor[];
  /** Every manifest and index, children before parents; the root last. */
  manifests: { desc: Descriptor; bytes: Buffer }[];
}

/** What the push needs to know of a blob (a descriptor's media type and annotations do not matter here). */
type Blob = Pick<Descriptor, 'digest' | 'size'>;

export interface BlobReader {
  /** A fresh, digest-verified stream of the blob, for each attempt. */
  open(desc: Blob): Promise<Readable>;
}

/**
 * A blob made while it goes up (a layer's ciphertext, encrypted as it is sent): its size is known before, its
 * digest only once all of it was made. Each `make` makes it again from its source, and must give the same bytes.
 */
export interface MadeBlob {
  size: number;
  /** The blob in words, for messages ("encrypted blob of layer sha256:…"). */
  what: string;
  /** The bytes, and their digest once all of them were read (or the error that stopped them). */
  make(): Promise<{ stream: Readable; digest(): Promise<string> }>;
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
  /**
   * A repository on registry `host` that holds `blob` already (a rewrap's source), or undefined: a repository of
   * that registry that lacks the blob mounts it from there instead of uploading it.
   */
  mountFrom?: (blob: Blob, host: string) => string | undefined;
}

/**
 * Blobs to every repository, each as soon as it is asked for, so uploads can start while later layers are
 * still being encrypted. Per blob and repository: HEAD (skip when present), else mount from a repository of
 * the same registry that already has it, else upload. Each blob is pushed once however often it is asked for;
 * at most `concurrency` uploads run at a time.
 */
export class BlobPusher {
  readonly stats: PushStats = { uploaded: 0, mounted: 0, skipped: 0, bytesUploaded: 0 };
  readonly #repos: PushTarget[];
  readonly #reader: BlobReader;
  readonly #opts: PushOptions;
  readonly #started = new Map<string, Promise<void>>();
  /** Blobs this run made as they went up (pushMade), by digest: made again for any later upload. */
  readonly #made = new Map<string, MadeBlob>();
  /** Small blobs this run made whole in memory (keep), until they are pushed. */
  readonly #held = new HeldBlobs(HOLD_BUDGET);
  /**
   * Per repository, the blobs the registry vouched for in this run: committed under their digest (it hashed
   * what it got) or found by a HEAD whose size matched. The read-back after the push asks only about the rest.
   */
  readonly #confirmed = new Map<string, Set<string>>();
  #running = 0;
  readonly #queue: (() => void)[] = [];
  #aborted = false;

  constructor(targets: PushTarget[], reader: BlobReader, opts: PushOptions) {
    this.#repos = distinctRepositories(targets);
    this.#reader = reader;
    this.#opts = opts;
  }

  push(blob: Blob): Promise<void> {
    let p = this.#started.get(blob.digest);
    if (!p) {
      p = this.#limited(() => this.#pushEverywhere(blob));
      this.#started.set(blob.digest, p);
    }
    return p;
  }

  /** Whether the registry of `repo` (a repository name, host included) vouched for `digest` in this run. */
  readonly confirmed = (repo: string, digest: string): boolean =>
    this.#confirmed.get(repo)?.has(digest) ?? false;

  #confirm(repo: string, digest: string): void {
    let set = this.#confirmed.get(repo);
    if (!set) this.#confirmed.set(repo, (set = new Set()));
    set.add(digest);
  }

  /** Start nothing more: waiting and later attempts fail at once (the caller also aborts requests). */
  abort(): void {
    this.#aborted = true;
  }

  /** Wait for every blob asked for so far; the first failure is thrown. */
  async settle(): Promise<void> {
    await Promise.all(this.#started.values());
  }

  async #limited(fn: () => Promise<void>): Promise<void> {
    while (this.#running >= this.#opts.concurrency) await new Promise<void>((r) => this.#queue.push(r));
    this.#running++;
    try {
      if (this.#aborted) throw new Error('push aborted');
      await fn();
    } finally {
      this.#running--;
      this.#queue.shift()?.();
    }
  }

  /**
   * A small blob made whole in memory (within a budget: this waits while earlier ones are still held), then
   * pushed as any blob, its digest being known: POST and PUT, no HEAD (it is new). Resolves once it is made,
   * with its digest and the push under way (which releases its bytes when it settles).
   */
  async keep(blob: MadeBlob): Promise<{ digest: string; pushed: Promise<void> }> {
    await this.#held.reserve(blob.size);
    let digest: string;
    try {
      if (this.#aborted) throw new Error('push aborted');
      const made = await blob.make();
      const chunks: Buffer[] = [];
      for await (const c of made.stream) chunks.push(c as Buffer);
      digest = await made.digest();
      this.#held.hold(digest, Buffer.concat(chunks));
    } catch (err) {
      this.#held.unreserve(blob.size);
      throw err;
    }
    const pushed = this.push({ digest, size: blob.size });
    const release = () => this.#held.release(digest);
    void pushed.then(release, release);
    return { digest, pushed };
  }

  /**
   * Push a blob that is made as it goes up, to every repository; resolves with its digest. The first repository
   * gets it streamed: POST, one PATCH fed as the blob is made, then the PUT that commits it under the digest
   * learnt on the way. A retry makes it again from its source rather than keeping a copy (MadeBlob.make gives
   * the same bytes each time, checked here by their digest). The other repositories then get it as any blob
   * (HEAD, mount from the first on the same registry, or upload, made once more).
   */
  async pushMade(blob: MadeBlob): Promise<string> {
    const [first, ...rest] = this.#repos;
    if (!first) throw internalError('a push without a repository');
    const name = repositoryName(first.ref);
    const seen: { digest?: string } = {};
    await retryOperation(`${blob.what} to ${name}`, this.#opts.retry, async () => {
      if (this.#aborted) throw new Error('push aborted');
      await this.#stream(first, blob, seen);
    });
    const digest = seen.digest!;
    this.#confirm(name, digest);
    this.#count(blob.size, digest, name);
    this.#made.set(digest, blob);
    const others = this.#pushEverywhere({ digest, size: blob.size }, rest, first);
    this.#started.set(digest, others);
    await others;
    return digest;
  }

  /**
   * One attempt at streaming a made blob to a repository, committed under the digest learnt on the way, which
   * must be that of any earlier attempt (`seen`) that got as far.
   */
  async #stream({ ref, client }: PushTarget, blob: MadeBlob, seen: { digest?: string }): Promise<void> {
    let made: Awaited<ReturnType<MadeBlob['make']>> | undefined;
    const open = async () => {
      made?.stream.destroy(); // asked again (the request was re-sent after a 401): the first source goes now
      made = await blob.make();
      return made.stream;
    };
    const what = `uploading ${blob.what} to ${client.host}/${ref.repository}`;
    try {
      const session = await client.startUpload(ref.repository);
      const commitAt = await client.patchBlob(ref.repository, session.location, blob.size, open, what);
      // The PATCH sent it all: the blob is whole. A registry that answered before reading it all leaves the
      // stream open, its digest never known: closing it fails this attempt (retried) instead of waiting forever.
      if (!made!.stream.readableEnded) made!.stream.destroy();
      const digest = await made!.digest();
      if (seen.digest && digest !== seen.digest) {
        throw internalError(`${blob.what} was made as ${seen.digest}, then as ${digest}`);
      }
      seen.digest = digest;
      await client.commitBlob(ref.repository, commitAt, digest);
    } finally {
      made?.stream.destroy(); // a failed attempt's source is closed now, not when it is collected
    }
  }

  #count(size: number, digest: string, name: string): void {
    this.stats.uploaded++;
    this.stats.bytesUploaded += size;
    if (size > 64 * 1024 * 1024) {
      this.#opts.log(`uploaded ${digest.slice(0, 19)} (${(size / 1048576).toFixed(0)} MiB) to ${name}`);
    }
  }

  /** A blob's bytes for an upload: held, or made again, when this run made it; else from the reader. */
  async #open(blob: Blob): Promise<Readable> {
    const held = this.#held.open(blob.digest);
    if (held) return held;
    const made = this.#made.get(blob.digest);
    return made ? (await made.make()).stream : this.#reader.open(blob);
  }

  /**
   * The blob to each of `repos` in turn (HEAD, mount, upload). `pushedTo`: a repository that has it already,
   * to mount from on its registry.
   */
  async #pushEverywhere(blob: Blob, repos = this.#repos, pushedTo?: PushTarget): Promise<void> {
    const holders = new Map<string, string>(); // registry host -> a repository we pushed the blob to
    if (pushedTo) holders.set(pushedTo.client.host, pushedTo.ref.repository);
    // A blob this run made is nowhere else: no need to look for it, no other repository to mount it from.
    const fresh = this.#made.has(blob.digest) || this.#held.has(blob.digest);
    for (const { ref, client } of repos) {
      const name = repositoryName(ref);
      const repo = ref.repository;
      const mountFrom =
        holders.get(client.host) ?? (fresh ? undefined : this.#opts.mountFrom?.(blob, client.host));
      await retryOperation(`blob ${blob.digest.slice(0, 19)} to ${name}`, this.#opts.retry, async () => {
        if (this.#aborted) throw new Error('push aborted');
        if (!fresh && (await client.blobExists(repo, blob))) {
          this.#confirm(name, blob.digest);
          this.stats.skipped++;
          return;
        }
        const session = await client.startUpload(
          repo,
          mountFrom ? { digest: blob.digest, from: mountFrom } : undefined,
        );
        if (session.mounted) {
          this.stats.mounted++;
          return;
        }
        await client.uploadBlob(repo, session.location, blob, () => this.#open(blob));
        this.#confirm(name, blob.digest);
        this.#count(blob.size, blob.digest, name);
      });
      if (!holders.has(client.host)) holders.set(client.host, repo);
    }
  }
}

/** Push content (no tags) to each distinct repository of `targets`: all blobs, then the manifests. */
export async function pushContent(
  targets: PushTarget[],
  content: PushContent,
  reader: BlobReader,
  opts: PushOptions,
): Promise<PushStats> {
  const blobs = new BlobPusher(targets, reader, opts);
  await Promise.all(content.blobs.map((b) => blobs.push(b)));
  await pushManifests(targets, content.manifests, opts);
  return blobs.stats;
}
