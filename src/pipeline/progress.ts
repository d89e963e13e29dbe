/** Progress lines for large layers, so a CI log shows a long run is alive. */
import { Transform } from 'node:stream';
import type { Descriptor } from '../oci/model.js';

/** Layers this large get progress lines, every 256 MiB. */
const PROGRESS_FROM = 512 * 1024 * 1024;
const PROGRESS_STEP = 256 * 1024 * 1024;

export function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** A callback taking the bytes done so far, for layers large enough to report on; undefined for the rest. */
export function progressLogger(
  layer: Descriptor,
  verb: string,
  log: (line: string) => void,
): ((bytes: number) => void) | undefined {
  if (layer.size < PROGRESS_FROM) return undefined;
  let next = PROGRESS_STEP;
  return (bytes) => {
    if (bytes >= next && bytes < layer.size) {
      log(
        `${verb.replace(/ed$/, 'ing')} layer ${layer.digest.slice(0, 19)}: ${mib(bytes)} of ${mib(layer.size)}`,
      );
      while (next <= bytes) next += PROGRESS_STEP;
    }
  };
}

/** A pass-through stream stage that reports the bytes seen. */
export function progressStage(onProgress: (bytes: number) => void): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      onProgress(seen);
      cb(null, chunk);
    },
  });
}
