/**
 * Timing one command: wall time on this clock (process start-up included, the same for every tool), peak RSS
 * and CPU time from GNU time (wait4 rusage, so descendants the child waited for are included).
 */
import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const GNU_TIME = '/usr/bin/time';

export interface Measure {
  wallS: number;
  /** User + system CPU seconds: less sensitive than wall time to other load on the machine. */
  cpuS: number;
  rssMiB: number;
}

/** Run to completion; a failed run must never count as a time, so fail loudly with the child's stderr. */
export function run(argv: string[], cwd: string): string {
  const [cmd, ...args] = argv;
  const r = spawnSync(cmd!, args, { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/**
 * One timed run. Peak RSS (%M, ru_maxrss in KiB) and CPU time (%U + %S) are written to a file, so they cannot
 * mix with the child's own stderr.
 */
export async function measure(argv: string[], cwd: string, workDir: string): Promise<Measure> {
  const report = join(workDir, 'time.out');
  const start = performance.now();
  run([GNU_TIME, '-f', '%M %U %S', '-o', report, ...argv], cwd);
  const wallS = (performance.now() - start) / 1000;
  const text = await readFile(report, 'utf8');
  await rm(report, { force: true });
  const [kib, user, sys] = text.trim().split('\n').pop()!.split(' ').map(Number);
  if (!kib || user === undefined || sys === undefined || [kib, user, sys].some(Number.isNaN)) {
    throw new Error(`cannot read GNU time's report ${report}`);
  }
  return { wallS, cpuS: user + sys, rssMiB: kib / 1024 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface ToolSummary {
  tool: string;
  how: string;
  medianWallS: number;
  medianCpuS: number;
  peakRssMiB: number;
  runs: Measure[];
}

export function summarize(tool: string, how: string, runs: Measure[]): ToolSummary {
  return {
    tool,
    how,
    medianWallS: median(runs.map((r) => r.wallS)),
    medianCpuS: median(runs.map((r) => r.cpuS)),
    peakRssMiB: Math.max(...runs.map((r) => r.rssMiB)),
    runs,
  };
}
