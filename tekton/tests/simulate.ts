/**
 * Run a step of our Task or StepAction (alone, or as a `ref:` step of a Task) the way Tekton does, without a
 * cluster:
 *
 * - the step's script and env come from the YAML; `$(params.X)` (defaults applied), `$(workspaces.X.path)`
 *   (a folder, or "" for an unbound optional workspace), `$(results.X.path)` and `$(step.results.X.path)` (files
 *   in a /tekton/results-like folder) are substituted in env values, workingDir and the script, as Tekton's
 *   controller does; an unknown or missing reference throws, as Tekton refuses to start such a TaskRun;
 * - an array param is given as a list and reaches the step only through args (`$(params.X[*])` as a whole arg
 *   is spliced in, one arg per element), which are appended to the script's command line as Tekton does;
 * - the script is written to a file with its shebang and executed directly, as Tekton's entrypoint does;
 * - its environment is only the step's env plus PATH, HOME (a fresh folder, like the /tekton/home emptyDir) and
 *   OCI_ENCRYPT_PUSH_BUNDLE pointing at this checkout's committed dist/cli/index.js;
 * - as root (CI containers) it runs as user 65532 with no new privileges and no capabilities (setpriv), as the
 *   securityContext asks, so a script that needs root fails here too.
 *
 * Mounted Secrets are imitated with secretVolume: Kubernetes' `..data` symlink layout.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../../test/helpers/fixtures.js';
import { hasCommand } from '../../test/helpers/peers.js';
import { BUNDLE, ROOT } from './paths.js';
import { referencesIn } from './refs.js';
import { localRef, refersTo } from './resolve.js';
import { isObject } from './schema.js';
import { loadYamlFile, type Doc } from './validate.js';

export * from './paths.js';

/** The user the securityContext runs the step as. */
export const STEP_UID = 65532;

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObject) : []);
const obj = (v: unknown): Obj => (isObject(v) ? v : {});

export function loadDoc(file: string): Doc {
  const { docs, problems } = loadYamlFile(file);
  if (problems.length || docs.length !== 1) throw new Error(`${file}: ${JSON.stringify(problems)}`);
  return docs[0]!;
}

export interface Bindings {
  /** Param values (a list for an array param); declared defaults fill the rest. */
  params: Record<string, string | string[]>;
  /** Bound workspaces: name → folder. A declared workspace not listed is unbound. */
  workspaces?: Record<string, string>;
  /** Folder standing in for /tekton/results (Task results). */
  resultsDir?: string;
  /** Folder standing in for /tekton/steps/step-NAME/results (step results). */
  stepResultsDir?: string;
}

export interface ResolvedStep {
  script: string;
  /** The step's args: Tekton appends them to the script's command line ("$@"). */
  args: string[];
  env: Record<string, string>;
  workingDir: string | undefined;
}

function paramValues(spec: Obj, given: Bindings['params']): Map<string, string | string[]> {
  const values = new Map<string, string | string[]>();
  const declared = list(spec.params);
  for (const name of Object.keys(given))
    if (!declared.some((p) => p.name === name)) throw new Error(`param ${name} is not declared`);
  for (const p of declared) {
    const name = String(p.name);
    const v = given[name] ?? p.default;
    if (v === undefined) throw new Error(`param ${name} has no default and no value`);
    const array = p.type === 'array';
    if (array ? !Array.isArray(v) || v.some((x) => typeof x !== 'string') : typeof v !== 'string')
      throw new Error(`param ${name}: a ${array ? 'list of strings' : 'string'} is needed`);
    values.set(name, v as string | string[]);
  }
  return values;
}

interface Substituter {
  (s: string): string;
  /** An arg that is exactly $(params.X[*]) of an array param: its elements, as Tekton splices them in. */
  array(s: string): string[] | undefined;
}

function substituter(spec: Obj, b: Bindings): Substituter {
  const params = paramValues(spec, b.params);
  const workspaces = new Map<string, { path: string; bound: boolean }>();
  for (const w of list(spec.workspaces)) {
    const name = String(w.name);
    const dir = b.workspaces?.[name];
    if (dir === undefined && w.optional !== true) throw new Error(`workspace ${name} is required`);
    workspaces.set(name, { path: dir ?? '', bound: dir !== undefined });
  }
  for (const name of Object.keys(b.workspaces ?? {}))
    if (!workspaces.has(name)) throw new Error(`workspace ${name} is not declared`);
  const results = new Set(list(spec.results).map((r) => String(r.name)));
  const sub = (s: string) =>
    s.replace(/\$\(([^()]*)\)/g, (whole) => {
      const [ref] = referencesIn(whole);
      if (!ref) return whole; // a shell $(command)
      switch (ref.kind) {
        case 'params': {
          const v = params.get(ref.name);
          if (typeof v !== 'string') throw new Error(`${whole}: no such string param`);
          return v;
        }
        case 'workspaces': {
          const w = workspaces.get(ref.name);
          if (!w) throw new Error(`${whole}: no such workspace`);
          if (ref.prop === 'path') return w.path;
          if (ref.prop === 'bound') return String(w.bound);
          throw new Error(`${whole}: not simulated`);
        }
        case 'results':
        case 'step.results': {
          const dir = ref.kind === 'results' ? b.resultsDir : b.stepResultsDir;
          if (!results.has(ref.name) || !dir) throw new Error(`${whole}: no such result here`);
          return join(dir, ref.name);
        }
        default:
          throw new Error(`${whole}: not simulated`);
      }
    });
  const array = (s: string) => {
    const m = /^\$\(params\.([A-Za-z0-9_-]+)\[\*\]\)$/.exec(s);
    const v = m ? params.get(m[1]!) : undefined;
    return Array.isArray(v) ? v : undefined;
  };
  return Object.assign(sub, { array });
}

