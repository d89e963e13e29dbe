/** Decrypt use case: encrypted layout in → plaintext layout out, every layer's MAC checked before it lands. */
import { LayoutWriter } from '../oci/layout/writer.js';
import { isEncryptedMediaType } from '../oci/mediatypes.js';
import { ANNOTATION_REF_NAME } from '../oci/model.js';
import type { Platform } from '../oci/platform.js';
import { loadImage } from '../oci/tree.js';
import type { DecryptionKey } from '../ocicrypt/keys.js';
import { decryptLayer } from '../ocicrypt/layer.js';
import { defaultConcurrency, pick, toImageReport } from './encrypt.js';
import type { ImageReport } from './result.js';
import { openSource, type SourceOptions } from './registry-source.js';
import { rewriteImage } from './rewrite.js';

export interface DecryptOptions extends SourceOptions {
  refName?: string;
  output: string;
  keys: DecryptionKey[];
  platforms?: Platform[];
  concurrency?: number;
  log?: (line: string) => void;
}

export async function decryptImage(opts: DecryptOptions): Promise<ImageReport> {
  const log = opts.log ?? (() => {});
  const source = await openSource(opts);
  let writer: LayoutWriter | undefined;
  try {
    const image = await loadImage(source, { refName: opts.refName, platforms: opts.platforms });
    writer = await LayoutWriter.create(opts.output);
    const result = await rewriteImage(
      source,
      image,
      writer,
      {
        verb: 'decrypted',
        convertDockerToOci: false,
        select: (layer) => (isEncryptedMediaType(layer.mediaType) ? 'transform' : 'copy'),
        prepare: (layer) => decryptLayer(layer, opts.keys),
      },
      { concurrency: opts.concurrency ?? defaultConcurrency(), log },
    );
    const refName = image.entry?.annotations?.[ANNOTATION_REF_NAME];
    await writer.commit([image.entry ? { ...image.entry, ...pick(result.root) } : result.root]);
    return toImageReport(
      result,
      { output: writer.path, ...(refName ? { refName } : {}) },
      image.skippedPlatforms,
    );
  } catch (err) {
    await writer?.abort();
    throw err;
  } finally {
    await source.close();
  }
}
