/**
 * The five scenarios of issue 12, as commands for ours and for skopeo: encrypt into a layout, encrypt and push
 * to docker-registry, decrypt a layout, many small layers encrypted and pushed, and one big layer encrypted:
 * that one is about using every core for a single layer, so it is measured against ours held to one core in
 * the same run (and shown against the time for main, measured on an idle machine).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { REF_NAME } from './layout.js';

export type ScenarioKey = 'layout' | 'push' | 'decrypt' | 'small' | 'big';
export const SCENARIO_KEYS: ScenarioKey[] = ['layout', 'push', 'decrypt', 'small', 'big'];

export interface Tool {
  /** `ours`, then what it is measured against: `skopeo`, or `ours-1cpu` (ours held to one core by taskset). */
  name: 'ours' | 'skopeo' | 'ours-1cpu';
  /** The command of run `i` (a fresh output or repository each run). */
  argv(i: number): string[];
  /** Remove run i's output before it runs. */
  reset(i: number): Promise<void>;
}

export interface Scenario {
  key: ScenarioKey;
  title: string;
  /** Plaintext bytes through the engine, for MB/s and the % of the machine's limit. */
  bytes: number;
  /** Ours against the other tool's median wall time; also shown against a fixed time (`baselineS`). */
  target: { ratio: number; baselineS?: number; baselineWhat?: string };
  /** Whether the CPU limit means anything here: not when fixed costs are the whole run. */
  limited: boolean;
  tools: Tool[];
}

export interface Setup {
  work: string;
  ours: string[];
  pub: string;
  priv: string;
  /** Layout folders: the main one (N × M MiB), the small-layer one, the big one, and the main one encrypted. */
  main: { path: string; bytes: number };
  small: { path: string; bytes: number; layers: number };
  big: { path: string; bytes: number };
  encrypted: string;
  /** The push scenarios' registry: an empty one for each run (`fresh`), so no run pushes into another's data. */
  registry?: { readonly host: string; fresh(): Promise<void> };
  bigBaselineS: number;
}

const SKOPEO = ['skopeo', 'copy', '--quiet', '--insecure-policy'];

export function outOf(work: string, scenario: ScenarioKey, tool: string, i: number): string {
  return join(work, `out-${scenario}-${tool}-${i}`);
}

function toLayout(s: Setup, key: ScenarioKey, layout: string, ours: string[], skopeo: string[]): Tool[] {
  const out = (tool: string, i: number) => outOf(s.work, key, tool, i);
  const reset = (tool: string) => (i: number) => rm(out(tool, i), { recursive: true, force: true });
  return [
    {
      name: 'ours',
      argv: (i) => [
        ...s.ours,
        ...ours,
        '--layout',
        layout,
        '--ref-name',
        REF_NAME,
        '--output',
        out('ours', i),
      ],
      reset: reset('ours'),
    },
    {
      name: 'skopeo',
      argv: (i) => [...SKOPEO, ...skopeo, `oci:${layout}:${REF_NAME}`, `oci:${out('skopeo', i)}:${REF_NAME}`],
      reset: reset('skopeo'),
    },
  ];
}

function toRegistry(s: Setup, key: ScenarioKey, layout: string): Tool[] {
  const repo = (tool: string, i: number) => `${s.registry!.host}/bench/${key}-${tool}-${i}:${REF_NAME}`;
  const reset = () => s.registry!.fresh();
  const encrypt = ['encrypt', '--layout', layout, '--ref-name', REF_NAME, '--tls-verify=false'];
  return [
    {
      name: 'ours',
      argv: (i) => [...s.ours, ...encrypt, '--recipient', `jwe:${s.pub}`, '--image', repo('ours', i)],
      reset,
    },
    {
      name: 'skopeo',
      argv: (i) => [
        ...SKOPEO,
        '--dest-tls-verify=false',
        '--encryption-key',
        `jwe:${s.pub}`,
        `oci:${layout}:${REF_NAME}`,
        `docker://${repo('skopeo', i)}`,
      ],
      reset,
    },
  ];
}

/** Ours, and ours on the first CPU only: all cores for one layer against one. */
function oneCore(ours: Tool): Tool[] {
  return [
    ours,
    { name: 'ours-1cpu', argv: (i) => ['taskset', '-c', '0', ...ours.argv(i)], reset: ours.reset },
  ];
}

export function scenarios(s: Setup): Record<ScenarioKey, () => Scenario> {
  const mib = (n: number) => `${n / 2 ** 20} MiB`;
  return {
    layout: () => ({
      key: 'layout',
      title: 'encrypt into an OCI layout',
      bytes: s.main.bytes,
      target: { ratio: 4.5 },
      limited: true,
      tools: toLayout(
        s,
        'layout',
        s.main.path,
        ['encrypt', '--recipient', `jwe:${s.pub}`],
        ['--encryption-key', `jwe:${s.pub}`],
      ),
    }),
    push: () => ({
      key: 'push',
      title: 'encrypt and push to docker-registry',
      bytes: s.main.bytes,
      target: { ratio: 2.5 },
      limited: true,
      tools: toRegistry(s, 'push', s.main.path),
    }),
    decrypt: () => ({
      key: 'decrypt',
      title: 'decrypt an OCI layout',
      bytes: s.main.bytes,
      target: { ratio: 4 },
      limited: true,
      tools: toLayout(s, 'decrypt', s.encrypted, ['decrypt', '--key', s.priv], ['--decryption-key', s.priv]),
    }),
    small: () => ({
      key: 'small',
      title: `${s.small.layers} layers of ${s.small.bytes / s.small.layers / 1024} KiB, encrypt and push`,
      bytes: s.small.bytes,
      target: { ratio: 2 },
      limited: false,
      tools: toRegistry(s, 'small', s.small.path),
    }),
    big: () => ({
      key: 'big',
      title: `one ${mib(s.big.bytes)} layer, encrypt into a layout`,
      bytes: s.big.bytes,
      target: { ratio: 1.6, baselineS: s.bigBaselineS, baselineWhat: "the issue's time for main" },
      limited: true,
      tools: oneCore(toLayout(s, 'big', s.big.path, ['encrypt', '--recipient', `jwe:${s.pub}`], [])[0]!),
    }),
  };
}
