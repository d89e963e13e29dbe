/** Rows: recipients and decryption keys that cannot be used. */
import { keyPair } from '../../helpers/fixtures.js';
import type { Case, Ctx } from './support.js';

export function keyCases(ctx: Ctx): Case[] {
  const weak = ctx.file('weak.pub.pem', keyPair('rsa1024').publicPem);
  const ed = ctx.file('ed25519.pub.pem', keyPair('ed25519').publicPem);
  const k1 = ctx.file('secp256k1.pub.pem', keyPair('secp256k1').publicPem);
  const other = keyPair('p256');
  const otherKey = ctx.file('other.key.pem', other.privatePem, 0o600);
  const enc = (recipient: string) => (out: string) => [
    'encrypt',
    '--layout',
    ctx.good,
    '--output',
    out,
    '--recipient',
    recipient,
  ];
  const dec = (key: string) => (out: string) => [
    'decrypt',
    '--layout',
    ctx.encrypted,
    '--key',
    key,
    '--output',
    out,
  ];
  const recipientRows: [string, string][] = [
    ['a recipient file that does not exist', ctx.file('x', '') + '.missing'],
    ['an empty recipient file', ctx.file('empty.pem', '')],
    ['a private key given as a recipient', ctx.priv],
    ['an RSA-1024 recipient (too weak)', weak],
    ['an Ed25519 recipient (ocicrypt cannot wrap to it)', ed],
    ['a secp256k1 recipient (not a P-curve)', k1],
    ['a recipient file of garbage text', ctx.file('garbage.pem', 'hello, this is not a key\n')],
    [
      'a recipient JWK with a foreign alg',
      ctx.file('k.jwk', JSON.stringify({ ...other.publicKey.export({ format: 'jwk' }), alg: 'HS256' })),
    ],
    [
      'a recipient JWK that is a private JWK',
      ctx.file('priv.jwk', JSON.stringify(other.privateKey.export({ format: 'jwk' }))),
    ],
    ['a JSON recipient that is no JWK', ctx.file('not.jwk', '{"kty":"nope"}')],
  ];
  const rows: Case[] = recipientRows.map(([name, path]) => ({
    group: 'keys',
    name,
    args: enc(path),
    mentions: [path],
  }));
  rows.push(
    { group: 'keys', name: 'an unknown recipient scheme', args: enc(`pgp:${ctx.pub}`), mentions: ['pgp:'] },
    {
      group: 'keys',
      name: 'encrypt with no recipient at all',
      args: (out) => ['encrypt', '--layout', ctx.good, '--output', out],
      mentions: ['--recipient'],
    },
    {
      group: 'keys',
      name: 'a decryption key that does not exist',
      args: dec(`${ctx.priv}.missing`),
      mentions: [`${ctx.priv}.missing`],
    },
    {
      group: 'keys',
      name: 'a public key given as a decryption key',
      args: dec(ctx.pub),
      mentions: [ctx.pub],
    },
    { group: 'keys', name: 'a key that opens no layer', args: dec(otherKey), mentions: ['sha256:'] },
    {
      group: 'keys',
      name: 'a passphrase variable that is not set',
      args: dec(`${ctx.priv}:env=OEP_NO_SUCH_VARIABLE`),
      mentions: ['OEP_NO_SUCH_VARIABLE'],
    },
  );
  rows.push({
    group: 'keys',
    name: 'an encrypted key with the wrong passphrase',
    args: dec(
      `${ctx.file('enc.key.pem', other.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right' }) as string, 0o600)}:env=OEP_PW`,
    ),
    env: { OEP_PW: 'wrong' },
    mentions: ['enc.key.pem'],
  });
  return rows;
}
