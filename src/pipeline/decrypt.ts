/** Decrypt use case: encrypted layout in → plaintext layout out, every layer's MAC checked before it lands. */
import { LayoutWriter } from '../oci/layout/writer.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import type { Platform } from '../oci/platform.js';
import { loadImage } from '../oci/tree.js';
import type { DecryptionKey } from '../ocicrypt/keys.js';
import { decryptLayer } from '../ocicrypt/layer.js';
import type { RunHost } from './host.js';
import { rewriteRuntime, startWorkers } from '../host/layer-workers.js';
import type { ImageReport } from './result.js';
import { openSource, type SourceOptions } from './registry-source.js';
import { rewriteToLayout } from './rewrite.js';

export interface DecryptOptions extends SourceOptions, RunHost {
  refName?: string;
  output: string;
  keys: DecryptionKey[];
  platforms?: Platform[];
}

export async function decryptImage(opts: DecryptOptions): Promise<ImageReport> {
  const log = opts.log ?? (() => {});
  const source = await openSource(opts);
  let writer: LayoutWriter | undefined;
  const workers = startWorkers(opts);
  try {
    const image = await loadImage(source, { refName: opts.refName, platforms: opts.platforms });
    // Private: plaintext, verified or not, must never be readable by other users of the machine.
    writer = await LayoutWriter.create(opts.output, {
      private: true,
      ...(opts.temps ? { temps: opts.temps } : {}),
    });
    const { report } = await rewriteToLayout(
      source,
      image,
      writer,
      {
        verb: 'decrypted',
        convertDockerToOci: false,
        select: (layer) => (isEncryptedMediaType(layer.mediaType) ? 'transform' : 'copy'),
        prepare: (layer) => decryptLayer(layer, opts.keys),
      },
      { ...rewriteRuntime(opts, workers), log, ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    return report;
  } catch (err) {
    await writer?.abort().catch(() => {}); // the first error is the one to report
    throw err;
  } finally {
    await workers?.close();
    await source.close();
  }
}
