/**
 * Loading YAML for the validator: every document of a file, with the problems YAML itself has. A value that YAML 1.1
 * (what Kubernetes' parser follows: `on`, `yes`, `0755`...) reads differently from YAML 1.2 is a problem too.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { isObject, type Problem } from './schema.js';

export interface Doc {
  file: string;
  /** Position in a multi-document file. */
  index: number;
  kind: string;
  name: string;
  value: Record<string, unknown>;
}

/** The first path where a and b differ, for the YAML 1.1 / 1.2 comparison. */
function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  return `${path || '.'}: ${JSON.stringify(a)} (YAML 1.2) vs ${JSON.stringify(b)} (YAML 1.1)`;
}

/** Parse every document of a YAML text. Syntax errors, duplicate keys and warnings are problems. */
export function parseYaml(text: string, file: string): { docs: Doc[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const docs: Doc[] = [];
  const v12 = parseAllDocuments(text, { version: '1.2', uniqueKeys: true, prettyErrors: true });
  const v11 = parseAllDocuments(text, { version: '1.1', uniqueKeys: true });
  if (!Array.isArray(v12) || !Array.isArray(v11)) return { docs, problems }; // an empty stream
  v12.forEach((d, index) => {
    for (const e of [...d.errors, ...d.warnings])
      problems.push({ file, path: `document ${index}`, rule: 'yaml', message: e.message.split('\n')[0]! });
    if (d.errors.length) return;
    const value: unknown = d.toJS();
    if (value === null || value === undefined) return;
    // The yaml package's 1.1 schema reads a lone "." as a float (NaN); go-yaml, which Kubernetes uses, keeps it a
    // string. Only that difference is not one.
    const old: unknown = JSON.parse(
      JSON.stringify(v11[index]?.toJS() ?? null, (_k, x: unknown) => (Number.isNaN(x) ? '.' : x)),
    );
    const diff = firstDifference(value, old, '');
    if (diff)
      problems.push({
        file,
        path: diff.split(':')[0]!,
        rule: 'yaml-1.1',
        message: `YAML 1.1 reads this differently: ${diff}`,
      });
    if (!isObject(value)) {
      problems.push({
        file,
        path: `document ${index}`,
        rule: 'type',
        message: 'a document must be an object',
      });
      return;
    }
    const meta = isObject(value.metadata) ? value.metadata : {};
    docs.push({
      file,
      index,
      kind: typeof value.kind === 'string' ? value.kind : '',
      name:
        typeof meta.name === 'string'
          ? meta.name
          : typeof meta.generateName === 'string'
            ? meta.generateName
            : '',
      value,
    });
  });
  return { docs, problems };
}

export function loadYamlFile(file: string): { docs: Doc[]; problems: Problem[] } {
  return parseYaml(readFileSync(file, 'utf8'), file);
}
