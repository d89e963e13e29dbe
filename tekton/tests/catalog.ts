/**
 * Rules for the resources this catalog entry publishes (our Task and StepAction), beyond what Tekton requires:
 * catalog metadata, the description's summary line, a hardened securityContext, and one script for both.
 *
 * - metadata: label app.kubernetes.io/version equal to the release version (x.y.z: the git tag vx.y.z names the
 *   release, TEP-0115, and Artifact Hub drops a tagged version whose label says otherwise); annotations
 *   tekton.dev/pipelines.minVersion (x.y.z, at least the release that serves the kind at that apiVersion),
 *   tekton.dev/categories (Tekton Hub's list), tekton.dev/tags (lowercase words), tekton.dev/displayName,
 *   tekton.dev/platforms (os/arch[/variant], no spaces);
 * - description: its first line (after YAML folding: what Tekton Hub shows as the summary) is one sentence of at
 *   most SUMMARY_MAX characters ending with a period. With the catalog's `description: >-` style the first
 *   paragraph folds into that line, so a long first paragraph fails. 120 rather than 80: the catalog sets no
 *   limit, Hub cards show two lines, and one sentence that says what the Task does and for whom rarely fits 80;
 * - securityContext (stepTemplate merged into each step; the StepAction's own): runAsNonRoot true, runAsUser 65532,
 *   allowPrivilegeEscalation false, capabilities.drop holding ALL and nothing added, seccompProfile
 *   RuntimeDefault, not privileged;
 * - Tekton Chains' type hints (results named *ARTIFACT_OUTPUTS, *IMAGE_URL, *IMAGE_DIGEST) have the shape Chains reads;
 * - the Task's step script and the StepAction's script are the same but for their first comment line.
 */
import type { Doc } from './load.js';
import { isObject, list, obj, type Problem } from './schema.js';

type Obj = Record<string, unknown>;

export const SUMMARY_MAX = 120;

/** Tekton Hub's categories (tektoncd/hub config.yaml). */
export const HUB_CATEGORIES = [
  'Automation',
  'Build Tools',
  'CLI',
  'Cloud',
  'Code Quality',
  'Continuous Integration',
  'Deployment',
  'Developer Tools',
  'Image Build',
  'Integration & Delivery',
  'Git',
  'Kubernetes',
  'Messaging',
  'Monitoring',
  'Networking',
  'Openshift',
  'Publishing',
  'Security',
  'Storage',
  'Testing',
];

/**
 * The first Tekton Pipelines release serving each kind at its apiVersion: v1 Task/Pipeline CRDs came with 0.43;
 * StepAction v1alpha1 with 0.54, v1beta1 with 0.60 (tektoncd/pipeline#7805, #7920).
 */
export const MIN_RELEASE: Record<string, string> = {
  'tekton.dev/v1 Task': '0.43.0',
  'tekton.dev/v1 Pipeline': '0.43.0',
  'tekton.dev/v1 PipelineRun': '0.43.0',
  'tekton.dev/v1beta1 StepAction': '0.60.0',
};

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

export function checkCatalogMetadata(doc: Doc, version: string | undefined, out: Problem[]): void {
  const meta = obj(doc.value.metadata);
  const labels = obj(meta.labels);
  const ann = obj(meta.annotations);
  const bad = (path: string, message: string): void => {
    out.push({ path, rule: 'catalog', message });
  };
  const label = labels['app.kubernetes.io/version'];
  if (typeof label !== 'string') bad('.metadata.labels', 'label app.kubernetes.io/version is required');
  else if (!/^\d+\.\d+\.\d+$/.test(label))
    bad('.metadata.labels', `app.kubernetes.io/version is ${label}, not a release version x.y.z`);
  else if (version !== undefined && label !== version)
    bad('.metadata.labels', `app.kubernetes.io/version is ${label}, the release is ${version}`);
  const a = (k: string) => (typeof ann[k] === 'string' ? (ann[k] as string) : undefined);
  const min = a('tekton.dev/pipelines.minVersion');
  const floor = MIN_RELEASE[`${String(doc.value.apiVersion)} ${doc.kind}`];
  if (min === undefined || !/^\d+\.\d+\.\d+$/.test(min))
    bad('.metadata.annotations', 'tekton.dev/pipelines.minVersion must be x.y.z');
  else if (floor && compareVersions(min, floor) < 0)
    bad(
      '.metadata.annotations.tekton.dev/pipelines.minVersion',
      `${doc.kind} ${String(doc.value.apiVersion)} needs Tekton Pipelines ${floor} or later, minVersion says ${min}`,
    );
  const categories = a('tekton.dev/categories');
  if (!categories) bad('.metadata.annotations', 'tekton.dev/categories is required');
  else
    for (const c of categories.split(',').map((x) => x.trim()))
      if (!HUB_CATEGORIES.includes(c))
        bad(
          '.metadata.annotations.tekton.dev/categories',
          `${JSON.stringify(c)} is not a Tekton Hub category`,
        );
  const tags = a('tekton.dev/tags');
  if (!tags) bad('.metadata.annotations', 'tekton.dev/tags is required');
  else
    for (const t of tags.split(',').map((x) => x.trim()))
      if (!/^[a-z0-9][a-z0-9-]*$/.test(t))
        bad('.metadata.annotations.tekton.dev/tags', `tag ${JSON.stringify(t)} is not a lowercase word`);
  if (!a('tekton.dev/displayName')?.trim())
    bad('.metadata.annotations', 'tekton.dev/displayName is required');
  const platforms = a('tekton.dev/platforms');
  if (!platforms) bad('.metadata.annotations', 'tekton.dev/platforms is required');
  else
    for (const p of platforms.split(','))
      if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(p))
        bad(
          '.metadata.annotations.tekton.dev/platforms',
          `${JSON.stringify(p)} is not os/arch[/variant] (no spaces)`,
        );
  const description = String(obj(doc.value.spec).description ?? '');
  const summary = description.split('\n')[0] ?? '';
  if (!summary.trim()) bad('.spec.description', 'the description starts with a one-line summary');
  else {
    if (summary.length > SUMMARY_MAX)
      bad(
        '.spec.description',
        `the summary line has ${summary.length} characters (at most ${SUMMARY_MAX}): end the first paragraph sooner`,
      );
    if (!summary.endsWith('.'))
      bad('.spec.description', 'the summary line is a sentence ending with a period');
    if (/\.\s+[A-Z]/.test(summary)) bad('.spec.description', 'the summary line is one sentence');
  }
}

