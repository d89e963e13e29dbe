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

/** A helper's or provider's answer is a few KB: more is a broken or hostile program (it is killed). */
export const MAX_STDOUT = 1024 * 1024;
export const MAX_STDERR = 64 * 1024;

/** Bytes of one stream up to `max`; `over()` once more came. */
function capped(max: number, over: () => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(d: Buffer): void {
      if (size + d.length > max) over();
      else chunks.push(d);
      size += d.length;
    },
    text: (): string => Buffer.concat(chunks).toString('utf8'),
  };
}

/**
 * The program runs in its own process group, so a timeout or an oversized answer kills it and everything it
 * started (a provider's own children would otherwise hold the pipes open, and us with them). We settle on its
 * exit, not on the pipes closing, for the same reason.
 */
export const spawnCommand: CommandRunner = (cmd, args, opts) =>
  new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(cmd, args, {
      ...(opts.env ? { env: opts.env as NodeJS.ProcessEnv } : {}),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    let stopped: 'timedOut' | 'tooLong' | undefined;
    const stop = (why: 'timedOut' | 'tooLong') => {
      stopped ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already: the child alone, if anything
      }
    };
    const out = capped(MAX_STDOUT, () => stop('tooLong'));
    const err = capped(MAX_STDERR, () => stop('tooLong'));
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => stop('timedOut'), opts.timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.add(d));
    child.stderr.on('data', (d: Buffer) => err.add(d));
    child.on('error', (e) => {
      clearTimeout(timer);
      settled = true;
      reject(e);
    });
    let settled = false;
    const settle = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const result: CommandResult = { code, stdout: out.text(), stderr: err.text() };
      if (stopped === 'timedOut') result.timedOut = true;
      if (stopped === 'tooLong') result.stderr = `its output exceeded ${MAX_STDOUT} bytes; it was stopped`;
      resolve(result);
    };
    child.on('close', (code) => settle(code));
    // Pipes still held by what the program started must not hold us: shortly after its exit, stop listening.
    child.on('exit', (code) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        settle(code);
      }, 250);
    });
    // A program that exits without reading stdin makes the write fail with EPIPE: its exit code and output
    // tell what happened, so this must not become an unhandled 'error' event that kills the process.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input);
  });