function resolveContainer(c: Obj, sub: Substituter): ResolvedStep {
  if (typeof c.script !== 'string') throw new Error('the step has no script');
  const env: Record<string, string> = {};
  for (const e of list(c.env)) {
    if (typeof e.value !== 'string')
      throw new Error(`env ${String(e.name)}: only plain values are simulated`);
    env[String(e.name)] = sub(e.value);
  }
  const args = (Array.isArray(c.args) ? c.args : []).flatMap((a: unknown) =>
    typeof a === 'string' ? (sub.array(a) ?? [sub(a)]) : [],
  );
  return {
    script: sub(c.script),
    args,
    env,
    workingDir: typeof c.workingDir === 'string' ? sub(c.workingDir) : undefined,
  };
}

/** The Task's (only) step with stepTemplate env merged in, resolved against the bindings. */
export function resolveTaskStep(task: Doc, b: Bindings): ResolvedStep {
  const spec = obj(task.value.spec);
  const steps = list(spec.steps);
  if (steps.length !== 1) throw new Error(`expected one step, found ${steps.length}`);
  const template = obj(spec.stepTemplate);
  const step = { ...steps[0]!, env: [...list(template.env), ...list(steps[0]!.env)] };
  return resolveContainer(step, substituter(spec, b));
}

export function resolveStepAction(stepAction: Doc, b: Bindings): ResolvedStep {
  const spec = obj(stepAction.value.spec);
  return resolveContainer(spec, substituter(spec, b));
}

/**
 * A Task's step that runs a StepAction (`ref:` by name, or through a resolver to this catalog), as Tekton resolves
 * it: the step's params, with the Task's params and workspaces substituted, become the StepAction's params; its
 * step results go to b.stepResultsDir.
 */
export function resolveRefStep(task: Doc, stepName: string, stepAction: Doc, b: Bindings): ResolvedStep {
  const spec = obj(task.value.spec);
  const step = list(spec.steps).find((s) => s.name === stepName);
  if (!step) throw new Error(`${task.name} has no step ${stepName}`);
  const ref = obj(step.ref);
  const local = localRef(ref, ROOT);
  if (local ? !refersTo(local, stepAction) : ref.name !== stepAction.name)
    throw new Error(`step ${stepName} runs ${JSON.stringify(ref)}, not ${stepAction.name}`);
  const sub = substituter(spec, b);
  const params: Record<string, string> = {};
  for (const p of list(step.params)) {
    if (typeof p.value !== 'string')
      throw new Error(`step param ${String(p.name)}: only strings are simulated`);
    params[String(p.name)] = sub(p.value);
  }
  return resolveStepAction(stepAction, { params, stepResultsDir: b.stepResultsDir });
}

export interface StepResult {
  status: number;
  stdout: string;
  stderr: string;
  /** How it ran: as STEP_UID through setpriv, or as this process's user. */
  user: string;
}

/** A folder the step (maybe another user) can read; with world: true, also write (like an emptyDir). */
export function podDir(parent: string, name: string, world = false): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, world ? 0o777 : 0o755);
  return dir;
}

/** A folder for one simulated pod, readable by the step's user. */
export function podRoot(): string {
  const dir = tempDir('oep-tekton-');
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Lay files out as a mounted Secret (or ConfigMap) volume does: the data in a timestamped hidden folder, a
 * `..data` symlink to it, and one symlink per key.
 */
export function secretVolume(dir: string, files: Record<string, string | Uint8Array>): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const stamp = '..2026_01_01_00_00_00.000000001';
  mkdirSync(join(dir, stamp), { mode: 0o755 });
  for (const [name, data] of Object.entries(files))
    writeFileSync(join(dir, stamp, name), data, { mode: 0o644 });
  symlinkSync(stamp, join(dir, '..data'));
  for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(dir, name));
  return dir;
}

/**
 * Execute a resolved step: script file with its shebang, only the step's env, its workingDir. `bundle` replaces
 * the CLI bundle the image holds (a test's recorder).
 */
export async function runStep(
  step: ResolvedStep,
  pod: string,
  timeoutMs = 120_000,
  bundle = BUNDLE,
): Promise<StepResult> {
  const scripts = podDir(pod, 'scripts');
  const file = join(scripts, 'script-0-oep');
  writeFileSync(file, step.script, { mode: 0o755 });
  chmodSync(file, 0o755);
  const home = podDir(pod, 'home', true);
  const env = {
    ...step.env,
    HOME: home,
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    OCI_ENCRYPT_PUSH_BUNDLE: bundle,
  };
  const asStepUser = process.getuid?.() === 0 && hasCommand('setpriv');
  const [cmd, args] = asStepUser
    ? [
        'setpriv',
        [
          `--reuid=${STEP_UID}`,
          `--regid=${STEP_UID}`,
          '--clear-groups',
          '--no-new-privs',
          '--inh-caps=-all',
          '--bounding-set=-all',
          file,
          ...step.args,
        ],
      ]
    : [file, step.args];
  const child = spawn(cmd, args, { cwd: step.workingDir || home, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : -1)));
  }).finally(() => clearTimeout(timer));
  return {
    status,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
    user: asStepUser ? `uid ${STEP_UID} (setpriv)` : `uid ${process.getuid?.() ?? '?'}`,
  };
}

/** The result files of a folder: name → exact bytes as text. */
export function readResults(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}
