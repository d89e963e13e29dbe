/**
 * Tekton variable references (`$(params.X)`, `$(results.X.path)`, `$(workspaces.X.path)`, ...) found in the strings
 * of a document, checked against what is declared in their scope. Shell command substitutions such as
 * `$(printf ...)` in scripts are not Tekton references and are left alone.
 */
import { isObject, type Problem } from './schema.js';

/** What a string may refer to where it sits. An undefined set means that kind of reference is not allowed. */
export interface Scope {
  /** For messages: `Task oci-encrypt-push`. */
  where: string;
  params?: ReadonlySet<string>;
  results?: ReadonlySet<string>;
  stepResults?: ReadonlySet<string>;
  workspaces?: ReadonlySet<string>;
  /** Which workspace properties may be read here (a Pipeline has only `bound`). */
  workspaceProps?: ReadonlySet<string>;
  steps?: ReadonlySet<string>;
  /** Pipeline task name → the results its task declares (undefined: the task cannot be resolved here). */
  tasks?: ReadonlyMap<string, ReadonlySet<string> | undefined>;
}

/** What was referenced, to find declarations nobody uses. */
export interface Usage {
  params: Set<string>;
  results: Set<string>;
  stepResults: Set<string>;
  workspaces: Set<string>;
}

export function emptyUsage(): Usage {
  return { params: new Set(), results: new Set(), stepResults: new Set(), workspaces: new Set() };
}

export type Reference =
  | { kind: 'params'; name: string }
  | { kind: 'results'; name: string }
  | { kind: 'step.results'; name: string }
  | { kind: 'steps'; step: string; result?: string }
  | { kind: 'workspaces'; name: string; prop: string }
  | { kind: 'tasks'; task: string; result?: string }
  | { kind: 'context' }
  | { kind: 'malformed'; text: string };

const TEKTON_PREFIX = /^(params|results|step|steps|workspaces|tasks|context)[.[]/;
const QUOTED = `\\[(["'])([^"']+)\\1\\]`;
const PARAM_TAIL = String.raw`(?:\[\*\]|\[\d+\]|\.[A-Za-z0-9_-]+)?`;
const PATTERNS: [RegExp, (m: RegExpExecArray) => Reference][] = [
  [
    new RegExp(String.raw`^params\.([A-Za-z_][A-Za-z0-9_-]*)${PARAM_TAIL}$`),
    (m) => ({ kind: 'params', name: m[1]! }),
  ],
  [new RegExp(`^params${QUOTED}${PARAM_TAIL}$`), (m) => ({ kind: 'params', name: m[2]! })],
  [/^results\.([A-Za-z0-9][-A-Za-z0-9_.]*)\.path$/, (m) => ({ kind: 'results', name: m[1]! })],
  [new RegExp(`^results${QUOTED}\\.path$`), (m) => ({ kind: 'results', name: m[2]! })],
  [/^step\.results\.([A-Za-z0-9][-A-Za-z0-9_.]*)\.path$/, (m) => ({ kind: 'step.results', name: m[1]! })],
  [
    /^steps\.([a-z0-9-]+)\.results\.([A-Za-z0-9][-A-Za-z0-9_]*)$/,
    (m) => ({ kind: 'steps', step: m[1]!, result: m[2]! }),
  ],
  [/^steps\.step-([a-z0-9-]+)\.exitCode\.path$/, (m) => ({ kind: 'steps', step: m[1]! })],
  [
    /^workspaces\.([^.[\]]+)\.(path|bound|claim|volume)$/,
    (m) => ({ kind: 'workspaces', name: m[1]!, prop: m[2]! }),
  ],
  [
    /^tasks\.([a-z0-9-]+)\.results\.([A-Za-z0-9][-A-Za-z0-9_]*)(?:\[\*\]|\[\d+\]|\.[A-Za-z0-9_-]+)?$/,
    (m) => ({ kind: 'tasks', task: m[1]!, result: m[2]! }),
  ],
  [/^tasks\.([a-z0-9-]+)\.(status|reason)$/, (m) => ({ kind: 'tasks', task: m[1]! })],
  [/^tasks\.status$/, () => ({ kind: 'context' })],
  [/^context\.[A-Za-z.]+$/, () => ({ kind: 'context' })],
];

/** The Tekton references in one string, in order. */
export function referencesIn(s: string): Reference[] {
  const out: Reference[] = [];
  for (const m of s.matchAll(/\$\(([^()]*)\)/g)) {
    const expr = m[1]!.trim();
    if (!TEKTON_PREFIX.test(expr)) continue; // a shell $(command), not a Tekton variable
    let ref: Reference | undefined;
    for (const [re, make] of PATTERNS) {
      const hit = re.exec(expr);
      if (hit) {
        ref = make(hit);
        break;
      }
    }
    out.push(ref ?? { kind: 'malformed', text: m[0] });
  }
  return out;
}

/** Every string below v with its path. */
export function* strings(v: unknown, path: string): Generator<[string, string]> {
  if (typeof v === 'string') yield [v, path];
  else if (Array.isArray(v)) for (const [i, x] of v.entries()) yield* strings(x, `${path}[${i}]`);
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) yield* strings(x, `${path}.${k}`);
}

