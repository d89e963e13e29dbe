import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOepError } from '../../../src/errors.js';
import {
  formatReference,
  parseReference,
  repositoryName,
  resolveTag,
  type Reference,
} from '../../../src/registry/reference.js';

const HEX = 'a'.repeat(64);
const DIGEST = `sha256:${HEX}`;

/** The error a user sees: E_IMAGE_REF, and a message that quotes what they typed. */
const badRef =
  (input: string, fragment = '') =>
  (e: unknown) =>
    isOepError(e, 'E_IMAGE_REF') && e.message.includes(JSON.stringify(input)) && e.message.includes(fragment);

describe('parseReference: valid references', () => {
  const table: [string, Reference][] = [
    ['ubuntu', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/ubuntu' }],
    [
      'ubuntu:22.04',
      { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/ubuntu', tag: '22.04' },
    ],
    ['x/y', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'x/y' }],
    [
      'docker.io/x/y:1',
      { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'x/y', tag: '1' },
    ],
    [
      'docker.io/ubuntu',
      { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/ubuntu' },
    ],
    [
      'index.docker.io/x',
      { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'library/x' },
    ],
    ['index.docker.io/x/y', { registry: 'docker.io', apiHost: 'registry-1.docker.io', repository: 'x/y' }],
    ['localhost:5000/x', { registry: 'localhost:5000', apiHost: 'localhost:5000', repository: 'x' }],
    ['localhost/x', { registry: 'localhost', apiHost: 'localhost', repository: 'x' }],
    [
      '127.0.0.1:5000/a/b:tag',
      { registry: '127.0.0.1:5000', apiHost: '127.0.0.1:5000', repository: 'a/b', tag: 'tag' },
    ],
    ['[::1]:5000/x', { registry: '[::1]:5000', apiHost: '[::1]:5000', repository: 'x' }],
    [
      `ghcr.io/org/app@${DIGEST}`,
      { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'org/app', digest: DIGEST },
    ],
    [
      `ghcr.io/org/app:v1.2.3@${DIGEST}`,
      { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'org/app', tag: 'v1.2.3', digest: DIGEST },
    ],
    [
      'registry.example.com:443/a/b-c/d_e/f.g:Tag_1.0-rc',
      {
        registry: 'registry.example.com:443',
        apiHost: 'registry.example.com:443',
        repository: 'a/b-c/d_e/f.g',
        tag: 'Tag_1.0-rc',
      },
    ],
    [
      `ghcr.io/a@sha512:${'b'.repeat(128)}`,
      { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'a', digest: `sha512:${'b'.repeat(128)}` },
    ],
    [
      `x:${'t'.repeat(128)}`,
      {
        registry: 'docker.io',
        apiHost: 'registry-1.docker.io',
        repository: 'library/x',
        tag: 't'.repeat(128),
      },
    ],
  ];
  for (const [input, want] of table) {
    it(`${input.length > 60 ? `${input.slice(0, 57)}...` : input}`, () => {
      assert.deepEqual(parseReference(input), want);
    });
  }

  it('trims surrounding whitespace', () => {
    assert.deepEqual(parseReference('  ghcr.io/a/b:1\n'), parseReference('ghcr.io/a/b:1'));
  });

  it('formats back to registry/repository[:tag][@digest]', () => {
    const ref = parseReference(`ghcr.io/org/app:v1@${DIGEST}`);
    assert.equal(formatReference(ref), `ghcr.io/org/app:v1@${DIGEST}`);
    assert.equal(repositoryName(ref), 'ghcr.io/org/app');
    assert.equal(formatReference(parseReference('ubuntu')), 'docker.io/library/ubuntu');
  });
});

describe('parseReference: invalid references fail with E_IMAGE_REF naming the input', () => {
  const table: [string, string, string][] = [
    ['uppercase repository', 'ghcr.io/Org/app', 'lowercase'],
    ['uppercase single-component repository', 'Ubuntu', ''],
    ['bad tag characters', 'ghcr.io/org/app:v1+build', 'not a valid tag'],
    ['tag starting with a dot', 'ghcr.io/org/app:.v1', 'not a valid tag'],
    ['tag of 129 characters', `ghcr.io/org/app:${'t'.repeat(129)}`, 'not a valid tag'],
    ['empty', '', 'empty'],
    ['blank', '   ', 'empty'],
    ['digest with a short hex', 'ghcr.io/org/app@sha256:abc', 'not a digest'],
    ['digest with an unknown algorithm', `ghcr.io/org/app@md5:${HEX}`, 'not a digest'],
    ['digest in uppercase', `ghcr.io/org/app@sha256:${'A'.repeat(64)}`, 'not a digest'],
    ['empty digest', 'ghcr.io/org/app@', 'not a digest'],
    ['empty path component', 'a//b', ''],
    ['trailing slash', 'ghcr.io/org/', ''],
    ['trailing colon', 'ghcr.io/org/app:', 'not a valid tag'],
    ['leading separator', 'ghcr.io/-app', ''],
    ['double dash is fine but a trailing dash is not', 'ghcr.io/app-', ''],
    ['registry only', 'ghcr.io/', ''],
    ['bad registry host', 'ghcr..io/app', 'registry host'],
    ['port above 65535', 'localhost:99999/x', 'registry host'],
    ['malformed IPv6 literal', '[:::::]:5000/x', 'registry host'],
    ['repository longer than 255 characters', `ghcr.io/${'a'.repeat(256)}`, 'longer than 255'],
  ];
  for (const [name, input, fragment] of table) {
    it(name, () => {
      assert.throws(() => parseReference(input), badRef(input, fragment));
    });
  }

  it('gives a hint with an example', () => {
    try {
      parseReference('a//b');
      assert.fail('no error');
    } catch (e) {
      assert.ok(isOepError(e, 'E_IMAGE_REF'));
      assert.match(e.hint ?? '', /ghcr\.io\/org\/app:v1/);
    }
  });
});

describe('resolveTag', () => {
  const main = parseReference('ghcr.io/org/app:v1');

  it('puts a bare tag on the main repository', () => {
    assert.deepEqual(
      { ...resolveTag('latest', main) },
      { registry: 'ghcr.io', apiHost: 'ghcr.io', repository: 'org/app', tag: 'latest', digest: undefined },
    );
    assert.equal(resolveTag(' v2.0 ', main).tag, 'v2.0');
  });

  it('drops the digest of the main reference for a bare tag', () => {
    const pinned = parseReference(`ghcr.io/org/app@${DIGEST}`);
    const r = resolveTag('v3', pinned);
    assert.equal(r.tag, 'v3');
    assert.equal(r.digest, undefined);
    assert.equal(formatReference(r), 'ghcr.io/org/app:v3');
  });

  it('takes a full reference to another repository as it is', () => {
    const r = resolveTag('docker.io/org/mirror:edge', main);
    assert.equal(r.registry, 'docker.io');
    assert.equal(r.apiHost, 'registry-1.docker.io');
    assert.equal(r.repository, 'org/mirror');
    assert.equal(r.tag, 'edge');
  });

  it('defaults a full reference without a tag to latest', () => {
    const r = resolveTag('localhost:5000/other', main);
    assert.equal(formatReference(r), 'localhost:5000/other:latest');
  });

  it('refuses a digest reference as a tag', () => {
    const input = `ghcr.io/org/app@${DIGEST}`;
    assert.throws(() => resolveTag(input, main), badRef(input, 'cannot be a digest'));
  });

  it('refuses a bare digest as a tag', () => {
    assert.throws(() => resolveTag(DIGEST, main), badRef(DIGEST, 'digest'));
  });

  it('refuses an invalid tag, naming it', () => {
    assert.throws(() => resolveTag('v1+build', main), badRef('v1+build'));
    assert.throws(() => resolveTag(`${'t'.repeat(129)}`, main), badRef('t'.repeat(129)));
  });
});
