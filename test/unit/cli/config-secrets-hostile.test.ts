/**
 * The config-leak check on hostile configs: configs may be 4 MiB, and a rule that restarts its match inside a
 * long run (`-eyJ-eyJ…` for the JWT rule) takes time quadratic in the run: hours at that size. Each shape that
 * could make a rule or the history reader backtrack is scanned in two images of one layout: one whose Env value,
 * Env name and history entry are 1 MiB each, and one with many values of 64 KiB (the most of a value that is
 * scanned), so that the cap alone cannot hide a quadratic rule. The CLI is killed after 30 s; linear rules take
 * well under a second.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../helpers/cli.js';
import {
  buildImage,
  keyPair,
  putIndex,
  tempDir,
  writeIndexJson,
  writeKeyPair,
} from '../../helpers/fixtures.js';

/** Runs that a rule, or the NAME=VALUE reader of history lines, would keep restarting inside. */
const SHAPES: Record<string, string> = {
  jwt: '-eyJ',
  'jwt segments': 'eyJaaaaaaaa.eyJ-',
  'github token': '-ghp_',
  'github pat': '-github_pat_',
  'gitlab token': '-glpat-',
  'slack token': '-xoxb-',
  'npm token': '-npm_',
  'aws key id': ' AKIA',
  'private key': '-----BEGIN A ',
  assignments: ' a="',
  'secret names': '_aB',
};

const KIB = 1024;
const run = (shape: string, size: number) => shape.repeat(Math.ceil(size / shape.length)).slice(0, size);

describe('config-secrets: hostile configs are scanned in linear time', () => {
  const dir = tempDir();
  const alice = writeKeyPair(dir, 'alice', keyPair('p256'));

  for (const [name, shape] of Object.entries(SHAPES)) {
    it(
      `${name}: a 1 MiB Env value, Env name and history entry; 48 values of 64 KiB`,
      { timeout: 60_000 },
      () => {
        const layout = join(dir, name.replace(/ /g, '-'));
        const huge = run(shape, 1024 * KIB);
        const one = buildImage(layout, {
          layers: [{ files: { a: 'a' } }],
          config: { Env: [`SETTING=${huge}`, huge] },
          history: [huge],
        });
        const values = Array.from({ length: 24 }, () => run(shape, 64 * KIB));
        const many = buildImage(layout, {
          platform: { os: 'linux', architecture: 'arm64' },
          layers: [{ files: { a: 'a' } }],
          config: { Env: values.map((v) => `SETTING=${v}`) },
          history: values,
        });
        writeIndexJson(layout, [{ ...putIndex(layout, [one.manifest, many.manifest]) }]);
        const args = ['encrypt', '--layout', layout, '--output', `${layout}-out`, '--recipient', alice.pub];
        const r = runCli(args, { timeoutMs: 30_000 });
        assert.equal(r.status, 0, `killed or failed (status ${r.status}): ${r.stderr.slice(0, 2000)}`);
      },
    );
  }
});
