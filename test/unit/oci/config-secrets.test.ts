/**
 * The config-leak scanner: each rule fires on a sample in each place it reads, stays quiet on a clean config
 * (and on the usual near misses), and never carries the value it found.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  SCANNED_PER_VALUE,
  scanAnnotations,
  scanConfig,
  type ConfigFinding,
} from '../../../src/oci/config-secrets.js';
import { plainSecret, sampleValues } from '../../helpers/leaks.js';

type Found = Omit<ConfigFinding, 'platform'>[];

const config = (doc: object) => Buffer.from(JSON.stringify(doc));
const env = (...entries: string[]) => scanConfig(config({ config: { Env: entries } }));
const rules = (found: Found) => found.map((f) => f.rule);

/** No finding carries any of `values` anywhere. */
function assertNoValue(found: Found, values: string[]): void {
  const text = JSON.stringify(found);
  for (const v of values) assert.ok(!text.includes(v), `a finding carries the value: ${text}`);
}

describe('value rules', () => {
  const samples = sampleValues();
  for (const [name, value] of Object.entries(samples)) {
    const rule = name === 'github-pat' ? 'github-token' : name;
    test(`${rule} (${name}) fires in Env, Labels, history, Cmd and annotations, never showing the value`, () => {
      const found = [
        ...env(`SOME_SETTING=${value}`),
        ...scanConfig(config({ config: { Labels: { 'org.example.note': value } } })),
        ...scanConfig(config({ history: [{ created_by: 'RUN make' }, { created_by: `RUN echo ${value}` }] })),
        ...scanConfig(config({ config: { Cmd: ['serve', '--auth', value] } })),
        ...scanAnnotations({ 'org.example.note': value }, 'manifest'),
        ...scanAnnotations({ 'org.example.note': value }, 'index'),
      ];
      assert.deepEqual(
        found.filter((f) => f.rule === rule).map((f) => f.where),
        [
          'config Env SOME_SETTING',
          'config Labels org.example.note',
          'history[1]',
          'config Cmd',
          'manifest annotation org.example.note',
          'index annotation org.example.note',
        ],
      );
      assertNoValue(found, [value]);
    });
  }
});

describe('name rules', () => {
  test('aws-secret-access-key: *_SECRET_ACCESS_KEY with a value', () => {
    const secret = plainSecret();
    const found = env(`AWS_SECRET_ACCESS_KEY=${secret}`);
    assert.deepEqual(found, [{ where: 'config Env AWS_SECRET_ACCESS_KEY', rule: 'aws-secret-access-key' }]);
  });

  test('secret-name: *PASSWORD*, *SECRET*, *TOKEN*, *API_KEY* with values, in every place', () => {
    const s = plainSecret();
    const names = [
      'DB_PASSWORD',
      'MYSQL_ROOT_PASSWD',
      'CLIENT_SECRET',
      'GITHUB_TOKEN',
      'OPENAI_API_KEY',
      'apiKey',
    ];
    for (const name of names) {
      assert.deepEqual(rules(env(`${name}=${s}`)), ['secret-name'], name);
    }
    assert.deepEqual(scanConfig(config({ config: { Labels: { 'com.example.auth-token': s } } })), [
      { where: 'config Labels com.example.auth-token', rule: 'secret-name' },
    ]);
    assert.deepEqual(scanAnnotations({ 'org.example.password': s }, 'manifest'), [
      { where: 'manifest annotation org.example.password', rule: 'secret-name' },
    ]);
  });

  test('history: build arguments and ENV lines name the variable, not the value', () => {
    const s = plainSecret();
    const found = scanConfig(
      config({
        history: [
          { created_by: `RUN |2 NPM_TOKEN=${s} VERSION=1.2 /bin/sh -c npm ci` },
          { created_by: `ENV DB_PASSWORD="${s}"` },
          { created_by: `/bin/sh -c #(nop)  ENV API_KEY=${s}` },
        ],
      }),
    );
    assert.deepEqual(found, [
      { where: 'history[0] NPM_TOKEN', rule: 'secret-name' },
      { where: 'history[1] DB_PASSWORD', rule: 'secret-name' },
      { where: 'history[2] API_KEY', rule: 'secret-name' },
    ]);
    assertNoValue(found, [s]);
  });

  test('container_config is read as config is', () => {
    const found = scanConfig(config({ container_config: { Env: [`SESSION_SECRET=${plainSecret()}`] } }));
    assert.deepEqual(found, [{ where: 'container_config Env SESSION_SECRET', rule: 'secret-name' }]);
  });
});

describe('quiet on clean configs', () => {
  test('a usual image config: nothing', () => {
    const clean = {
      architecture: 'amd64',
      os: 'linux',
      config: {
        Env: [
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          'NODE_VERSION=22.1.0',
          'TOKENIZERS_PARALLELISM=false',
          'POSTGRES_PASSWORD_FILE=/run/secrets/db-password',
          'SECRETS_DIR=/run/secrets',
          'PASSWORD=',
          'API_KEY=${API_KEY}',
          'USE_TOKEN=true',
          'TOKEN',
        ],
        Labels: {
          'org.opencontainers.image.source': 'https://github.com/example/app',
          'org.opencontainers.image.revision': 'a'.repeat(40),
        },
        Cmd: ['node', 'server.js'],
      },
      history: [
        { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
        { created_by: 'ARG NPM_TOKEN' },
        { created_by: 'RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit' },
        { created_by: 'RUN --mount=type=secret,id=npm,env=NPM_TOKEN npm ci # buildkit' },
      ],
    };
    assert.deepEqual(scanConfig(config(clean)), []);
    assert.deepEqual(
      scanAnnotations({ 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' }, 'manifest'),
      [],
    );
  });

  test('not JSON, or odd shapes: nothing, no throw', () => {
    assert.deepEqual(scanConfig(Buffer.from('not json')), []);
    assert.deepEqual(scanConfig(config({ config: { Env: 'x', Labels: ['y'] }, history: {} })), []);
    assert.deepEqual(scanAnnotations(['x'], 'index'), []);
  });
});

test('a name that is itself secret-shaped is shown by position', () => {
  const token = sampleValues()['github-token']!;
  const found = [...env('PATH=/bin', token), ...scanAnnotations({ [token]: 'x' }, 'manifest')];
  assert.deepEqual(found, [
    { where: 'config Env [1]', rule: 'github-token' },
    { where: 'manifest annotation [0]', rule: 'github-token' },
  ]);
  assertNoValue(found, [token]);
});

test('of each value the first 64 KiB are read: a token there is found, one past it is not (the documented limit)', () => {
  const token = sampleValues()['github-token']!;
  const pad = 'x'.repeat(SCANNED_PER_VALUE - token.length - 20);
  assert.equal(SCANNED_PER_VALUE, 64 * 1024);
  assert.deepEqual(rules(env(`NOTE=${pad} ${token}`)), ['github-token']);
  assert.deepEqual(rules(env(`NOTE=${pad}${'x'.repeat(100)} ${token}`)), []);
  const history = (text: string) => rules(scanConfig(config({ history: [{ created_by: text }] })));
  assert.deepEqual(history(`RUN ${pad} ${token}`), ['github-token']);
  assert.deepEqual(history(`RUN ${pad}${'x'.repeat(100)} ${token}`), []);
});
