/** Shared by the bad-input catalogue's row files (not a test file itself). */
import type { BuiltImage } from '../../helpers/fixtures.js';
import type { FakeRegistry } from './fake-registry.js';

export interface Case {
  group: 'keys' | 'layouts' | 'archives' | 'manifests' | 'references' | 'options' | 'registry answers';
  name: string;
  /** The CLI's argv, given a fresh output path the run must not create. */
  args: (out: string) => string[];
  /** What the one error line must name (the input at fault). */
  mentions: string[];
  input?: string;
  env?: Record<string, string>;
}

export interface Ctx {
  dir: string;
  /** A good single-platform layout (two layers) and what it holds. */
  good: string;
  img: BuiltImage;
  /** The good layout, encrypted for `pub`. */
  encrypted: string;
  pub: string;
  priv: string;
  registry: FakeRegistry;
  /** Write a file in the test folder; returns its path. */
  file(name: string, content: string | Buffer, mode?: number): string;
  /** A fresh copy of a layout (the good one by default) to damage. */
  copy(from?: string): string;
  /** Rewrite the only manifest of a layout: a new blob, index.json pointing at it. */
  editManifest(layout: string, edit: (doc: Record<string, unknown>) => void): void;
  symlink(target: string, path: string): void;
}

/** An encrypt of `layout` into `out` for the good recipient. */
export function encryptArgs(ctx: Ctx, layout: string, ...extra: string[]): (out: string) => string[] {
  return (out) => ['encrypt', '--layout', layout, '--output', out, '--recipient', ctx.pub, ...extra];
}

/**
 * A push of the good layout to `image` over plain HTTP with no retries; the digest file is the row's output,
 * which must not appear.
 */
export function pushArgs(ctx: Ctx, image: string, ...extra: string[]): (out: string) => string[] {
  return (out) => [
    'encrypt',
    '--layout',
    ctx.good,
    '--image',
    image,
    '--recipient',
    ctx.pub,
    '--tls-verify=false',
    '--retries',
    '0',
    '--digest-file',
    out,
    ...extra,
  ];
}
