/**
 * The I/O half of a rewrite: every distinct layer blob transformed (encrypted or decrypted, through the engine)
 * or copied verified into the output layout, in parallel, each once; then the configs, copied as they are.
 * Local files go through the file loop (in a worker when large), other sources through stream stages; both
 * check digests and sizes as they read. Each blob is announced as soon as it is final, so a push can start
 * uploading while later layers are still being encrypted; or, for a push that writes nothing, each layer that
 * changes goes to a sink as it is made (#send).
 */
import { pipeline, Readable, type Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import { internalError, OepError } from '../errors.js';
import { mapLimit } from '../limit.js';
import type { BlobHandle, LayoutWriter, WrittenBlob } from '../oci/layout/writer.js';
import type { Descriptor } from '../oci/model.js';
import type { LayerOutcome } from '../oci/mutate.js';
import type { BlobLocation, BlobSource } from '../oci/source.js';
import type { ManifestNode } from '../oci/tree.js';
import type { LayerOperation } from '../ocicrypt/layer.js';
import { LayerStream, type LoopResult } from '../ocicrypt/loop.js';
import { madeChunks, runFileJob, type FileJob } from '../host/layer-files.js';
import type { LayerWorkers } from '../host/layer-workers.js';
import type { MadeBlob } from '../registry/push.js';
import { isExternal, type BlobJob } from './layer-plan.js';
import { mib, progressLogger, progressStage } from './progress.js';

/**
 * The engine's prepared layer: parameters for the layer loop, run by the file loop (layouts and archives,
 * inline or in a worker) or as a stream stage (registries), and the finalizer that gives its descriptor.
 */
export type LayerTransform = LayerOperation;

/**
 * Where transformed layers go when they are not written (a push sends each to the registry as it is made):
 * `send` resolves with the digest of what landed. The layer is made again from the source for each attempt:
 * AES-CTR under the same key and nonce gives the same bytes, so a retry needs no copy kept on disk.
 */
export interface LayerSink {
  send(blob: MadeBlob): Promise<string>;
}

/** Told of each layer and config blob once it is final in the output, with a handle to read it by. */
export type BlobListener = (desc: Descriptor, blob: BlobHandle) => void;

export interface BlobStageOptions {
  concurrency: number;
  log: (line: string) => void;
  /** Worker threads for large layers; without them every layer runs on this thread. */
  workers?: LayerWorkers;
  /** Stops the run from outside (a push whose upload failed), failing it with the signal's reason. */
  signal?: AbortSignal;
  onBlob?: BlobListener;
  /**
   * Leave in the source every blob whose bytes do not change (copies, and transforms that only change the
   * descriptor, as a rewrap): nothing is written for them. A push reads them from the source when the registry
   * lacks them.
   */
  inPlace?: boolean;
  /** Send each layer whose bytes change here, as it is made, instead of writing it (with inPlace only). */
  sink?: LayerSink;
}

export interface LayerWork {
  /** Word for the log ("encrypted", "decrypted"). */
  verb: string;
  /** Set up the transform for one layer (called once per distinct blob). */
  prepare(layer: Descriptor): Promise<LayerTransform>;
}

export interface MovedBlob {
  desc: Descriptor;
  action: LayerOutcome['action'];
}

/** Below this a worker's start and message round trip cost more than they save. */
const WORKER_FROM = 4 * 1024 * 1024;

function notSha256(source: BlobSource, what: string, digest: string): OepError {
  // We write sha256 layouts: a blob under another algorithm would be stored where its descriptor does not point.
  return new OepError(
    'E_UNSUPPORTED',
    `${source.name}: ${what} ${digest} is not sha256; only sha256 blobs can be rewritten`,
  );
}

export class BlobStage {
  constructor(
    readonly source: BlobSource,
    /** Where blobs are written; none when every blob that changes goes to the sink and the rest stay. */
    readonly writer: LayoutWriter | undefined,
    readonly work: LayerWork,
    readonly opts: BlobStageOptions,
  ) {}

  /** Run every job; the result maps each job's key to the blob it produced. */
  async run(jobs: Map<string, BlobJob>): Promise<Map<string, MovedBlob>> {
    const done = new Map<string, MovedBlob>();
    // What the workers will have to do, so that they spread a layer over cores only when others cannot fill them.
    let large = 0;
    for (const { layer, action } of jobs.values())
      if (action === 'transform' && layer.size >= WORKER_FROM) large += layer.size;
    this.opts.workers?.announce(large);
    await mapLimit(
      [...jobs.entries()],
      this.opts.concurrency,
      async ([key, { layer, action }], signal) => {
        done.set(
          key,
          action === 'copy' ? await this.#copy(layer, signal) : await this.#transform(layer, signal),
        );
      },
      this.opts.signal,
    );
    return done;
  }

  /** Configs are copied as they are (ocicrypt never encrypts them); the tree holds them verified. */
  async writeConfigs(manifests: ManifestNode[]): Promise<void> {
    const writer = this.#writer();
    for (const m of manifests) {
      const w = await writer.writeBytes(m.config);
      if (w.digest !== m.doc.config.digest) throw notSha256(this.source, 'config', m.doc.config.digest);
      this.opts.onBlob?.(m.doc.config, writer.handle(m.doc.config.digest));
    }
  }

  #writer(): LayoutWriter {
    if (!this.writer) throw internalError('a blob stage without a writer was asked to write');
    return this.writer;
  }

  async #copy(layer: Descriptor, signal: AbortSignal): Promise<MovedBlob> {
    if (this.writer?.has(layer.digest)) return { desc: layer, action: 'copied' };
    if (isExternal(layer) && !(await this.source.has(layer))) return { desc: layer, action: 'external' };
    if (this.opts.inPlace) return { desc: layer, action: 'copied' };
    const { written } = await this.#move(layer, undefined, signal);
    if (written.digest !== layer.digest) throw notSha256(this.source, 'blob', layer.digest);
    this.opts.onBlob?.(layer, this.#writer().handle(layer.digest));
    return { desc: layer, action: 'copied' };
  }

  async #transform(layer: Descriptor, signal: AbortSignal): Promise<MovedBlob> {
    const t = await this.work.prepare(layer);
    if (this.opts.inPlace && t.params.mode === 'copy') {
      this.opts.log(
        `${this.work.verb} layer ${layer.digest.slice(0, 19)} (${mib(layer.size)}): the same blob`,
      );
      return { desc: t.finalize({ digest: layer.digest, size: layer.size }), action: 'transformed' };
    }
    const started = Date.now();
    const sink = this.opts.inPlace ? this.opts.sink : undefined;
    const { written, hmac } = sink
      ? await this.#send(sink, layer, t, signal)
      : await this.#move(layer, t, signal);
    const secs = (Date.now() - started) / 1000;
    this.opts.log(
      `${this.work.verb} layer ${layer.digest.slice(0, 19)} (${mib(layer.size)}) in ${secs.toFixed(1)} s -> ${written.digest.slice(0, 19)}${sink ? ' (sent as made)' : ''}`,
    );
    const desc = t.finalize({ ...written, ...(hmac ? { hmac } : {}) });
    if (!sink) this.opts.onBlob?.(desc, this.#writer().handle(desc.digest));
    return { desc, action: 'transformed' };
  }

  /**
   * The layer made from the source straight into the sink, never written; made again for each attempt. A local
   * file goes through the file loop (one reused read buffer, the checks in the loop); another source through
   * its verifying stream and the loop as a stream stage. The cipher's output is as long as its input.
   */
  async #send(
    sink: LayerSink,
    layer: Descriptor,
    t: LayerTransform,
    signal: AbortSignal,
  ): Promise<{ written: WrittenBlob; hmac?: Uint8Array }> {
    const onProgress = progressLogger(layer, this.work.verb, this.opts.log);
    const location = this.source.locate ? await this.source.locate(layer) : undefined;
    let hmac: Uint8Array | undefined;
    const make = async () => {
      signal.throwIfAborted();
      const { stream, result } = location
        ? this.#madeFromFile(layer, location, t, onProgress)
        : await this.#madeFromStream(layer, t, onProgress);
      // Another layer failed, or the run was stopped: cut this one off now rather than make and send it all.
      const cut = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
      signal.addEventListener('abort', cut, { once: true });
      stream.once('close', () => signal.removeEventListener('abort', cut));
      const digest = async () => {
        const r = await result;
        hmac = r.hmac;
        return r.digest!;
      };
      return { stream, digest };
    };
    const what = `${this.work.verb} blob of layer ${layer.digest.slice(0, 19)}`;
    const digest = await sink.send({ size: layer.size, what, make });
    return { written: { digest, size: layer.size }, ...(hmac ? { hmac } : {}) };
  }

  #madeFromFile(
    layer: Descriptor,
    source: BlobLocation,
    t: LayerTransform,
    onProgress: ((bytes: number) => void) | undefined,
  ): { stream: Readable; result: Promise<LoopResult> } {
    const expected = { digest: layer.digest, size: layer.size };
    const job = { ...t.params, source, expected, sourceName: this.source.name };
    const { chunks, result } = madeChunks(job, onProgress);
    // Byte mode with a 1 MiB mark: Readable.from would otherwise make 16 chunks ahead of the socket.
    return { stream: Readable.from(chunks, { objectMode: false, highWaterMark: 1024 * 1024 }), result };
  }

  async #madeFromStream(
    layer: Descriptor,
    t: LayerTransform,
    onProgress: ((bytes: number) => void) | undefined,
  ): Promise<{ stream: Readable; result: Promise<LoopResult> }> {
    const loop = new LayerStream(t.params);
    const stages: Transform[] = [loop, ...(onProgress ? [progressStage(onProgress)] : [])];
    const stream = pipeline([await this.source.open(layer), ...stages], () => {}) as Transform;
    // Once the loop has flushed: the reader may have sent the last byte before the source's end came through.
    const result = finished(loop, { readable: false }).then(() => loop.result());
    result.catch(() => {}); // a caller whose upload failed never asks
    return { stream, result };
  }

  async #move(
    layer: Descriptor,
    t: LayerTransform | undefined,
    signal: AbortSignal,
  ): Promise<{ written: WrittenBlob; hmac?: Uint8Array }> {
    const onProgress = progressLogger(layer, this.work.verb, this.opts.log);
    const location = this.source.locate ? await this.source.locate(layer) : undefined;
    if (!location) {
      // The source's reader checks the digest and the writer hashes the output: the loop does only the cipher.
      const loop = t ? new LayerStream(t.params, { hashOutput: false }) : undefined;
      const stages: Transform[] = loop ? [loop] : [];
      if (onProgress) stages.push(progressStage(onProgress));
      const written = await this.#writer().writeStream(await this.source.open(layer), stages, signal);
      const hmac = loop?.result().hmac;
      return { written, ...(hmac ? { hmac } : {}) };
    }
    const job: FileJob = {
      ...(t ? t.params : { mode: 'copy' }),
      source: location,
      expected: { digest: layer.digest, size: layer.size },
      sourceName: this.source.name,
      out: this.#writer().tempPath(),
      fileMode: this.#writer().fileMode,
    };
    const r =
      this.opts.workers && layer.size >= WORKER_FROM
        ? await this.opts.workers.run(job, signal, onProgress)
        : await runFileJob(job, onProgress);
    const written = await this.#writer().adopt(job.out, { digest: r.digest, size: r.size });
    return { written, ...(r.hmac ? { hmac: r.hmac } : {}) };
  }
}
