/**
 * A validator for this catalog entry's Tekton YAML, written for this project (no Tekton code). Pieces:
 *
 * - ./load.ts: YAML documents, and values YAML 1.1 reads differently;
 * - ./schema.ts: the subset of the Tekton API our YAML may use (allowed keys, required fields, name formats);
 * - ./refs.ts: `$(params.X)`, `$(results.X.path)`, `$(step.results.X.path)`, `$(workspaces.X.path)`,
 *   `$(tasks.T.results.R)` checked against what their scope declares;
 * - this file: per-kind rules and cross-document checks (a Pipeline's taskRef against the Task it names, a
 *   PipelineRun against its Pipeline); params reach scripts through env only (no `$(params.…)` nor `$(tasks.…)`
 *   inside a `script`); every declared param, result and workspace is used; every env var a step sets is read by
 *   its script and every upper-case variable the script reads is set, assigned, or has a default;
 * - ./catalog.ts: catalog metadata, summary line, securityContext, one script for Task and StepAction;
 * - ./budget.ts: the results' worst case against the termination message.
 *
 * Problems come back as data ({file, path, rule, message}); nothing throws on invalid input.
 */
import { checkCatalogMetadata, checkChainsResults, checkHardening } from './catalog.js';
import { type Doc } from './load.js';
import { checkReferences, emptyUsage, type Scope, type Usage } from './refs.js';
import { localRef, refersTo } from './resolve.js';
import { CORE_SCHEMAS, SCHEMAS, checkSchema, isObject, list, names, obj, type Problem } from './schema.js';

export * from './budget.js';
export * from './catalog.js';
export * from './load.js';
export type { Problem } from './schema.js';

type Obj = Record<string, unknown>;

/** Steps and sidecars of a task spec, with their paths. */
function containers(spec: Obj, path: string): { c: Obj; path: string; isStep: boolean }[] {
  return [
    ...list(spec.steps).map((c, i) => ({ c, path: `${path}.steps[${i}]`, isStep: true })),
    ...list(spec.sidecars).map((c, i) => ({ c, path: `${path}.sidecars[${i}]`, isStep: false })),
  ];
}

function checkParamDefaults(spec: Obj, path: string, out: Problem[]): void {
  list(spec.params).forEach((p, i) => {
    if (p.default === undefined) return;
    const type = p.type ?? 'string';
    const d = p.default;
    const ok =
      (type === 'string' && typeof d === 'string') ||
      (type === 'array' && Array.isArray(d)) ||
      (type === 'object' && isObject(d));
    if (!ok)
      out.push({
        path: `${path}.params[${i}].default`,
        rule: 'type',
        message: `the default of a ${String(type)} param must be a ${String(type)}`,
      });
  });
}