function merge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

export function checkSecurityContext(sc: unknown, path: string, out: Problem[]): void {
  const s = obj(sc);
  const caps = obj(s.capabilities);
  const drop = Array.isArray(caps.drop) ? caps.drop : [];
  const add = Array.isArray(caps.add) ? caps.add : [];
  const fails: string[] = [];
  if (s.runAsNonRoot !== true) fails.push('runAsNonRoot must be true');
  if (s.runAsUser !== 65532) fails.push('runAsUser must be 65532');
  if (s.allowPrivilegeEscalation !== false) fails.push('allowPrivilegeEscalation must be false');
  if (!drop.includes('ALL')) fails.push('capabilities.drop must hold ALL');
  if (add.length) fails.push('capabilities.add must be empty');
  if (obj(s.seccompProfile).type !== 'RuntimeDefault')
    fails.push('seccompProfile.type must be RuntimeDefault');
  if (s.privileged === true) fails.push('privileged must not be true');
  for (const f of fails) out.push({ path, rule: 'security-context', message: f });
}

/** The effective securityContext of every step of a Task, and the StepAction's. */
export function checkHardening(doc: Doc, out: Problem[]): void {
  const spec = obj(doc.value.spec);
  if (doc.kind === 'StepAction')
    return checkSecurityContext(spec.securityContext, '.spec.securityContext', out);
  const template = obj(spec.stepTemplate).securityContext;
  list(spec.steps).forEach((s, i) =>
    checkSecurityContext(merge(template, s.securityContext), `.spec.steps[${i}].securityContext`, out),
  );
  list(spec.sidecars).forEach((s, i) =>
    checkSecurityContext(s.securityContext, `.spec.sidecars[${i}].securityContext`, out),
  );
}

/**
 * Tekton Chains' type hints: an `*ARTIFACT_OUTPUTS` result is an object with string properties uri and digest
 * (slsa/v2alpha4 also reads isBuildArtifact, a string too); `*IMAGE_URL` and `*IMAGE_DIGEST` results are strings.
 * A hint of another shape is not recognised, and the image is left out of the provenance.
 */
export function checkChainsResults(doc: Doc, out: Problem[]): void {
  list(obj(doc.value.spec).results).forEach((r, i) => {
    const name = String(r.name);
    const path = `.spec.results[${i}]`;
    const bad = (message: string) => out.push({ path, rule: 'chains-result', message });
    if (/(IMAGE_URL|IMAGE_DIGEST)$/.test(name) && (r.type ?? 'string') !== 'string')
      bad(`${name} is a string result for Tekton Chains`);
    if (!name.endsWith('ARTIFACT_OUTPUTS')) return;
    if (r.type !== 'object') bad(`${name} is an object result for Tekton Chains (type: object)`);
    const props = obj(r.properties);
    for (const p of ['uri', 'digest', 'isBuildArtifact'])
      if (p in props ? obj(props[p]).type !== 'string' : p !== 'isBuildArtifact')
        bad(`${name} needs property ${p} of type string`);
  });
}

/** Lines of a script without its first comment line (the one that says which file it is in). */
function withoutFirstComment(script: string): string[] {
  const lines = script.split('\n');
  const i = lines.findIndex((l) => /^\s*#(?!!)/.test(l));
  if (i !== -1) lines.splice(i, 1);
  return lines;
}

/** The Task's step script and the StepAction's are the same but for their first comment line. */
export function compareScripts(task: Doc, stepAction: Doc): Problem[] {
  const steps = list(obj(task.value.spec).steps);
  const a = withoutFirstComment(String(steps[0]?.script ?? ''));
  const b = withoutFirstComment(String(obj(stepAction.value.spec).script ?? ''));
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i])
      return [
        {
          file: stepAction.file,
          path: '.spec.script',
          rule: 'script-drift',
          message: `the StepAction's script differs from the Task's at line ${i + 1} (first comment line aside): ${JSON.stringify(b[i])} vs ${JSON.stringify(a[i])}`,
        },
      ];
  }
  return [];
}
