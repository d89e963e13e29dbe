import { OepError } from '../errors.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export function formatPlatform(p: Platform | undefined): string {
  if (!p) return 'unknown';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** Parse `os/arch[/variant]`, as docker and skopeo write platforms. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new OepError('E_PLATFORM', `invalid platform ${JSON.stringify(spec)}`, {
      hint: 'write platforms as os/arch[/variant], e.g. linux/amd64,linux/arm64/v8',
    });
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** Default variants, as containerd normalises them, so `linux/arm64` matches `linux/arm64/v8`. */
function normalisedVariant(p: Platform): string {
  if (p.variant) return p.variant;
  if (p.architecture === 'arm64') return 'v8';
  return '';
}

export function platformMatches(want: Platform, have: Platform | undefined): boolean {
  if (!have) return false;
  return (
    want.os === have.os &&
    want.architecture === have.architecture &&
    (want.variant === undefined || normalisedVariant(want) === normalisedVariant(have))
  );
}

/** One key per platform, as containerd matches them: `linux/arm64` and `linux/arm64/v8` are one platform. */
export function platformKey(p: Platform): string {
  return [p.os, p.architecture, normalisedVariant(p), p['os.version'] ?? ''].join('/');
}
