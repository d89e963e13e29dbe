/**
 * Running a program for its answer (docker credential helpers, ocicrypt key providers): the host may supply its
 * own runner (the Action uses @actions/exec, a test a fake); the default is node:child_process, with the input
 * on stdin and never on the command line.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The program was stopped after `timeoutMs`. */
  timedOut?: boolean;
}

export interface CommandOptions {
  /** What the program reads on stdin (a key provider's request holds a layer key: bytes, never logged). */
  input: string | Uint8Array;
  env?: Record<string, string | undefined>;
  /** Stop the program (SIGKILL) after this long and answer `timedOut`. */
  timeoutMs?: number;
}

/** Run `cmd args…` with `input` on stdin; rejects only when the program could not be started. */
export type CommandRunner = (cmd: string, args: string[], opts: CommandOptions) => Promise<CommandResult>;

export const spawnCommand: CommandRunner = (cmd, args, opts) =>
  new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...(opts.env ? { env: opts.env as NodeJS.ProcessEnv } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c, stdout: out, stderr: err, ...(timedOut ? { timedOut } : {}) });
    });
    // A program that exits without reading stdin makes the write fail with EPIPE: its exit code and output
    // tell what happened, so this must not become an unhandled 'error' event that kills the process.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
