/**
 * Which layers and platforms a run touches. The parsers are shared by every front end; the range check runs
 * against each image before anything is written.
 */
import { OepError } from '../errors.js';
import { parsePlatform, type Platform } from '../oci/platform.js';

/** `--encrypt-layers` / `encrypt-layers`: comma-separated indexes, negative from the top; empty means all. */
export function parseLayerList(spec: string | undefined): number[] | undefined {
  if (spec === undefined || spec.trim() === '') return undefined;
  return spec.split(',').map((part) => {
    const t = part.trim();
    if (!/^-?\d+$/.test(t)) {
      throw new OepError('E_LAYER_INDEX', `encrypt-layers: ${JSON.stringify(t)} is not a layer index`, {
        hint: 'give comma-separated indexes such as 0,1 or -1 for the top layer; leave empty for all layers',
      });
    }
    return Number(t);
  });
}

export function parsePlatformList(spec: string | undefined): Platform[] | undefined {
  if (spec === undefined || spec.trim() === '') return undefined;
  return spec
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parsePlatform);
}

/**
 * Resolve the requested indexes against an image of `count` layers: a set of 0-based indexes.
 * Out of range is an error (containers/image HEAD does the same; older versions wrapped silently).
 */
export function resolveLayerIndexes(wanted: number[] | undefined, count: number, image: string): Set<number> {
  if (!wanted) return new Set(Array.from({ length: count }, (_, i) => i));
  const out = new Set<number>();
  for (const i of wanted) {
    const abs = i < 0 ? count + i : i;
    if (abs < 0 || abs >= count) {
      throw new OepError(
        'E_LAYER_INDEX',
        `encrypt-layers: index ${i} is out of range for ${image}, which has ${count} layers`,
        {
          hint: `use 0..${count - 1}, or -1..-${count} from the top`,
        },
      );
    }
    out.add(abs);
  }
  return out;
}
