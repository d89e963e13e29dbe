/** Rows: layout folders and manifests that are missing, malformed, or lie about their contents. */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptArgs, type Case, type Ctx } from './support.js';

function blob(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice(7));
}

/** A copy of the good layout damaged by `damage`; the row encrypts it. */
function damaged(
  ctx: Ctx,
  name: string,
  damage: (layout: string) => void,
  mentions: (l: string) => string[],
): Case {
  const layout = ctx.copy();
  damage(layout);
  return { group: 'layouts', name, args: encryptArgs(ctx, layout), mentions: mentions(layout) };
}

function indexJsonRows(ctx: Ctx): Case[] {
  const texts: [string, string][] = [
    ['an index.json that is not JSON', '{"schemaVersion": 2, "manifests": ['],
    ['an index.json of schemaVersion 1', '{"schemaVersion":1,"manifests":[]}'],
    ['an index.json listing nothing', '{"schemaVersion":2,"manifests":[]}'],
    ['an index.json that is a JSON array', '[]'],
    [
      'an index.json entry with a path in its digest',
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: 'sha256:../../etc/passwd',
            size: 1,
          },
        ],
      }),
    ],
    [
      'an index.json entry with a negative size',
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'a'.repeat(64)}`,
            size: -1,
          },
        ],
      }),
    ],
  ];
  return texts.map(([name, text]) =>
    damaged(
      ctx,
      name,
      (l) => writeFileSync(join(l, 'index.json'), text),
      (l) => [l],
    ),
  );
}

function manifestRows(ctx: Ctx): Case[] {
  const edits: [string, (d: Record<string, unknown>) => void][] = [
    ['a manifest without schemaVersion', (d) => delete d.schemaVersion],
    ['a manifest whose layers is not a list', (d) => (d.layers = { a: 1 })],
    ['a manifest without a config', (d) => delete d.config],
    [
      'a manifest with a layer of unknown digest algorithm',
      (d) => ((d.layers as Record<string, unknown>[])[0]!.digest = `md5:${'a'.repeat(32)}`),
    ],
    ['a manifest whose layer size lies', (d) => ((d.layers as Record<string, unknown>[])[0]!.size = 3)],
    [
      'a manifest whose config digest is missing from the layout',
      (d) => ((d.config as Record<string, unknown>).digest = `sha256:${'b'.repeat(64)}`),
    ],
    [
      'a +encrypted layer with no keys (an "already encrypted" claim without proof)',
      (d) =>
        ((d.layers as Record<string, unknown>[])[0]!.mediaType =
          'application/vnd.oci.image.layer.v1.tar+gzip+encrypted'),
    ],
  ];
  const rows = edits.map(([name, edit]): Case => {
    const layout = ctx.copy();
    ctx.editManifest(layout, edit);
    return { group: 'manifests', name, args: encryptArgs(ctx, layout), mentions: [layout] };
  });
  const notJson = ctx.copy();
  writeFileSync(blob(notJson, ctx.img.manifest.digest), '{"schemaVersion":');
  rows.push({
    group: 'manifests',
    name: 'a manifest blob that is not JSON (and so not its digest)',
    args: encryptArgs(ctx, notJson),
    mentions: [ctx.img.manifest.digest],
  });
  return rows;
}

/** 40 index levels fanning out 20 ways onto one manifest: 20^40 paths through 41 distinct blobs. */
function fanOut(ctx: Ctx): Case {
  const layout = ctx.copy();
  const m = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: object[] };
  let level: object = m.manifests[0]!;
  for (let depth = 0; depth < 40; depth++) {
    const doc = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: Array(20).fill(level),
    };
    const bytes = Buffer.from(JSON.stringify(doc));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
    writeFileSync(blob(layout, digest), bytes);
    level = { mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: bytes.length };
  }
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [level] }));
  return {
    group: 'layouts',
    name: 'indexes nested 40 deep, fanning out 20 ways',
    args: encryptArgs(ctx, layout),
    mentions: [layout],
  };
}

export function layoutCases(ctx: Ctx): Case[] {
  const layer0 = ctx.img.layers[0]!.digest;
  const missingPath = join(ctx.dir, 'no-such-layout');
  return [
    {
      group: 'layouts',
      name: 'a layout path that does not exist',
      args: encryptArgs(ctx, missingPath),
      mentions: [missingPath],
    },
    damaged(
      ctx,
      'a folder without oci-layout',
      (l) => rmSync(join(l, 'oci-layout')),
      (l) => [l, 'oci-layout'],
    ),
    damaged(
      ctx,
      'an oci-layout that is not JSON',
      (l) => writeFileSync(join(l, 'oci-layout'), 'v=1'),
      (l) => [l, 'oci-layout'],
    ),
    damaged(
      ctx,
      'an oci-layout of an unknown version',
      (l) => writeFileSync(join(l, 'oci-layout'), '{"imageLayoutVersion":"9"}'),
      (l) => [l, 'oci-layout'],
    ),
    damaged(
      ctx,
      'no index.json',
      (l) => rmSync(join(l, 'index.json')),
      (l) => [l, 'index.json'],
    ),
    damaged(
      ctx,
      'a layer blob missing',
      (l) => rmSync(blob(l, layer0)),
      () => [layer0],
    ),
    damaged(
      ctx,
      'a layer blob with one byte flipped',
      (l) => {
        const b = readFileSync(blob(l, layer0));
        b[5] = b[5]! ^ 1;
        writeFileSync(blob(l, layer0), b);
      },
      () => [layer0],
    ),
    damaged(
      ctx,
      'a layer blob that is a symlink out of the layout',
      (l) => {
        rmSync(blob(l, layer0));
        ctx.symlink(join(ctx.good, 'blobs', 'sha256', layer0.slice(7)), blob(l, layer0));
      },
      () => [layer0],
    ),
    damaged(
      ctx,
      'index.json that is a symlink',
      (l) => {
        rmSync(join(l, 'index.json'));
        ctx.symlink(join(ctx.good, 'index.json'), join(l, 'index.json'));
      },
      (l) => [l, 'index.json'],
    ),
    {
      group: 'layouts',
      name: 'a --ref-name the layout does not have',
      args: encryptArgs(ctx, ctx.good, '--ref-name', 'nope'),
      mentions: ['nope'],
    },
    fanOut(ctx),
    ...indexJsonRows(ctx),
    ...manifestRows(ctx),
  ];
}
