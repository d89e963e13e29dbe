#!/usr/bin/env node
// A key provider for the tests (ocicrypt keyprovider protocol over stdin/stdout): wraps the private options with
// AES-256-GCM under a KEK (hex in KP_KEK), see keyprovider-kek.mjs. argv[2] picks a behaviour:
// "ok" (default), "numbers" (byte fields as JSON number arrays, as Rust providers write them), "fail", "hang",
// "garbage", "echo" (a careless provider: echoes its request, which holds the layer key, to stderr, in colour,
// with the key in hex too, and fails; KP_ECHO names a file it also writes the request to, for the test to compare).
// KP_LOG, when set, is a file the request's params are appended to (never the key).
import { appendFileSync, writeFileSync } from 'node:fs';
import { kekAnswer, requestParams } from './keyprovider-kek.mjs';

const mode = process.argv[2] ?? 'ok';
const kek = Buffer.from(process.env.KP_KEK ?? '', 'hex');
const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const raw = Buffer.concat(chunks).toString('utf8');
const req = JSON.parse(raw);
if (mode === 'echo') {
  if (process.env.KP_ECHO) writeFileSync(process.env.KP_ECHO, raw);
  const optsdata = req.keywrapparams.optsdata;
  const symkey = optsdata ? JSON.parse(Buffer.from(optsdata, 'base64').toString('utf8')).symkey : '';
  const hex = Buffer.from(symkey, 'base64').toString('hex');
  process.stderr.write(`\x1b[31mcannot parse request:\x1b[0m ${raw}\nkey: ${hex}\x07\n`);
  process.exit(1);
}
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
