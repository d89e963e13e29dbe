/**
 * Where the catalog lives: the git-based layout of TEP-0115 (tekton/task/<name>/<name>.yaml with README.md and
 * samples/, tekton/stepaction/<name>/<name>.yaml; versions are git tags, not folders), each kind's folder with the
 * artifacthub-repo.yaml that Artifact Hub reads for it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = join(ROOT, 'dist', 'cli', 'index.js');
export const TEKTON_DIR = join(ROOT, 'tekton');
export const TASK_DIR = join(TEKTON_DIR, 'task', 'oci-encrypt-push');
export const TASK_FILE = join(TASK_DIR, 'oci-encrypt-push.yaml');
export const STEPACTION_DIR = join(TEKTON_DIR, 'stepaction', 'oci-encrypt-push');
export const STEPACTION_FILE = join(STEPACTION_DIR, 'oci-encrypt-push.yaml');
export const REWRAP_DIR = join(TEKTON_DIR, 'task', 'oci-encrypt-rewrap');
export const REWRAP_FILE = join(REWRAP_DIR, 'oci-encrypt-rewrap.yaml');
export const INDEX_DIR = join(TEKTON_DIR, 'task', 'oci-encrypt-index');
export const INDEX_FILE = join(INDEX_DIR, 'oci-encrypt-index.yaml');

/** The release version: tags are v + it, and the catalog's app.kubernetes.io/version labels carry it. */
export const RELEASE_VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** Artifact Hub's repository metadata file, one in each kind's folder (the path a repository is added with). */
export const ARTIFACTHUB_REPO_FILE = 'artifacthub-repo.yaml';

/** The kinds of the catalog: tekton/<folder>/<name>/<name>.yaml holds a resource of that kind named <name>. */
export const CATALOG_KINDS = { task: 'Task', stepaction: 'StepAction' } as const;

export interface Manifest {
  kind: (typeof CATALOG_KINDS)[keyof typeof CATALOG_KINDS];
  name: string;
  /** tekton/<folder>/<name>/ */
  dir: string;
  file: string;
}

/** What the catalog publishes (and each release bundles): every tekton/<kind folder>/<name>/<name>.yaml. */
export function catalogManifests(): Manifest[] {
  return Object.entries(CATALOG_KINDS).flatMap(([folder, kind]) =>
    readdirSync(join(TEKTON_DIR, folder), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => {
        const dir = join(TEKTON_DIR, folder, e.name);
        return { kind, name: e.name, dir, file: join(dir, `${e.name}.yaml`) };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
  );
}

/** Every Tekton and Kubernetes YAML file under tekton/ (Artifact Hub's metadata files are neither). */
export function catalogYamlFiles(): string[] {
  return readdirSync(TEKTON_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f) && !f.endsWith(ARTIFACTHUB_REPO_FILE))
    .map((f) => join(TEKTON_DIR, f))
    .sort();
}
