/**
 * The Action adapter without a runner: INPUT_* variables → getInputs → optionsFrom (one table, as
 * build-push-action's context tests), and failureMessage, which puts the input at fault first on the
 * `::error::` line.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { optionsFrom } from '../../../src/action/inputs.js';
import type { Request as ActionOptions } from '../../../src/pipeline/request.js';
import { failureMessage, getInputs } from '../../../src/action/main.js';
import { OepError, type ErrorCode } from '../../../src/errors.js';
import { keyPair, tempDir, writeKeyPair } from '../../helpers/fixtures.js';
import { certificatePem } from './support.js';

const dir = tempDir('oep-action-main-');
const rsa = keyPair('rsa2048');
const files = writeKeyPair(dir, 'rsa', rsa);
const PEM_CA = '-----BEGIN CERTIFICATE-----\n';

/** What the runner sets: INPUT_ + the name upper-cased, spaces to _, dashes kept. */
function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

describe('INPUT_* → getInputs → optionsFrom', () => {
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('INPUT_')) delete process.env[k];
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  function optionsOf(inputs: Record<string, string>): ActionOptions {
    for (const [name, value] of Object.entries(inputs)) process.env[inputVariable(name)] = value;
    return optionsFrom(getInputs(), { HOME: '/nowhere' });
  }

  const base = { layout: 'image.tar', 'public-keys': rsa.publicPem };

  test('INPUT_PUBLIC-KEYS keeps its dash and reaches the recipients', () => {
    process.env['INPUT_PUBLIC-KEYS'] = rsa.publicPem;
    assert.equal(getInputs()['public-keys'], rsa.publicPem.trim());
    process.env['INPUT_PUBLIC-KEYS'] = '';
    process.env.INPUT_PUBLIC_KEYS = rsa.publicPem; // the underscore spelling is not the runner's
    assert.equal(getInputs()['public-keys'], '');
  });

  test('defaults: only layout, a key and output', () => {
    const o = optionsOf({ ...base, output: 'enc' });
    assert.equal(o.layout, 'image.tar');
    assert.equal(o.image, undefined);
    assert.deepEqual(o.tags, []);
    assert.equal(o.output, 'enc');
    assert.equal(o.recipients.length, 1);
    assert.equal(o.encryptLayers, undefined);
    assert.equal(o.platforms, undefined);
    assert.equal(o.refName, undefined);
    assert.equal(o.verify, true);
    assert.equal(o.showSummary, true);
    assert.equal(o.results.digestFile, undefined);
    assert.equal(o.attestations, 'drop', 'attestation manifests are dropped unless asked');
    assert.deepEqual(o.registry, {
      tlsVerify: true,
      retries: 3,
      env: { HOME: '/nowhere' },
      userAgent: 'oci-encrypt-push-action',
    });
  });

  // One row per input: the INPUT_* value and what it becomes.
  const rows: { name: string; inputs: Record<string, string>; check: (o: ActionOptions) => void }[] = [
    {
      name: 'image',
      inputs: { image: ' ghcr.io/org/app:v1 ' },
      check: (o) => assert.equal(o.image, 'ghcr.io/org/app:v1'),
    },
    {
      name: 'tags, newline-separated as metadata-action writes them',
      inputs: { image: 'ghcr.io/org/app:v1', tags: 'v2\nghcr.io/org/app:latest\n' },
      check: (o) => assert.deepEqual(o.tags, ['v2', 'ghcr.io/org/app:latest']),
    },
    {
      name: 'tags, comma-separated',
      inputs: { image: 'ghcr.io/org/app:v1', tags: 'v2,v3' },
      check: (o) => assert.deepEqual(o.tags, ['v2', 'v3']),
    },
    {
      name: 'tags with image empty: the first full reference is the image',
      inputs: { tags: 'ghcr.io/org/app:1.2.3\nghcr.io/org/app:latest' },
      check: (o) => {
        assert.equal(o.image, 'ghcr.io/org/app:1.2.3');
        assert.deepEqual(o.tags, ['ghcr.io/org/app:latest']);
      },
    },
    {
      name: 'ref-name',
      inputs: { output: 'x', 'ref-name': ' v1 ' },
      check: (o) => assert.equal(o.refName, 'v1'),
    },
    {
      name: 'recipients (jwe:FILE lines) after public-keys',
      inputs: { output: 'x', recipients: `jwe:${files.pub}\n${files.pub}` },
      check: (o) => assert.equal(o.recipients.length, 3),
    },
    {
      name: 'recipients alone',
      inputs: { output: 'x', 'public-keys': '', recipients: `jwe:${files.pub}` },
      check: (o) => assert.equal(o.recipients[0]!.source, files.pub),
    },
    {
      name: 'encrypt-layers',
      inputs: { output: 'x', 'encrypt-layers': '0,-1' },
      check: (o) => assert.deepEqual(o.encryptLayers, [0, -1]),
    },
    {
      name: 'platforms',
      inputs: { output: 'x', platforms: 'linux/amd64,linux/arm64' },
      check: (o) =>
        assert.deepEqual(
          o.platforms?.map((p) => p.architecture),
          ['amd64', 'arm64'],
        ),
    },
    {
      name: 'username and password',
      inputs: { image: 'r.example/app', username: 'bot', password: 's3cret' },
      check: (o) => {
        assert.equal(o.registry.username, 'bot');
        assert.equal(o.registry.password, 's3cret');
      },
    },
    {
      name: 'tls-verify false',
      inputs: { image: 'r.example/app', 'tls-verify': 'false' },
      check: (o) => assert.equal(o.registry.tlsVerify, false),
    },
    {
      name: 'retries',
      inputs: { output: 'x', retries: '7' },
      check: (o) => assert.equal(o.registry.retries, 7),
    },
    {
      name: 'verify false',
      inputs: { image: 'r.example/app', verify: 'false' },
      check: (o) => assert.equal(o.verify, false),
    },
    {
      name: 'output as well as image',
      inputs: { image: 'r.example/app', output: 'enc' },
      check: (o) => {
        assert.equal(o.image, 'r.example/app');
        assert.equal(o.output, 'enc');
      },
    },
    {
      name: 'digest-file',
      inputs: { output: 'x', 'digest-file': ' digest.txt ' },
      check: (o) => assert.equal(o.results.digestFile, 'digest.txt'),
    },
    {
      name: 'attestations keep',
      inputs: { output: 'x', attestations: 'keep' },
      check: (o) => assert.equal(o.attestations, 'keep'),
    },
    {
      name: 'attestations drop',
      inputs: { output: 'x', attestations: ' drop ' },
      check: (o) => assert.equal(o.attestations, 'drop'),
    },
    {
      name: 'show-summary false',
      inputs: { output: 'x', 'show-summary': 'false' },
      check: (o) => assert.equal(o.showSummary, false),
    },
  ];
  for (const row of rows) {
    test(row.name, () => row.check(optionsOf({ ...base, ...row.inputs })));
  }

  test('ca-cert: a path is read, PEM text is kept', () => {
    const pem = certificatePem(dir, rsa);
    const file = join(dir, 'ca.pem');
    writeFileSync(file, pem);
    assert.equal(optionsOf({ ...base, image: 'r.example/app', 'ca-cert': file }).registry.ca, pem);
    assert.equal(optionsOf({ ...base, image: 'r.example/app', 'ca-cert': pem }).registry.ca, pem.trim());
  });

  // Each bad input: one field changed from a good set; the error names it.
  const bad: { inputs: Record<string, string>; input: string; pattern?: RegExp }[] = [
    { inputs: { layout: '' }, input: 'layout', pattern: /is required/ },
    { inputs: { output: '', image: '' }, input: 'image', pattern: /nothing to do/ },
    { inputs: { output: '', tags: 'v1\nv2' }, input: 'tags', pattern: /bare tags/ },
    { inputs: { 'public-keys': '' }, input: 'public-keys', pattern: /no key to encrypt for/ },
    { inputs: { 'public-keys': rsa.privatePem }, input: 'public-keys', pattern: /private key/ },
    { inputs: { recipients: files.priv }, input: 'recipients', pattern: /private key/ },
    { inputs: { 'encrypt-layers': 'top' }, input: 'encrypt-layers' },
    { inputs: { platforms: 'linux' }, input: 'platforms' },
    { inputs: { verify: 'yes' }, input: 'verify' },
    { inputs: { 'ca-cert': 'nope' }, input: 'ca-cert' },
    { inputs: { 'ca-cert': `${PEM_CA}junk` }, input: 'ca-cert' },
    { inputs: { 'tls-verify': 'maybe' }, input: 'tls-verify' },
    { inputs: { retries: 'many' }, input: 'retries' },
    { inputs: { retries: '-1' }, input: 'retries' },
    { inputs: { 'show-summary': 'no' }, input: 'show-summary' },
    {
      inputs: { attestations: 'yes' },
      input: 'attestations',
      // The CLI's --attestations prints the same words (test/unit/pipeline/cli.test.ts).
      pattern: /^attestations: "yes" is not drop or keep \(allowed values: drop, the default, or keep\)$/,
    },
  ];
  for (const { inputs, input, pattern } of bad) {
    test(`bad ${Object.entries(inputs)
      .map(([k, v]) => `${k}=${JSON.stringify(v.slice(0, 20))}`)
      .join(' ')} names ${input}`, () => {
      assert.throws(
        () => optionsOf({ ...base, output: 'x', ...inputs }),
        (err) => {
          const line = failureMessage(err);
          const text = line.replace(/^error\[E_[A-Z_]+\]: /, '');
          assert.notEqual(text, line, `no error[E_CODE] prefix: ${line}`);
          assert.ok(text.startsWith(`${input}:`) || text.startsWith(`${input} `), line);
          if (pattern) assert.match(text, pattern);
          return true;
        },
      );
    });
  }
});

