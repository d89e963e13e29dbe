/**
 * The subset of the Tekton API (and of the two core Kubernetes kinds the samples use) that our YAML may use,
 * written as data: for each object, the keys it may have, which are required, and what each value must be.
 * Keys outside this subset are reported even when Tekton has them: widen the subset deliberately when the
 * YAML needs a new field. Deep Kubernetes structures that Tekton passes through untouched (volumes, resource
 * requirements, pod templates) are accepted as any object.
 *
 * Written from the Tekton API reference (pipeline v1 Task/Pipeline/PipelineRun, v1beta1 StepAction), not from
 * Tekton's code.
 */

export interface Problem {
  /** File the document came from (set by the caller). */
  file?: string;
  /** Where in the document: .spec.steps[0].env[2].value */
  path: string;
  rule: string;
  message: string;
}

export type Schema =
  | { t: 'string'; enum?: readonly string[]; format?: NameFormat }
  | { t: 'boolean' }
  | { t: 'integer' }
  | { t: 'any' }
  | { t: 'object-any' }
  | { t: 'map'; of: Schema }
  | { t: 'list'; of: Schema; uniqueBy?: string; nonEmpty?: boolean }
  | { t: 'param-value' }
  | {
      t: 'object';
      fields: Record<string, Schema>;
      required?: readonly string[];
      /** Exactly one of these keys must be present. */
      oneOf?: readonly string[];
      /** At most one of each group. */
      exclusive?: readonly (readonly string[])[];
    };

/** Name rules, with where Tekton or Kubernetes requires them. */
export const NAME_FORMATS = {
  /** RFC 1123 label: metadata.name of Tekton kinds (it becomes a label value), pipeline task and step names. */
  'dns1123-label': {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    max: 63,
    says: 'lowercase letters, digits and -, starting and ending with a letter or digit, up to 63',
  },
  /** RFC 1123 subdomain: names of core Kubernetes objects (Secrets). */
  'dns1123-subdomain': {
    re: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    max: 253,
    says: 'lowercase dot-separated RFC 1123 labels, up to 253',
  },
  /** Tekton param names: letters, digits, _ - . starting with a letter or _. */
  'param-name': {
    re: /^[a-zA-Z_][a-zA-Z0-9_.-]*$/,
    max: Infinity,
    says: 'letters, digits, _ - and ., starting with a letter or _',
  },
  /** Tekton result names. */
  'result-name': {
    re: /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/,
    max: Infinity,
    says: 'letters, digits, - _ and ., starting and ending with a letter or digit',
  },
  /** Kubernetes environment variable names. */
  'env-name': {
    re: /^[-._a-zA-Z][-._a-zA-Z0-9]*$/,
    max: Infinity,
    says: 'a C-like identifier (also - and .)',
  },
} as const;
export type NameFormat = keyof typeof NAME_FORMATS;

const str: Schema = { t: 'string' };
const bool: Schema = { t: 'boolean' };
const int: Schema = { t: 'integer' };
const anyObject: Schema = { t: 'object-any' };
const strings: Schema = { t: 'list', of: str };
const listOfAny: Schema = { t: 'list', of: anyObject };
const name = (format: NameFormat): Schema => ({ t: 'string', format });
const PARAM_TYPES = ['string', 'array', 'object'] as const;

function metadata(nameFormat: NameFormat, allowGenerateName: boolean): Schema {
  return {
    t: 'object',
    fields: {
      name: name(nameFormat),
      ...(allowGenerateName ? { generateName: { t: 'string' } } : {}),
      namespace: name('dns1123-label'),
      labels: { t: 'map', of: str },
      annotations: { t: 'map', of: str },
    },
    ...(allowGenerateName ? { oneOf: ['name', 'generateName'] } : { required: ['name'] }),
  };
}

const paramSpec: Schema = {
  t: 'object',
  fields: {
    name: name('param-name'),
    type: { t: 'string', enum: PARAM_TYPES },
    description: str,
    default: { t: 'param-value' },
    properties: { t: 'map', of: { t: 'object', fields: { type: { t: 'string', enum: ['string'] } } } },
    enum: strings,
  },
  required: ['name'],
};
const paramSpecs: Schema = { t: 'list', of: paramSpec, uniqueBy: 'name' };

/** A param given a value (pipeline task params, PipelineRun params, resolver params). */
const param: Schema = {
  t: 'object',
  fields: { name: name('param-name'), value: { t: 'param-value' } },
  required: ['name', 'value'],
};
const params: Schema = { t: 'list', of: param, uniqueBy: 'name' };

const envVar: Schema = {
  t: 'object',
  fields: { name: name('env-name'), value: str, valueFrom: anyObject },
  required: ['name'],
  exclusive: [['value', 'valueFrom']],
};
const env: Schema = { t: 'list', of: envVar, uniqueBy: 'name' };

