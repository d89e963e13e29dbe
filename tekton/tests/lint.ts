/**
 * @ibm/tekton-lint run the way users run it (a child process, offline, default rules), for the Tekton tests of
 * every Task in tekton/. Its cache folder (it makes one even with no external tasks) goes to a temp folder
 * instead of ~/.tekton-lint.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/fixtures.js';
import { ROOT } from './simulate.js';

const LINT = join(ROOT, 'node_modules', '@ibm', 'tekton-lint', 'dist', 'lint.js');

export interface LintProblem {
  message: string;
  rule: string;
  level: 'error' | 'warning';
  path?: string;
}

export function tektonLint(files: string[]): { problems: LintProblem[]; status: number; output: string } {
  const r = spawnSync(process.execPath, [LINT, '--format', 'json', '--color=false', ...files], {
    cwd: ROOT,
    env: { ...process.env, TL_CACHE_DIR: join(tempDir('oep-tekton-lint-'), 'cache'), FORCE_COLOR: '0' },
    encoding: 'utf8',
  });
  // stdout: one JSON line, then possibly log lines from its logger (it logs a crash on resolver taskRefs).
  const line = r.stdout.split('\n').find((l) => l.startsWith('['));
  assert.ok(line, `tekton-lint printed no JSON (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return { problems: JSON.parse(line) as LintProblem[], status: r.status ?? -1, output: r.stdout + r.stderr };
}