describe('failureMessage', () => {
  const rows: { code: ErrorCode; message: string; hint?: string; want: string }[] = [
    // The input is put first…
    {
      code: 'E_LAYOUT',
      message: 'image is not an OCI layout: no oci-layout file',
      want: 'layout: image is not an OCI layout: no oci-layout file',
    },
    {
      code: 'E_BLOB_MISSING',
      message: 'blob sha256:ab is missing',
      want: 'layout: blob sha256:ab is missing',
    },
    {
      code: 'E_DIGEST',
      message: 'blob sha256:ab does not match',
      want: 'layout: blob sha256:ab does not match',
    },
    { code: 'E_MANIFEST', message: 'bad manifest', want: 'layout: bad manifest' },
    { code: 'E_REF_NAME', message: 'the layout holds 2 images', want: 'ref-name: the layout holds 2 images' },
    {
      code: 'E_PLATFORM',
      message: 'linux/s390x matched nothing',
      want: 'platforms: linux/s390x matched nothing',
    },
    {
      code: 'E_KEY',
      message: 'keys/a.pem is too short',
      want: 'public-keys/recipients: keys/a.pem is too short',
    },
    {
      code: 'E_IMAGE_REF',
      message: 'invalid image reference "A"',
      want: 'image/tags: invalid image reference "A"',
    },
    {
      code: 'E_AUTH',
      message: 'HTTP 401',
      hint: 'log in first',
      want: 'username/password: HTTP 401 (log in first)',
    },
    { code: 'E_OUTPUT', message: 'cannot create out: EACCES', want: 'output: cannot create out: EACCES' },
    // …unless the message already starts with it (or with one of several).
    { code: 'E_LAYOUT', message: 'layout nope does not exist', want: 'layout nope does not exist' },
    {
      code: 'E_LAYER_INDEX',
      message: 'encrypt-layers: "x" is not a layer index',
      want: 'encrypt-layers: "x" is not a layer index',
    },
    { code: 'E_KEY', message: 'public-keys is a private key', want: 'public-keys is a private key' },
    {
      code: 'E_KEY',
      message: 'recipients: a.pem is a private key',
      want: 'recipients: a.pem is a private key',
    },
    {
      code: 'E_NO_RECIPIENT',
      message: 'public-keys and recipients are both empty',
      want: 'public-keys and recipients are both empty',
    },
    { code: 'E_IMAGE_REF', message: 'image x names a digest', want: 'image x names a digest' },
    { code: 'E_OUTPUT', message: 'output enc already exists', want: 'output enc already exists' },
    // A word, not a prefix: "layouts/…" is a path, not the input.
    {
      code: 'E_LAYOUT',
      message: 'layouts/app is not an OCI layout',
      want: 'layout: layouts/app is not an OCI layout',
    },
    // Errors about no input stay as they are.
    { code: 'E_REGISTRY', message: 'HTTP 500 from 127.0.0.1', want: 'HTTP 500 from 127.0.0.1' },
    {
      code: 'E_NETWORK',
      message: 'ECONNREFUSED',
      hint: 'is the registry up?',
      want: 'ECONNREFUSED (is the registry up?)',
    },
    { code: 'E_USAGE', message: 'retries: "x" is not a number', want: 'retries: "x" is not a number' },
  ];
  for (const { code, message, hint, want } of rows) {
    test(`${code}: ${message}`, () => {
      assert.equal(
        failureMessage(new OepError(code, message, hint ? { hint } : {})),
        `error[${code}]: ${want}`,
      );
    });
  }

  test('anything else is an internal error, with its stack when debugging', () => {
    const err = new TypeError('x is undefined');
    assert.match(
      failureMessage(err),
      /^error\[E_INTERNAL\]: TypeError: x is undefined \(a bug in oci-encrypt-push[^\n]*\)$/,
    );
    const debug = failureMessage(err, true);
    assert.match(
      debug,
      /^error\[E_INTERNAL\]: TypeError: x is undefined \([^\n]*\)\nTypeError: x is undefined\n\s+at /,
    );
  });
});
