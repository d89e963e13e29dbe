/**
 * The real peers the suite checks against (skopeo, umoci). test/run.sh installs them when missing; here a test
 * asks for one. With CI=true a missing peer fails the test: never a silent skip.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import type { TestContext } from 'node:test';

export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Returns true when the peer is there; otherwise skips the test, or fails it under CI=true. */
export function needPeer(t: TestContext, name: string): boolean {
  if (hasCommand(name)) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is required with CI=true but is not installed`);
  t.skip(`${name} is not installed (npm test installs it)`);
  return false;
}

export function run(cmd: string, args: string[], opts: { input?: string } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', input: opts.input ?? '', maxBuffer: 64 * 1024 * 1024 });
}

/** Run skopeo and fail with its output when it fails. */
export function skopeo(args: string[]): string {
  const r = run('skopeo', ['--insecure-policy', ...args]);
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}
