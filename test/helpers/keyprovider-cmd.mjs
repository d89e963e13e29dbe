#!/usr/bin/env node
// A key provider for the tests (ocicrypt keyprovider protocol over stdin/stdout): wraps the private options with
// AES-256-GCM under a KEK (hex in KP_KEK), see keyprovider-kek.mjs. argv[2] picks a behaviour:
// "ok" (default), "numbers" (byte fields as JSON number arrays, as Rust providers write them), "fail", "hang",
// "garbage". KP_LOG, when set, is a file the request's params are appended to (never the key).
import { appendFileSync } from 'node:fs';
import { kekAnswer, requestParams } from './keyprovider-kek.mjs';

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
const params = requestParams(req);
if (process.env.KP_LOG) appendFileSync(process.env.KP_LOG, JSON.stringify({ op: req.op, params }) + '\n');
process.stdout.write(JSON.stringify(kekAnswer(req, kek, mode === 'numbers')));
