#!/usr/bin/env node
// A key provider for the tests (ocicrypt keyprovider protocol over stdin/stdout): wraps the private options with
// AES-256-GCM under a KEK (hex in KP_KEK), annotation = JSON {"iv","ct"} (base64). argv[2] picks a behaviour:
// "ok" (default), "numbers" (byte fields as JSON number arrays, as Rust providers write them), "fail", "hang",
// "garbage". KP_LOG, when set, is a file the request's params are appended to (never the key).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';

const mode = process.argv[2] ?? 'ok';
const kek = Buffer.from(process.env.KP_KEK ?? '', 'hex');
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
if (mode === 'fail') {
  process.stderr.write('kms says: access denied for this key\nsecond line\n');
  process.exit(3);
}
if (mode === 'hang') await new Promise(() => setInterval(() => {}, 1000));
if (mode === 'garbage') {
  process.stdout.write('this is not json');
  process.exit(0);
}
const bytes = (b) => (mode === 'numbers' ? [...b] : b.toString('base64'));
const params = req.op === 'keywrap' ? req.keywrapparams.ec.Parameters : req.keyunwrapparams.dc.Parameters;
if (process.env.KP_LOG) appendFileSync(process.env.KP_LOG, JSON.stringify({ op: req.op, params }) + '\n');
if (req.op === 'keywrap') {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', kek, iv);
  const ct = Buffer.concat([
    c.update(Buffer.from(req.keywrapparams.optsdata, 'base64')),
    c.final(),
    c.getAuthTag(),
  ]);
  const annotation = Buffer.from(JSON.stringify({ iv: iv.toString('base64'), ct: ct.toString('base64') }));
  process.stdout.write(JSON.stringify({ keywrapresults: { annotation: bytes(annotation) } }));
} else {
  const a = JSON.parse(Buffer.from(req.keyunwrapparams.annotation, 'base64').toString('utf8'));
  const ct = Buffer.from(a.ct, 'base64');
  const d = createDecipheriv('aes-256-gcm', kek, Buffer.from(a.iv, 'base64'));
  d.setAuthTag(ct.subarray(ct.length - 16));
  const opts = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
  process.stdout.write(JSON.stringify({ keyunwrapresults: { optsdata: bytes(opts) } }));
}
