// The protocol side shared by the test key providers (cmd and gRPC): ocicrypt's keyprovider request JSON in, the
// answer JSON out. Wraps the private options with AES-256-GCM under a KEK, annotation = JSON {"iv","ct"}
// (base64); with numbers=true, byte fields are JSON number arrays, as Rust providers write them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The parameters a request carries (ec or dc, by op): what the tests log, never the key. */
export function requestParams(req) {
  return req.op === 'keywrap' ? req.keywrapparams.ec.Parameters : req.keyunwrapparams.dc.Parameters;
}

/** The answer to one request, as an object to serialize. */
export function kekAnswer(req, kek, numbers = false) {
  const bytes = (b) => (numbers ? [...b] : b.toString('base64'));
  if (req.op === 'keywrap') {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', kek, iv);
    const ct = Buffer.concat([
      c.update(Buffer.from(req.keywrapparams.optsdata, 'base64')),
      c.final(),
      c.getAuthTag(),
    ]);
    const annotation = Buffer.from(JSON.stringify({ iv: iv.toString('base64'), ct: ct.toString('base64') }));
    return { keywrapresults: { annotation: bytes(annotation) } };
  }
  const a = JSON.parse(Buffer.from(req.keyunwrapparams.annotation, 'base64').toString('utf8'));
  const ct = Buffer.from(a.ct, 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(a.iv, 'base64'));
  d.setAuthTag(ct.subarray(ct.length - 16));
  const opts = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  return { keyunwrapresults: { optsdata: bytes(opts) } };
}
