// A library must not change the process it is loaded into. The engine frees cipher outputs early with V8's
// `gc`, which needs the process-wide --expose-gc flag: only our own front ends turn it on (allowCollection),
// never an application that calls createEngine, however large its layers (they go through worker lanes).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { createEngine } from '../../src/index.js';
import { keyPair, makeLayout, tempDir, writeKeyPair } from '../helpers/fixtures.js';

test('encrypting and decrypting a large layer through the library leaves --expose-gc off', async () => {
  const dir = tempDir();
  const layout = join(dir, 'src');
  makeLayout(layout, { layers: [{ compression: 'none', files: { big: randomBytes(6 * 1024 * 1024) } }] });
  const key = writeKeyPair(dir, 'k', keyPair('p256'));
  const engine = createEngine();
  await engine.encrypt({ layout, recipients: [`jwe:${key.pub}`], output: join(dir, 'enc') });
  await engine.decrypt({ layout: join(dir, 'enc'), keys: [key.priv], output: join(dir, 'dec') });
  assert.equal(runInNewContext('typeof gc'), 'undefined', 'the host application got a global gc');
});