export const securityContext: Schema = {
  t: 'object',
  fields: {
    capabilities: { t: 'object', fields: { add: strings, drop: strings } },
    privileged: bool,
    seLinuxOptions: anyObject,
    windowsOptions: anyObject,
    runAsUser: int,
    runAsGroup: int,
    runAsNonRoot: bool,
    readOnlyRootFilesystem: bool,
    allowPrivilegeEscalation: bool,
    procMount: str,
    seccompProfile: {
      t: 'object',
      fields: {
        type: { t: 'string', enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] },
        localhostProfile: str,
      },
      required: ['type'],
    },
    appArmorProfile: {
      t: 'object',
      fields: {
        type: { t: 'string', enum: ['RuntimeDefault', 'Localhost', 'Unconfined'] },
        localhostProfile: str,
      },
      required: ['type'],
    },
  },
};

/** Container fields a Step, a StepTemplate and a Sidecar share. */
const containerFields: Record<string, Schema> = {
  image: str,
  command: strings,
  args: strings,
  workingDir: str,
  env,
  envFrom: listOfAny,
  computeResources: anyObject,
  volumeMounts: listOfAny,
  volumeDevices: listOfAny,
  imagePullPolicy: { t: 'string', enum: ['Always', 'Never', 'IfNotPresent'] },
  securityContext,
};

const when: Schema = {
  t: 'object',
  fields: { input: str, operator: { t: 'string', enum: ['in', 'notin'] }, values: strings, cel: str },
  exclusive: [
    ['cel', 'input'],
    ['cel', 'operator'],
    ['cel', 'values'],
  ],
};
const whens: Schema = { t: 'list', of: when };

const stepResult: Schema = {
  t: 'object',
  fields: {
    name: name('result-name'),
    type: { t: 'string', enum: PARAM_TYPES },
    properties: { t: 'map', of: anyObject },
    description: str,
  },
  required: ['name'],
};
const resolverRef = { resolver: str, params };

const step: Schema = {
  t: 'object',
  fields: {
    name: name('dns1123-label'),
    displayName: str,
    ...containerFields,
    script: str,
    timeout: str,
    workspaces: listOfAny,
    onError: { t: 'string', enum: ['continue', 'stopAndFail'] },
    stdoutConfig: { t: 'object', fields: { path: str } },
    stderrConfig: { t: 'object', fields: { path: str } },
    ref: { t: 'object', fields: { name: name('dns1123-label'), ...resolverRef } },
    params,
    results: { t: 'list', of: stepResult, uniqueBy: 'name' },
    when: whens,
  },
  exclusive: [
    ['script', 'command'],
    ['ref', 'image'],
    ['ref', 'script'],
  ],
};

const sidecar: Schema = {
  t: 'object',
  fields: {
    name: name('dns1123-label'),
    ...containerFields,
    script: str,
    ports: listOfAny,
    livenessProbe: anyObject,
    readinessProbe: anyObject,
    startupProbe: anyObject,
    lifecycle: anyObject,
    terminationMessagePath: str,
    terminationMessagePolicy: str,
    stdin: bool,
    stdinOnce: bool,
    tty: bool,
    workspaces: listOfAny,
    restartPolicy: str,
  },
};

const taskWorkspace: Schema = {
  t: 'object',
  fields: { name: str, description: str, mountPath: str, readOnly: bool, optional: bool },
  required: ['name'],
};

const taskResult: Schema = {
  t: 'object',
  fields: {
    name: name('result-name'),
    type: { t: 'string', enum: PARAM_TYPES },
    properties: { t: 'map', of: anyObject },
    description: str,
    value: { t: 'param-value' },
  },
  required: ['name'],
};

const taskSpecFields: Record<string, Schema> = {
  displayName: str,
  description: str,
  params: paramSpecs,
  workspaces: { t: 'list', of: taskWorkspace, uniqueBy: 'name' },
  results: { t: 'list', of: taskResult, uniqueBy: 'name' },
  steps: { t: 'list', of: step, uniqueBy: 'name', nonEmpty: true },
  stepTemplate: { t: 'object', fields: containerFields },
  sidecars: { t: 'list', of: sidecar, uniqueBy: 'name' },
  volumes: listOfAny,
};
const taskSpec: Schema = { t: 'object', fields: taskSpecFields, required: ['steps'] };

