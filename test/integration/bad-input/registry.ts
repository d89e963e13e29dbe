/** Rows: registries that answer wrongly (not a registry, down, odd auth, bad manifests and blobs). */
import { pushArgs, type Case, type Ctx } from './support.js';

export function registryCases(ctx: Ctx): Case[] {
  ctx.registry.serve('good/enc', ctx.encrypted);
  ctx.registry.serve('bad/blob', ctx.encrypted, { corruptBlobs: true });
  ctx.registry.serve('bad/wrong-digest', ctx.encrypted);
  const ok = ctx.registry.host('ok');
  const common = ['--tls-verify=false', '--retries', '0'];
  const inspect = (image: string) => () => ['inspect', '--image', image, ...common];
  const decrypt = (image: string) => (out: string) => [
    'decrypt',
    '--image',
    image,
    '--key',
    ctx.priv,
    '--output',
    out,
    ...common,
  ];
  const push = (image: string) => pushArgs(ctx, image);
  const row = (name: string, args: Case['args'], mentions: string[]): Case => ({
    group: 'registry answers',
    name,
    args,
    mentions,
  });
  const at = (p: Parameters<typeof ctx.registry.host>[0], repo = 'team/app:v1') =>
    `${ctx.registry.host(p)}/${repo}`;
  return [
    row('a host that is not a registry', push(at('not-registry')), [ctx.registry.host('not-registry')]),
    row('a registry that is down (503)', push(at('down')), [ctx.registry.host('down')]),
    row('a registry asking for Negotiate auth', push(at('negotiate')), [ctx.registry.host('negotiate')]),
    row('a Bearer challenge whose realm is not a URL', push(at('bad-realm')), ['realm']),
    row('a token endpoint answering HTML', inspect(at('token-garbage')), [
      ctx.registry.host('token-garbage'),
    ]),
    row('a manifest that is not JSON', inspect(`${ok}/bad/not-json:v1`), ['bad/not-json']),
    row('a manifest served as text/html', inspect(`${ok}/bad/html:v1`), ['bad/html']),
    row('a manifest over 4 MiB', inspect(`${ok}/bad/huge:v1`), ['bad/huge']),
    row(
      'a manifest whose bytes do not match the digest asked for',
      inspect(`${ok}/bad/wrong-digest@sha256:${'c'.repeat(64)}`),
      ['bad/wrong-digest'],
    ),
    row('an image the registry does not have', inspect(`${ok}/team/none:v1`), ['team/none']),
    row('a layer blob whose bytes are not its digest', decrypt(`${ok}/bad/blob:latest`), ['sha256:']),
    row('a registry that stores a blob under another digest', push(`${ok}/bad/digest-header:v1`), [
      'bad/digest-header',
    ]),
    row('a registry that refuses the manifest', push(`${ok}/bad/manifest-500:v1`), ['bad/manifest-500']),
  ];
}
