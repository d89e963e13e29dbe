/**
 * @ibm/tekton-lint run the way users run it (a child process, offline, default rules), for the Tekton tests of
 * every Task in tekton/. Its cache folder (it makes one even with no external tasks) goes to a temp folder
 * instead of ~/.tekton-lint.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isSeq, parseAllDocuments, type Document } from 'yaml';
import { tempDir } from '../../test/helpers/fixtures.js';
import { loadYamlFile } from './load.js';
import { ROOT } from './paths.js';
import { localRef } from './resolve.js';

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

/** The name of the Task a resolver reference to this catalog names, or undefined for another catalog's. */
function localTaskName(ref: unknown): string | undefined {
  const local = localRef(ref, ROOT);
  if (local?.resolver === 'bundles') return local.name;
  return local && loadYamlFile(local.file).docs.find((d) => d.kind === 'Task')?.name;
}

/**
 * A copy of a sample for tekton-lint, which cannot follow resolvers (IBM/tekton-lint#118): each pipeline task that
 * refers to one of our Tasks through the git or bundles resolver names it instead, as the resolver would hand it
 * over, so the linter checks the sample's params against the Task linted with it. edit changes the text first.
 */
export function localCopy(file: string, edit: (text: string) => string = (t) => t): string {
  const docs: Document[] = parseAllDocuments(edit(readFileSync(file, 'utf8'))) as Document[];
  for (const doc of docs)
    for (const group of ['tasks', 'finally']) {
      const tasks = doc.getIn(['spec', group]);
      if (!isSeq(tasks)) continue;
      tasks.items.forEach((t, i) => {
        const ref = isMap(t) ? t.get('taskRef') : undefined;
        const name = isMap(ref) ? localTaskName(ref.toJSON()) : undefined;
        if (name) doc.setIn(['spec', group, i, 'taskRef'], doc.createNode({ name }));
      });
    }
  const copy = join(tempDir('oep-tekton-lint-'), basename(file));
  writeFileSync(copy, docs.map((d) => d.toString()).join('---\n'));
  return copy;
}