const pipelineTask: Schema = {
  t: 'object',
  fields: {
    name: name('dns1123-label'),
    displayName: str,
    description: str,
    taskRef: {
      t: 'object',
      fields: { name: name('dns1123-label'), kind: str, apiVersion: str, ...resolverRef },
      oneOf: ['name', 'resolver'],
    },
    taskSpec: {
      t: 'object',
      fields: {
        ...taskSpecFields,
        metadata: {
          t: 'object',
          fields: { labels: { t: 'map', of: str }, annotations: { t: 'map', of: str } },
        },
      },
      required: ['steps'],
    },
    when: whens,
    retries: int,
    runAfter: strings,
    params,
    matrix: anyObject,
    workspaces: {
      t: 'list',
      of: { t: 'object', fields: { name: str, workspace: str, subPath: str }, required: ['name'] },
      uniqueBy: 'name',
    },
    timeout: str,
    onError: { t: 'string', enum: ['continue', 'stopAndFail'] },
  },
  required: ['name'],
  oneOf: ['taskRef', 'taskSpec'],
};

const workspaceBinding: Schema = {
  t: 'object',
  fields: {
    name: str,
    subPath: str,
    volumeClaimTemplate: {
      t: 'object',
      fields: { metadata: anyObject, spec: anyObject },
      required: ['spec'],
    },
    persistentVolumeClaim: {
      t: 'object',
      fields: { claimName: name('dns1123-subdomain'), readOnly: bool },
      required: ['claimName'],
    },
    emptyDir: anyObject,
    configMap: {
      t: 'object',
      fields: { name: name('dns1123-subdomain'), items: listOfAny, defaultMode: int, optional: bool },
      required: ['name'],
    },
    secret: {
      t: 'object',
      fields: { secretName: name('dns1123-subdomain'), items: listOfAny, defaultMode: int, optional: bool },
      required: ['secretName'],
    },
    projected: anyObject,
    csi: anyObject,
  },
  required: ['name'],
  oneOf: [
    'volumeClaimTemplate',
    'persistentVolumeClaim',
    'emptyDir',
    'configMap',
    'secret',
    'projected',
    'csi',
  ],
};

function document(apiVersion: string, kind: string, meta: Schema, spec: Schema): Schema {
  return {
    t: 'object',
    fields: {
      apiVersion: { t: 'string', enum: [apiVersion] },
      kind: { t: 'string', enum: [kind] },
      metadata: meta,
      spec,
    },
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
  };
}

/** Schemas by kind. The apiVersion each kind must have is part of its schema. */
export const SCHEMAS: Record<string, Schema> = {
  Task: document('tekton.dev/v1', 'Task', metadata('dns1123-label', false), taskSpec),
  StepAction: document('tekton.dev/v1beta1', 'StepAction', metadata('dns1123-label', false), {
    t: 'object',
    fields: {
      description: str,
      image: str,
      command: strings,
      args: strings,
      env,
      script: str,
      workingDir: str,
      params: paramSpecs,
      results: { t: 'list', of: stepResult, uniqueBy: 'name' },
      securityContext,
      volumeMounts: listOfAny,
    },
    required: ['image'],
    exclusive: [['script', 'command']],
  }),
  Pipeline: document('tekton.dev/v1', 'Pipeline', metadata('dns1123-label', false), {
    t: 'object',
    fields: {
      displayName: str,
      description: str,
      params: paramSpecs,
      workspaces: {
        t: 'list',
        of: { t: 'object', fields: { name: str, description: str, optional: bool }, required: ['name'] },
        uniqueBy: 'name',
      },
      results: {
        t: 'list',
        of: {
          t: 'object',
          fields: {
            name: name('result-name'),
            type: { t: 'string', enum: PARAM_TYPES },
            description: str,
            value: { t: 'param-value' },
          },
          required: ['name', 'value'],
        },
        uniqueBy: 'name',
      },
      tasks: { t: 'list', of: pipelineTask, uniqueBy: 'name', nonEmpty: true },
      finally: { t: 'list', of: pipelineTask, uniqueBy: 'name' },
    },
    required: ['tasks'],
  }),
  PipelineRun: document('tekton.dev/v1', 'PipelineRun', metadata('dns1123-label', true), {
    t: 'object',
    fields: {
      pipelineRef: {
        t: 'object',
        fields: { name: name('dns1123-label'), apiVersion: str, ...resolverRef },
        oneOf: ['name', 'resolver'],
      },
      pipelineSpec: anyObject,
      params,
      status: {
        t: 'string',
        enum: ['Cancelled', 'CancelledRunFinally', 'StoppedRunFinally', 'PipelineRunPending'],
      },
      timeouts: { t: 'object', fields: { pipeline: str, tasks: str, finally: str } },
      taskRunTemplate: { t: 'object', fields: { podTemplate: anyObject, serviceAccountName: str } },
      workspaces: { t: 'list', of: workspaceBinding, uniqueBy: 'name' },
      taskRunSpecs: listOfAny,
      managedBy: str,
    },
    oneOf: ['pipelineRef', 'pipelineSpec'],
  }),
};