/** Shell variables: what the script reads (upper-case only) and what it assigns. */
function scriptVariables(script: string): {
  reads: Map<string, boolean>;
  assigns: Set<string>;
  envReads: Set<string>;
} {
  const reads = new Map<string, boolean>();
  for (const m of script.matchAll(/\$\{([A-Z_][A-Z0-9_]*)(:?[-=?+])?|\$([A-Z_][A-Z0-9_]*)/g)) {
    const n = m[1] ?? m[3]!;
    const defaulted = m[2] !== undefined;
    reads.set(n, (reads.get(n) ?? false) || defaulted);
  }
  const assigns = new Set(
    [...script.matchAll(/(?:^|[\s;])(?:export\s+)?([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
  );
  const envReads = new Set([...script.matchAll(/\benv\.([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
  return { reads, assigns, envReads };
}

/**
 * A step that runs the CLI with --results-dir, the folder of a result path it is given, writes every declared
 * result (all of a Task's, or of a step's, share one folder).
 */
function writesResultsDir(c: Obj): boolean {
  return typeof c.script === 'string' && /--results-dir "\$\{RESULT_[A-Z_]+%\/\*\}"/.test(c.script);
}

const ALWAYS_SET = new Set(['HOME', 'PATH', 'PWD', 'HOSTNAME', 'IFS']);

function checkScript(c: Obj, envFromTemplate: ReadonlySet<string>, path: string, out: Problem[]): void {
  const script = c.script;
  if (typeof script !== 'string') return;
  if (!script.startsWith('#!'))
    out.push({
      path: `${path}.script`,
      rule: 'shebang',
      message: 'a script starts with #! (Tekton runs it as a file)',
    });
  for (const m of script.matchAll(/\$\((?:params|tasks)[.[][^)]*\)/g))
    out.push({
      path: `${path}.script`,
      rule: 'script-param',
      message: `${m[0]} is pasted into the script: pass it through env and read "$VAR" instead`,
    });
  const env = new Set([...names(c.env), ...envFromTemplate]);
  const { reads, assigns, envReads } = scriptVariables(script);
  for (const [n, defaulted] of reads) {
    if (!env.has(n) && !assigns.has(n) && !defaulted && !ALWAYS_SET.has(n))
      out.push({
        path: `${path}.script`,
        rule: 'undefined-env',
        message: `the script reads $${n}, which no env entry sets`,
      });
  }
  for (const n of names(c.env)) {
    // HOME and the like are read by the program the script runs (the CLI's credential lookup), not only by it.
    if (!reads.has(n) && !envReads.has(n) && !ALWAYS_SET.has(n))
      out.push({
        path: `${path}.env`,
        rule: 'unused-env',
        message: `env ${n} is set but the script never reads it`,
      });
  }
}

function checkImage(c: Obj, template: Obj, path: string, out: Problem[]): void {
  if (c.image === undefined && c.ref === undefined && template.image === undefined)
    out.push({
      path,
      rule: 'required',
      message: 'a step needs an image (or a ref, or a stepTemplate image)',
    });
}

/** A Task spec (top-level or embedded): references, scripts, unused declarations. */
function checkTaskSpec(
  spec: Obj,
  path: string,
  where: string,
  extraParams: ReadonlySet<string>,
  out: Problem[],
): Usage {
  const usage = emptyUsage();
  const declaredParams = names(spec.params);
  const steps = list(spec.steps);
  const scope: Scope = {
    where,
    params: new Set([...declaredParams, ...extraParams]),
    results: names(spec.results),
    workspaces: names(spec.workspaces),
    steps: names(spec.steps),
  };
  checkParamDefaults(spec, path, out);
  const template = obj(spec.stepTemplate);
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'steps' || k === 'sidecars') continue;
    checkReferences(v, `${path}.${k}`, scope, usage, out);
  }
  const templateEnv = names(template.env);
  for (const { c, path: p, isStep } of containers(spec, path)) {
    checkReferences(c, p, { ...scope, stepResults: isStep ? names(c.results) : undefined }, usage, out);
    checkScript(c, templateEnv, p, out);
    checkImage(c, template, p, out);
    if (writesResultsDir(c) && usage.results.size) for (const r of scope.results ?? []) usage.results.add(r);
  }
  for (const [i, s] of steps.entries()) checkWhen(s.when, `${path}.steps[${i}].when`, out);
  for (const p of declaredParams)
    if (!usage.params.has(p))
      out.push({
        path: `${path}.params`,
        rule: 'unused-param',
        message: `param ${p} is declared but never used (in ${where})`,
      });
  list(spec.results).forEach((r, i) => {
    if (typeof r.name === 'string' && !usage.results.has(r.name) && r.value === undefined)
      out.push({
        path: `${path}.results[${i}]`,
        rule: 'unwritten-result',
        message: `result ${r.name} is never written (in ${where})`,
      });
  });
  for (const w of names(spec.workspaces))
    if (!usage.workspaces.has(w))
      out.push({
        path: `${path}.workspaces`,
        rule: 'unused-workspace',
        message: `workspace ${w} is declared but never used (in ${where})`,
      });
  return usage;
}

function checkStepAction(doc: Doc, out: Problem[]): void {
  const spec = obj(doc.value.spec);
  const where = `StepAction ${doc.name}`;
  const usage = emptyUsage();
  const scope: Scope = { where, params: names(spec.params), stepResults: names(spec.results) };
  checkParamDefaults(spec, '.spec', out);
  checkReferences(spec, '.spec', scope, usage, out);
  checkScript(spec, new Set(), '.spec', out);
  if (writesResultsDir(spec) && usage.stepResults.size)
    for (const r of names(spec.results)) usage.stepResults.add(r);
  for (const p of names(spec.params))
    if (!usage.params.has(p))
      out.push({
        path: '.spec.params',
        rule: 'unused-param',
        message: `param ${p} is declared but never used (in ${where})`,
      });
  for (const r of names(spec.results))
    if (!usage.stepResults.has(r))
      out.push({
        path: '.spec.results',
        rule: 'unwritten-result',
        message: `result ${r} is never written (in ${where})`,
      });
}

function checkWhen(v: unknown, path: string, out: Problem[]): void {
  list(v).forEach((w, i) => {
    if (w.cel === undefined && (w.input === undefined || w.operator === undefined || w.values === undefined))
      out.push({
        path: `${path}[${i}]`,
        rule: 'required',
        message: 'a when expression needs cel, or input, operator and values',
      });
  });
}

// Pipelines and PipelineRuns

interface TaskLike {
  params: Obj[];
  workspaces: Obj[];
  results: Set<string>;
  what: string;
}

function taskLike(spec: Obj, what: string): TaskLike {
  return { params: list(spec.params), workspaces: list(spec.workspaces), results: names(spec.results), what };
}

/** The documents validated together, and the repository root that git references to this catalog start from. */
interface Catalog {
  tasks: ReadonlyMap<string, Doc>;
  docs: readonly Doc[];
  root?: string;
}

/** What a taskRef names: a Task of the files validated together, by name or by a resolver reference to ours. */
function taskOf(ref: Obj, catalog: Catalog): Doc | undefined {
  if (ref.resolver !== undefined) {
    const local = catalog.root === undefined ? undefined : localRef(ref, catalog.root);
    return local && catalog.docs.find((d) => d.kind === 'Task' && refersTo(local, d));
  }
  if (typeof ref.name !== 'string' || (ref.kind !== undefined && ref.kind !== 'Task')) return undefined;
  return catalog.tasks.get(ref.name);
}

function resolveTask(pt: Obj, catalog: Catalog): TaskLike | undefined {
  if (isObject(pt.taskSpec)) return taskLike(pt.taskSpec, 'its taskSpec');
  const doc = taskOf(obj(pt.taskRef), catalog);
  return doc ? taskLike(obj(doc.value.spec), `Task ${doc.name}`) : undefined;
}

/** Why a taskRef that should resolve here does not; undefined for a reference elsewhere (another catalog). */
function unresolvedTask(pt: Obj, catalog: Catalog): string | undefined {
  if (!isObject(pt.taskRef)) return undefined;
  const ref = pt.taskRef;
  if (ref.resolver === undefined) return `task ${String(ref.name)} is not in the files validated together`;
  const local = catalog.root === undefined ? undefined : localRef(ref, catalog.root);
  if (local?.resolver === 'git') return `${local.pathInRepo} is not a Task of this repository`;
  if (local) return `the bundle ${local.bundle} holds no ${local.kind} ${local.name}`;
  return undefined;
}

/**
 * The params a pipeline task's matrix gives each of its TaskRuns: those it fans out over and those its include
 * entries add, one per name (Tekton substitutes them into the Task's string params like any other).
 */
function matrixParams(matrix: unknown): Obj[] {
  const m = obj(matrix);
  const all = [...list(m.params), ...list(m.include).flatMap((i) => list(i.params))];
  return all.filter((p, i) => all.findIndex((q) => q.name === p.name) === i);
}

/** Params and workspaces a caller binds, against what the callee declares. */
function checkBindings(
  given: { params: Obj[]; workspaces: Obj[] },
  callee: { params: Obj[]; workspaces: Obj[]; what: string },
  path: string,
  boundTo: ReadonlySet<string> | undefined,
  out: Problem[],
): void {
  const declared = names(callee.params);
  const passed = names(given.params);
  given.params.forEach((p, i) => {
    if (typeof p.name === 'string' && !declared.has(p.name))
      out.push({
        path: `${path}.params[${i}]`,
        rule: 'undeclared-param',
        message: `${callee.what} declares no param ${p.name}`,
      });
  });
  for (const p of callee.params)
    if (p.default === undefined && typeof p.name === 'string' && !passed.has(p.name))
      out.push({
        path: `${path}.params`,
        rule: 'missing-param',
        message: `${callee.what} needs param ${p.name} (it has no default)`,
      });
  const calleeWs = names(callee.workspaces);
  const bound = names(given.workspaces);
  given.workspaces.forEach((w, i) => {
    if (typeof w.name === 'string' && !calleeWs.has(w.name))
      out.push({
        path: `${path}.workspaces[${i}]`,
        rule: 'undeclared-workspace',
        message: `${callee.what} declares no workspace ${w.name}`,
      });
    if (boundTo && typeof w.workspace === 'string' && !boundTo.has(w.workspace))
      out.push({
        path: `${path}.workspaces[${i}].workspace`,
        rule: 'undeclared-workspace',
        message: `the pipeline declares no workspace ${w.workspace}`,
      });
  });
  for (const w of callee.workspaces)
    if (w.optional !== true && typeof w.name === 'string' && !bound.has(w.name))
      out.push({
        path: `${path}.workspaces`,
        rule: 'missing-workspace',
        message: `${callee.what} needs workspace ${w.name} bound`,
      });
}

function checkPipeline(doc: Doc, catalog: Catalog, out: Problem[]): void {
  const spec = obj(doc.value.spec);
  const where = `Pipeline ${doc.name}`;
  const usage = emptyUsage();
  const main = list(spec.tasks);
  const fin = list(spec.finally);
  const resolved = new Map<string, TaskLike | undefined>();
  for (const pt of [...main, ...fin])
    if (typeof pt.name === 'string') resolved.set(pt.name, resolveTask(pt, catalog));
  const taskResults = new Map<string, ReadonlySet<string> | undefined>(
    main.flatMap((pt) =>
      typeof pt.name === 'string' ? [[pt.name, resolved.get(pt.name)?.results] as const] : [],
    ),
  );
  const params = names(spec.params);
  const workspaces = names(spec.workspaces);
  const scope: Scope = {
    where,
    params,
    workspaces,
    workspaceProps: new Set(['bound']),
    tasks: taskResults,
  };
  for (const [k, v] of Object.entries(spec))
    if (k !== 'tasks' && k !== 'finally') checkReferences(v, `.spec.${k}`, scope, usage, out);
  const mainNames = new Set(taskResults.keys());
  const boundWorkspaces = new Set<string>();
  for (const [group, pts] of [['tasks', main] as const, ['finally', fin] as const]) {
    pts.forEach((pt, i) => {
      const path = `.spec.${group}[${i}]`;
      for (const [k, v] of Object.entries(pt))
        if (k !== 'taskSpec') checkReferences(v, `${path}.${k}`, scope, usage, out);
      if (isObject(pt.taskSpec)) {
        // Pipeline params propagate into embedded specs.
        const inner = checkTaskSpec(
          pt.taskSpec,
          `${path}.taskSpec`,
          `${where} task ${String(pt.name)}`,
          params,
          out,
        );
        for (const p of inner.params) if (!names(pt.taskSpec.params).has(p)) usage.params.add(p);
      }
      for (const r of Array.isArray(pt.runAfter) ? pt.runAfter : [])
        if (typeof r !== 'string' || !mainNames.has(r) || r === pt.name)
          out.push({
            path: `${path}.runAfter`,
            rule: 'unknown-task',
            message: `runAfter ${String(r)} is not another task of this pipeline`,
          });
      checkWhen(pt.when, `${path}.when`, out);
      for (const w of list(pt.workspaces))
        if (typeof w.workspace === 'string') boundWorkspaces.add(w.workspace);
      const callee = typeof pt.name === 'string' ? resolved.get(pt.name) : undefined;
      if (callee)
        checkBindings(
          { params: [...list(pt.params), ...matrixParams(pt.matrix)], workspaces: list(pt.workspaces) },
          callee,
          path,
          workspaces,
          out,
        );
      else {
        const why = unresolvedTask(pt, catalog);
        if (why) out.push({ path: `${path}.taskRef`, rule: 'unresolved-task', message: why });
      }
    });
  }
  for (const p of params)
    if (!usage.params.has(p))
      out.push({
        path: '.spec.params',
        rule: 'unused-param',
        message: `param ${p} is declared but never used (in ${where})`,
      });
  for (const w of workspaces)
    if (!boundWorkspaces.has(w) && !usage.workspaces.has(w))
      out.push({
        path: '.spec.workspaces',
        rule: 'unused-workspace',
        message: `workspace ${w} is bound to no task (in ${where})`,
      });
}

function checkPipelineRun(doc: Doc, pipelines: ReadonlyMap<string, Doc>, out: Problem[]): void {
  const spec = obj(doc.value.spec);
  const ref = obj(spec.pipelineRef);
  if (ref.resolver !== undefined || typeof ref.name !== 'string') return;
  const pipeline = pipelines.get(ref.name);
  if (!pipeline) {
    out.push({
      path: '.spec.pipelineRef.name',
      rule: 'unresolved-pipeline',
      message: `Pipeline ${ref.name} is not in the files validated together`,
    });
    return;
  }
  const pspec = obj(pipeline.value.spec);
  checkBindings(
    { params: list(spec.params), workspaces: list(spec.workspaces) },
    { params: list(pspec.params), workspaces: list(pspec.workspaces), what: `Pipeline ${ref.name}` },
    '.spec',
    undefined,
    out,
  );
}

export interface ValidateOptions {
  /** The release version (package.json's; the git tag is v + it) our Tasks and StepAction must carry. */
  version?: string;
  /** The repository root: git resolver references to this repository resolve to the files under it. */
  root?: string;
}

/** Validate documents together (so a Pipeline's taskRef finds the Task). Returns every problem found. */
export function validateDocuments(docs: readonly Doc[], opts: ValidateOptions = {}): Problem[] {
  const all: Problem[] = [];
  const tasks = new Map(docs.filter((d) => d.kind === 'Task').map((d) => [d.name, d]));
  const catalog: Catalog = { tasks, docs, ...(opts.root !== undefined ? { root: opts.root } : {}) };
  const pipelines = new Map(docs.filter((d) => d.kind === 'Pipeline').map((d) => [d.name, d]));
  for (const doc of docs) {
    const out: Problem[] = [];
    const schema = SCHEMAS[doc.kind] ?? CORE_SCHEMAS[doc.kind];
    if (!schema)
      out.push({
        path: '.kind',
        rule: 'unknown-kind',
        message: `kind ${JSON.stringify(doc.kind)} is outside the validated subset`,
      });
    else checkSchema(doc.value, schema, '', out);
    if (schema && out.every((p) => p.path !== '.apiVersion')) {
      switch (doc.kind) {
        case 'Task':
          checkTaskSpec(obj(doc.value.spec), '.spec', `Task ${doc.name}`, new Set(), out);
          checkCatalogMetadata(doc, opts.version, out);
          checkHardening(doc, out);
          checkChainsResults(doc, out);
          break;
        case 'StepAction':
          checkStepAction(doc, out);
          checkCatalogMetadata(doc, opts.version, out);
          checkHardening(doc, out);
          checkChainsResults(doc, out);
          break;
        case 'Pipeline':
          checkPipeline(doc, catalog, out);
          break;
        case 'PipelineRun':
          checkPipelineRun(doc, pipelines, out);
          break;
        case 'Secret':
          checkSecret(doc, out);
          break;
      }
    }
    for (const p of out) all.push({ file: doc.file, ...p });
  }
  for (const kind of ['Task', 'Pipeline', 'StepAction']) {
    const seen = new Set<string>();
    for (const d of docs.filter((x) => x.kind === kind)) {
      if (seen.has(d.name))
        all.push({
          file: d.file,
          path: '.metadata.name',
          rule: 'duplicate-name',
          message: `two ${kind}s are named ${d.name}`,
        });
      seen.add(d.name);
    }
  }
  return all;
}

/** A dockerconfigjson Secret holds JSON with an `auths` object. */
function checkSecret(doc: Doc, out: Problem[]): void {
  if (doc.value.type !== 'kubernetes.io/dockerconfigjson') return;
  const data = obj(doc.value.stringData)['.dockerconfigjson'] ?? obj(doc.value.data)['.dockerconfigjson'];
  if (typeof data !== 'string') {
    out.push({
      path: '.stringData',
      rule: 'required',
      message: 'a dockerconfigjson Secret holds .dockerconfigjson',
    });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(isObject(doc.value.stringData) ? data : Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    out.push({
      path: '.stringData..dockerconfigjson',
      rule: 'type',
      message: '.dockerconfigjson is not JSON',
    });
    return;
  }
  if (!isObject(obj(parsed).auths))
    out.push({
      path: '.stringData..dockerconfigjson',
      rule: 'type',
      message: '.dockerconfigjson has no auths object',
    });
}
