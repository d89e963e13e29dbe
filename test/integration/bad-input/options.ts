/** Rows: image references and options that do not parse or make no sense together. */
import { join } from 'node:path';
import { encryptArgs, pushArgs, type Case, type Ctx } from './support.js';

export function referenceAndOptionCases(ctx: Ctx): Case[] {
  const push = (image: string, ...extra: string[]) => pushArgs(ctx, image, ...extra);
  const host = ctx.registry.host('ok');
  const refs: [string, string][] = [
    ['an image with upper-case letters in the repository', `${host}/Team/App:v1`],
    ['an image with two tags', `${host}/team/app:v1:v2`],
    ['an image with a bad digest', `${host}/team/app@sha256:1234`],
    ['an image with an empty host', `:5000/team/app`],
    ['an image with a tag too long', `${host}/team/app:${'t'.repeat(200)}`],
    ['an image with spaces', `${host}/team/my app`],
  ];
  const rows: Case[] = refs.map(([name, image]) => ({
    group: 'references',
    name,
    args: push(image),
    mentions: [image],
  }));
  rows.push(
    {
      group: 'references',
      name: 'a --tag that is not a tag',
      args: push(`${host}/team/opt1:v1`, '--tag', 'bad tag!'),
      mentions: ['bad tag!'],
    },
    {
      group: 'references',
      name: 'inspect --image of a reference that does not parse',
      args: () => ['inspect', '--image', 'UPPER/Case::x'],
      mentions: ['UPPER/Case::x'],
    },
  );
  const opt = (name: string, extra: string[], mentions: string[]): Case => ({
    group: 'options',
    name,
    args: encryptArgs(ctx, ctx.good, ...extra),
    mentions,
  });
  rows.push(
    opt('--encrypt-layers out of range', ['--encrypt-layers', '7'], ['encrypt-layers', '7']),
    opt('--encrypt-layers not a number', ['--encrypt-layers', 'top'], ['encrypt-layers', 'top']),
    opt('--platform without an architecture', ['--platform', 'linux'], ['platform', 'linux']),
    opt('--platform that matches nothing', ['--platform', 'windows/arm64'], ['windows/arm64']),
    opt('an unknown option', ['--encrypt-everything'], ['--encrypt-everything']),
    opt(
      '--attestations with an unknown value',
      ['--attestations', 'sometimes'],
      ['attestations', 'sometimes'],
    ),
    opt(
      '--digest-file in a folder that does not exist',
      ['--digest-file', join(ctx.dir, 'nope', 'digest')],
      ['--digest-file'],
    ),
    {
      group: 'options',
      name: '--retries that is negative',
      args: push(`${host}/team/opt2:v1`, '--retries', '-2'),
      mentions: ['--retries'],
    },
    {
      group: 'options',
      name: '--ca-file that does not exist',
      args: push(`${host}/team/opt3:v1`, '--ca-file', join(ctx.dir, 'no-ca.pem')),
      mentions: ['--ca-file'],
    },
    {
      group: 'options',
      name: '--ca-file that holds no certificate',
      args: push(`${host}/team/opt4:v1`, '--ca-file', ctx.pub),
      mentions: ['--ca-file'],
    },
    {
      group: 'options',
      name: '--tls-verify with a value that is not a boolean',
      args: push(`${host}/team/opt5:v1`, '--tls-verify=maybe'),
      mentions: ['--tls-verify'],
    },
    {
      group: 'options',
      name: '--password-stdin with nothing on stdin',
      args: push(`${host}/team/opt6:v1`, '--username', 'u', '--password-stdin'),
      input: '',
      mentions: ['--password-stdin'],
    },
    {
      group: 'options',
      name: 'encrypt with neither --output nor --image',
      args: () => ['encrypt', '--layout', ctx.good, '--recipient', ctx.pub],
      mentions: ['--output', '--image'],
    },
  );
  return rows;
}
