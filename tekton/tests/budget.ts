/**
 * Tekton hands results over in the step container's termination message, which Kubernetes caps at 4096 bytes
 * (design.md: all results of one pod share about 4 KiB); a step whose results do not fit fails, after the push.
 * The worst case of each result comes from explicit assumptions, so the check states what it guarantees.
 */
import type { Doc } from './load.js';
import { names, obj, type Problem } from './schema.js';

export const TERMINATION_MESSAGE_MAX = 4096;

/** What the worst case of each result is made of. */
export interface BudgetAssumptions {
  /** registry/repository, without tag or digest (distribution caps a name at 255). */
  nameMax: number;
  /** Tags are up to 128 characters. */
  tagMax: number;
  /** sha256:<64 hex>. */
  digestLength: number;
  /** Repositories one run pushes to (TAGS may name other repositories). */
  repositories: number;
}

/**
 * What the suite holds the results to: 8 repositories with the longest names and tags the grammar allows (9
 * such names would overflow Tekton's 4 KiB beside IMAGE_ARTIFACT_OUTPUTS; the Task's README states the limit).
 */
export const WORST_CASE: BudgetAssumptions = {
  nameMax: 255,
  tagMax: 128,
  digestLength: 71,
  repositories: 8,
};

/** The length an object result takes in the termination message: its JSON text, escaped again as a string. */
function objectResultLength(value: Record<string, string>): number {
  return JSON.stringify(JSON.stringify(value)).length - 2;
}

export function worstCaseLengths(a: BudgetAssumptions): Record<string, number> {
  const ref = a.nameMax + 1 + a.digestLength;
  return {
    IMAGE_DIGEST: a.digestLength,
    IMAGE_URL: a.nameMax + 1 + a.tagMax,
    IMAGE_REF: ref,
    IMAGES: a.repositories * ref + (a.repositories - 1),
    IMAGE_ARTIFACT_OUTPUTS: objectResultLength({
      uri: 'x'.repeat(a.nameMax),
      digest: 'x'.repeat(a.digestLength),
      isBuildArtifact: 'true',
    }),
  };
}

/**
 * Bytes of the step's termination message when each result has the given length (as escaped in JSON): the JSON
 * array Tekton's entrypoint writes, one {key, value, type} per result plus its own StartedAt entry. Kubernetes keeps at most
 * 4096 bytes of it; Tekton fails the step when it is longer.
 */
export function terminationMessageBytes(lengths: Record<string, number>): number {
  const entries = Object.entries(lengths).map(([key, n]) => ({ key, value: 'x'.repeat(n), type: 1 }));
  entries.push({ key: 'StartedAt', value: '2006-01-02T15:04:05.000Z', type: 3 });
  return Buffer.byteLength(JSON.stringify(entries));
}

/** The worst case of the results a Task or StepAction declares, checked against the budget. */
export function resultBudget(
  doc: Doc,
  worst: Record<string, number>,
  max = TERMINATION_MESSAGE_MAX,
): { bytes: number; problems: Problem[] } {
  const problems: Problem[] = [];
  const lengths: Record<string, number> = {};
  for (const r of names(obj(doc.value.spec).results)) {
    const n = worst[r];
    if (n === undefined)
      problems.push({
        file: doc.file,
        path: '.spec.results',
        rule: 'result-budget',
        message: `no worst-case length known for result ${r}`,
      });
    else lengths[r] = n;
  }
  const bytes = terminationMessageBytes(lengths);
  if (bytes > max)
    problems.push({
      file: doc.file,
      path: '.spec.results',
      rule: 'result-budget',
      message: `worst case ${bytes} bytes of results > ${max} (${Object.entries(lengths)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}, plus JSON and StartedAt)`,
    });
  return { bytes, problems };
}
