/** Run the CLI as users do: a child process from source (tsx), capturing stdout, stderr and the exit code. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** `timeoutMs`: kill the CLI then (a test of something that could block forever fails instead of hanging). */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): CliRun {
  // From another folder, tsx is found by its path and told where the project's tsconfig is.
  const tsx = opts.cwd ? import.meta.resolve('tsx') : 'tsx';
  const tsconfig = opts.cwd ? { TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json') } : {};
  const r = spawnSync(process.execPath, ['--import', tsx, CLI_ENTRY, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...tsconfig, ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(opts.timeoutMs ? { timeout: opts.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The same, without blocking this process: needed whenever a server the CLI talks to (token issuer, fault
 * proxy) runs inside the test process, which spawnSync would starve.
 */
export function runCliAsync(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_ENTRY, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** The error contract: non-zero exit, exactly one `error[E_CODE]: ` line, no internal error, no stack trace. */
export function assertOneError(r: CliRun, status: number, mentions: string[]): string {
  assert.equal(r.status, status, `exit status (stderr: ${r.stderr})`);
  const errors = r.stderr.split('\n').filter((l) => /^error\[E_[A-Z_]+\]: /.test(l));
  assert.equal(errors.length, 1, `exactly one error line in:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /error\[E_INTERNAL\]|\n\s+at /, 'no internal error, no stack trace');
  assert.equal(r.stdout, '', 'nothing on stdout');
  for (const m of mentions) assert.ok(errors[0]!.includes(m), `"${errors[0]}" should mention ${m}`);
  return errors[0]!;
}

/** `decrypt --layout LAYOUT --output OUTPUT --key KEY [MORE]`. */
export function decryptCli(
  layout: string,
  output: string,
  key: string,
  more: string[] = [],
  opts: { env?: NodeJS.ProcessEnv } = {},
): CliRun {
  return runCli(['decrypt', '--layout', layout, '--output', output, '--key', key, ...more], opts);
}
