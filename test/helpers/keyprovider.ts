/**
 * Key providers for the tests: a gRPC provider (keyprovider.KeyProviderService from upstream's .proto, wrapping
 * with a KEK as the cmd provider does), and the independent decoder that reads what such a provider wrapped from
 * the format alone.
 */
import assert from 'node:assert/strict';
import { createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { isOepError } from '../../src/errors.js';
import type { Descriptor } from '../../src/oci/model.js';
import { decryptLayer, encryptLayer } from '../../src/ocicrypt/layer.js';
import type { Providers } from '../../src/pipeline/providers.js';
import { chunked, runLayer } from '../unit/ocicrypt/streams.js';
import { sha256 } from './fixtures.js';
import { kekAnswer } from './keyprovider-kek.mjs';

export type ProviderMode = 'ok' | 'numbers' | 'fail' | 'hang' | 'garbage';

export interface GrpcProvider {
  address: string;
  /** The ops received, in order. */
  ops: string[];
  close(): void;
}

type Handler = grpc.handleUnaryCall<
  { KeyProviderKeyWrapProtocolInput: Buffer },
  { KeyProviderKeyWrapProtocolOutput: Buffer }
>;

function handler(kek: Buffer, mode: ProviderMode, ops: string[]): Handler {
  return (call, callback) => {
    const req = JSON.parse(call.request.KeyProviderKeyWrapProtocolInput.toString('utf8')) as { op: string };
    ops.push(req.op);
    if (mode === 'hang') return;
    if (mode === 'fail') {
      callback({ code: grpc.status.PERMISSION_DENIED, details: 'kms says: access denied for this key' });
      return;
    }
    const answer =
      mode === 'garbage' ? 'this is not json' : JSON.stringify(kekAnswer(req, kek, mode === 'numbers'));
    callback(null, { KeyProviderKeyWrapProtocolOutput: Buffer.from(answer, 'utf8') });
  };
}

export interface GrpcProviderOptions {
  /** Where to listen: `host:0` (a free port; the default is 127.0.0.1:0) or `unix:PATH`. */
  bind?: string;
  /** TLS: the server's certificate and key files; with clientCaFile, client certificates it signed are required. */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
}

function serverCredentials(tls: GrpcProviderOptions['tls']): grpc.ServerCredentials {
  if (!tls) return grpc.ServerCredentials.createInsecure();
  const pair = { cert_chain: readFileSync(tls.certFile), private_key: readFileSync(tls.keyFile) };
  const clientCa = tls.clientCaFile ? readFileSync(tls.clientCaFile) : null;
  return grpc.ServerCredentials.createSsl(clientCa, [pair], clientCa !== null);
}

/** A gRPC key provider: plaintext on 127.0.0.1 (a free port) unless told otherwise. */
export async function startGrpcProvider(
  kek: Buffer,
  mode: ProviderMode = 'ok',
  opts: GrpcProviderOptions = {},
): Promise<GrpcProvider> {
  const def = protoLoader.loadSync(join(import.meta.dirname, 'keyprovider.proto'), { keepCase: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    keyprovider: { KeyProviderService: grpc.ServiceClientConstructor };
  };
  const ops: string[] = [];
  const h = handler(kek, mode, ops);
  const server = new grpc.Server();
  server.addService(pkg.keyprovider.KeyProviderService.service, { WrapKey: h, UnWrapKey: h });
  const bind = opts.bind ?? '127.0.0.1:0';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(bind, serverCredentials(opts.tls), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = bind.startsWith('unix:') ? bind : `${bind.slice(0, bind.lastIndexOf(':'))}:${port}`;
  return { address, ops, close: () => server.forceShutdown() };
}

/** The format alone: annotation → the provider's opaque bytes → (the KEK) private options → the layer. */
export function independentDecrypt(
  desc: Descriptor,
  ciphertext: Buffer,
  kek: Buffer,
  annotation: string,
): Buffer {
  const items = desc.annotations![annotation]!.split(',');
  assert.equal(items.length, 1);
  const opaque = JSON.parse(Buffer.from(items[0]!, 'base64').toString('utf8')) as { iv: string; ct: string };
  const ct = Buffer.from(opaque.ct, 'base64');
  const gcm = createDecipheriv('aes-256-gcm', kek, Buffer.from(opaque.iv, 'base64'));
  gcm.setAuthTag(ct.subarray(ct.length - 16));
  const priv = JSON.parse(Buffer.concat([gcm.update(ct.subarray(0, -16)), gcm.final()]).toString('utf8')) as {
    symkey: string;
    cipheroptions: { nonce: string };
  };
  const pub = JSON.parse(
    Buffer.from(desc.annotations!['org.opencontainers.image.enc.pubopts']!, 'base64').toString('utf8'),
  ) as { cipher: string; hmac: string };
  assert.equal(pub.cipher, 'AES_256_CTR_HMAC_SHA256');
  const key = Buffer.from(priv.symkey, 'base64');
  assert.equal(createHmac('sha256', key).update(ciphertext).digest('base64'), pub.hmac);
  const ctr = createDecipheriv('aes-256-ctr', key, Buffer.from(priv.cipheroptions.nonce, 'base64'));
  return Buffer.concat([ctr.update(ciphertext), ctr.final()]);
}

const GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const KMS_ANNOTATION = 'org.opencontainers.image.enc.keys.provider.kms';

/** A tar+gzip layer encrypted for `provider:kms:key-id=alpha`. */
export async function encryptForKms(providers: Providers, plaintext: Buffer) {
  const src: Descriptor = { mediaType: GZIP, digest: sha256(plaintext), size: plaintext.length };
  const r = providers.recipient('provider:kms:key-id=alpha', 'recipients');
  return runLayer(await encryptLayer(src, [r]), chunked(plaintext, [999]));
}

/** Through `provider:kms` and back, the layer checked in between by the independent decoder. */
export async function assertKmsRoundTrip(providers: Providers, kek: Buffer): Promise<void> {
  const plaintext = randomBytes(4000);
  const { out: ciphertext, desc } = await encryptForKms(providers, plaintext);
  assert.equal(desc.mediaType, `${GZIP}+encrypted`);
  assert.deepEqual(independentDecrypt(desc, ciphertext, kek, KMS_ANNOTATION), plaintext);
  const key = providers.key('provider:kms');
  const { out } = await runLayer(await decryptLayer(desc, [key]), chunked(ciphertext, [500]));
  assert.deepEqual(out, plaintext);
}

/** An E_PROVIDER error matching `pattern`, that never quotes the request (which holds the layer key). */
export function providerError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(isOepError(err, 'E_PROVIDER'), String(err));
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /optsdata|symkey|keywrap"/);
    return true;
  };
}

/**
 * The key material of a request the `echo` provider saved (KP_ECHO): its optsdata, and the layer key inside it
 * as base64 and as hex, as a careless provider might print them.
 */
export function requestSecrets(requestFile: string): string[] {
  const req = JSON.parse(readFileSync(requestFile, 'utf8')) as { keywrapparams: { optsdata: string } };
  const optsdata = req.keywrapparams.optsdata;
  const { symkey } = JSON.parse(Buffer.from(optsdata, 'base64').toString('utf8')) as { symkey: string };
  return [optsdata, symkey, Buffer.from(symkey, 'base64').toString('hex')];
}

/** `text` holds no 16-character piece of any secret, and no terminal escape or bell. */
export function assertNoKeyMaterial(text: string, secrets: string[]): void {
  for (const s of secrets) {
    assert.ok(s.length >= 32, 'a secret worth checking');
    for (let i = 0; i + 16 <= s.length; i++) {
      assert.ok(!text.includes(s.slice(i, i + 16)), `a piece of key material in: ${text}`);
    }
  }
  assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f]/, 'no control character');
}