/** Check every reference below v against scope; record what was used. */
export function checkReferences(v: unknown, path: string, scope: Scope, usage: Usage, out: Problem[]): void {
  for (const [s, at] of strings(v, path)) {
    for (const ref of referencesIn(s)) checkOne(ref, at, scope, usage, out);
  }
}

function checkOne(ref: Reference, path: string, scope: Scope, usage: Usage, out: Problem[]): void {
  const problem = (rule: string, message: string): void => {
    out.push({ path, rule, message: `${message} (in ${scope.where})` });
  };
  const declared = (
    set: ReadonlySet<string> | undefined,
    what: string,
    name: string,
    rule: string,
    use?: Set<string>,
  ): void => {
    if (!set) return problem('reference-not-allowed', `${what} cannot be referenced here`);
    if (!set.has(name)) return problem(rule, `${what} ${JSON.stringify(name)} is not declared`);
    use?.add(name);
  };
  switch (ref.kind) {
    case 'malformed':
      return problem('malformed-reference', `${ref.text} is not a Tekton reference this validator knows`);
    case 'context':
      return;
    case 'params':
      return declared(scope.params, 'param', ref.name, 'undeclared-param', usage.params);
    case 'results':
      return declared(scope.results, 'result', ref.name, 'undeclared-result', usage.results);
    case 'step.results':
      return declared(scope.stepResults, 'step result', ref.name, 'undeclared-result', usage.stepResults);
    case 'steps':
      return declared(scope.steps, 'step', ref.step, 'unknown-step');
    case 'workspaces':
      if (scope.workspaceProps && !scope.workspaceProps.has(ref.prop))
        return problem('reference-not-allowed', `$(workspaces.${ref.name}.${ref.prop}) cannot be used here`);
      return declared(scope.workspaces, 'workspace', ref.name, 'undeclared-workspace', usage.workspaces);
    case 'tasks': {
      if (!scope.tasks)
        return problem('reference-not-allowed', 'pipeline task results cannot be referenced here');
      if (!scope.tasks.has(ref.task))
        return problem('unknown-task', `pipeline task ${JSON.stringify(ref.task)} does not exist`);
      if (ref.result === undefined) return;
      const results = scope.tasks.get(ref.task);
      if (!results)
        return problem(
          'unresolved-task',
          `cannot check result ${ref.result} of ${ref.task}: its task is not in the files validated together`,
        );
      if (!results.has(ref.result))
        problem('undeclared-result', `task ${ref.task} declares no result ${JSON.stringify(ref.result)}`);
      return;
    }
  }
}
