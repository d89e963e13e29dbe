/**
 * The bad-input catalogue: every row is one thing a user (or an attacker) can hand the CLI wrongly — keys,
 * layouts, archives, manifests, references, options, registry answers. Each must end the same way: a non-zero
 * exit, exactly one error line on stderr that names the input at fault, no internal error, and nothing written
 * or pushed. Rows run through the real CLI (a child process), as users meet it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCliAsync, type CliRun } from '../../helpers/cli.js';
import { keyPair, makeLayout, putJsonBlob, tempDir, writeIndexJson } from '../../helpers/fixtures.js';
import { assertNothingWritten } from '../../unit/pipeline/support.js';
import { archiveCases } from './archives.js';
import { fakeRegistry, type FakeRegistry } from './fake-registry.js';
import { keyCases } from './keys.js';
import { layoutCases } from './layouts.js';
import { referenceAndOptionCases } from './options.js';
import { registryCases } from './registry.js';
import type { Case, Ctx } from './support.js';

/** Lines that report an error (`error[E_CODE]: …`); notices and progress lines may come before the failure. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^error\[E_[A-Z_]+\]: /.test(l));
}

function check(c: Case, r: CliRun, out: string, registry: FakeRegistry): void {
  const ctx = `${c.name}\n--- stderr ---\n${r.stderr}\n--- stdout ---\n${r.stdout}`;
  assert.notEqual(r.status, 0, `${ctx}\nexpected a non-zero exit`);
  assert.doesNotMatch(r.stderr, /error\[E_INTERNAL\]|\n\s+at /, `${ctx}\nan internal error or stack trace`);
  const errors = errorLines(r.stderr);
  assert.equal(errors.length, 1, `${ctx}\nexpected exactly one error line`);
  for (const m of c.mentions) assert.ok(errors[0]!.includes(m), `${ctx}\nthe error should name ${m}`);
  assert.equal(r.stdout.match(/sha256:[0-9a-f]{64}/), null, `${ctx}\nno digest may be printed`);
  assertNothingWritten(out);
  // Rows run two at a time: only pushes to a repository this row named are its own.
  const argv = c.args(out).join(' ');
  const mine = registry.manifestPuts().filter((p) => argv.includes(`/${p.split(' ')[0]}:`));
  assert.deepEqual(mine, [], `${ctx}\nno manifest may be pushed`);
}

describe('bad-input catalogue: one error line naming the input, non-zero exit, nothing written or pushed', async () => {
  const dir = tempDir();
  const kp = keyPair('p256');
  const pub = join(dir, 'team.pub.pem');
  const priv = join(dir, 'team.key.pem');
  writeFileSync(pub, kp.publicPem);
  writeFileSync(priv, kp.privatePem, { mode: 0o600 });
  const good = join(dir, 'good');
  const img = makeLayout(good, {
    layers: [{ files: { a: 'alpha' } }, { files: { b: 'bravo' }, compression: 'none' }],
  });
  const encrypted = join(dir, 'encrypted');
  const made = await runCliAsync(['encrypt', '--layout', good, '--output', encrypted, '--recipient', pub]);
  assert.equal(made.status, 0, made.stderr);
  const registry = await fakeRegistry();

  let n = 0;
  const ctx: Ctx = {
    dir,
    good,
    img,
    encrypted,
    pub,
    priv,
    registry,
    file(name, content, mode) {
      const p = join(dir, `${++n}-${name}`);
      writeFileSync(p, content, mode === undefined ? {} : { mode });
      return p;
    },
    copy(from = good) {
      const p = join(dir, `layout-${++n}`);
      cpSync(from, p, { recursive: true });
      return p;
    },
    editManifest(layout, edit) {
      const idx = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
        manifests: Record<string, unknown>[];
      };
      const entry = idx.manifests[0]!;
      const digest = entry.digest as string;
      const doc = JSON.parse(
        readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8'),
      ) as Record<string, unknown>;
      edit(doc);
      writeIndexJson(layout, [{ ...entry, ...putJsonBlob(layout, doc) }]);
    },
    symlink(target, path) {
      mkdirSync(join(path, '..'), { recursive: true });
      symlinkSync(target, path);
    },
  };

  const cases: Case[] = [
    ...keyCases(ctx),
    ...layoutCases(ctx),
    ...archiveCases(ctx),
    ...referenceAndOptionCases(ctx),
    ...registryCases(ctx),
  ];

  it('has at least 60 rows', () => {
    assert.ok(cases.length >= 60, `only ${cases.length} rows`);
  });

  // Each row is a child process; two at a time keeps a 2-core machine busy without starving the fake registry.
  describe('rows', { concurrency: 2 }, () => {
    for (const c of cases) {
      it(`${c.group}: ${c.name}`, async () => {
        const out = join(dir, `out-${++n}`);
        const args = c.args(out);
        const r = await runCliAsync(args, {
          ...(c.input !== undefined ? { input: c.input } : {}),
          env: { NO_COLOR: '1', ...c.env },
        });
        check(c, r, out, registry);
      });
    }
  });
});