/** Core Kubernetes kinds the samples hold. */
export const CORE_SCHEMAS: Record<string, Schema> = {
  Secret: {
    t: 'object',
    fields: {
      apiVersion: { t: 'string', enum: ['v1'] },
      kind: { t: 'string', enum: ['Secret'] },
      metadata: metadata('dns1123-subdomain', false),
      type: str,
      data: { t: 'map', of: str },
      stringData: { t: 'map', of: str },
      immutable: bool,
    },
    required: ['apiVersion', 'kind', 'metadata'],
  },
};

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The objects of a list (anything else: none). */
export const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isObject) : []);
/** v if it is an object, else an empty one. */
export const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
/** The string `name`s of a list of objects. */
export const names = (v: unknown): Set<string> =>
  new Set(list(v).flatMap((x) => (typeof x.name === 'string' ? [x.name] : [])));

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Check one value against a schema; problems are appended to out. */
export function checkSchema(v: unknown, s: Schema, path: string, out: Problem[]): void {
  const bad = (rule: string, message: string): void => {
    out.push({ path: path || '.', rule, message });
  };
  switch (s.t) {
    case 'any':
      return;
    case 'object-any':
      if (!isObject(v)) bad('type', `expected an object, found ${typeName(v)}`);
      return;
    case 'string':
      if (typeof v !== 'string') return bad('type', `expected a string, found ${typeName(v)}`);
      if (s.enum && !s.enum.includes(v))
        bad('enum', `${JSON.stringify(v)} is not one of ${s.enum.join(', ')}`);
      if (s.format) {
        const f = NAME_FORMATS[s.format];
        if (!f.re.test(v) || v.length > f.max)
          bad('name-format', `${JSON.stringify(v)} is not a valid ${s.format} (${f.says})`);
      }
      return;
    case 'boolean':
      if (typeof v !== 'boolean')
        bad('type', `expected true or false, found ${typeName(v)} ${JSON.stringify(v)}`);
      return;
    case 'integer':
      if (!Number.isInteger(v)) bad('type', `expected an integer, found ${typeName(v)} ${JSON.stringify(v)}`);
      return;
    case 'param-value':
      if (typeof v === 'string') return;
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return;
      if (isObject(v) && Object.values(v).every((x) => typeof x === 'string')) return;
      return bad(
        'type',
        `expected a string, a list of strings or an object of strings, found ${typeName(v)}`,
      );
    case 'map':
      if (!isObject(v)) return bad('type', `expected an object, found ${typeName(v)}`);
      for (const [k, x] of Object.entries(v)) checkSchema(x, s.of, `${path}.${k}`, out);
      return;
    case 'list': {
      if (!Array.isArray(v)) return bad('type', `expected a list, found ${typeName(v)}`);
      if (s.nonEmpty && v.length === 0) bad('required', 'must not be empty');
      const seen = new Set<unknown>();
      v.forEach((x, i) => {
        checkSchema(x, s.of, `${path}[${i}]`, out);
        if (s.uniqueBy && isObject(x) && x[s.uniqueBy] !== undefined) {
          const key = x[s.uniqueBy];
          if (seen.has(key))
            out.push({
              path: `${path}[${i}].${s.uniqueBy}`,
              rule: 'duplicate-name',
              message: `${JSON.stringify(key)} appears more than once in ${path}`,
            });
          seen.add(key);
        }
      });
      return;
    }
    case 'object': {
      if (!isObject(v)) return bad('type', `expected an object, found ${typeName(v)}`);
      for (const [k, x] of Object.entries(v)) {
        const f = s.fields[k];
        if (!f) {
          out.push({
            path: `${path}.${k}`,
            rule: 'unknown-key',
            message: `unknown key ${JSON.stringify(k)} (allowed here: ${Object.keys(s.fields).join(', ')})`,
          });
          continue;
        }
        checkSchema(x, f, `${path}.${k}`, out);
      }
      for (const k of s.required ?? []) if (v[k] === undefined) bad('required', `${k} is required`);
      if (s.oneOf) {
        const present = s.oneOf.filter((k) => v[k] !== undefined);
        if (present.length !== 1)
          bad(
            'one-of',
            `exactly one of ${s.oneOf.join(', ')} is needed, found ${present.join(', ') || 'none'}`,
          );
      }
      for (const group of s.exclusive ?? []) {
        const present = group.filter((k) => v[k] !== undefined);
        if (present.length > 1) bad('exclusive', `${present.join(' and ')} cannot be used together`);
      }
      return;
    }
  }
}
