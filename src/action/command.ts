/**
 * The Action's command runner, for key providers: @actions/exec, silent (nothing of the request, the answer or
 * the command line is echoed to the log), stdin from a buffer, stdout and stderr captured up to a cap (a flood
 * is not kept), any exit code returned rather than thrown. @actions/exec cannot kill its program: past the
 * timeout the run fails, and the entry point ends the process once the step has failed (index.ts), so a hung
 * provider cannot hold the job; the runner ends what is left.
 */
import { exec } from '@actions/exec';
import type { CommandResult, CommandRunner } from '../pipeline/engine.js';

const MAX_STDOUT = 1024 * 1024;
const MAX_STDERR = 64 * 1024;

function collector(max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    add(d: Buffer): void {
      if (size + d.length <= max) chunks.push(d);
      size += d.length;
    },
    over: () => size > max,
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

export const execCommand: CommandRunner = async (cmd, args, opts) => {
  const out = collector(MAX_STDOUT);
  const err = collector(MAX_STDERR);
  const run = exec(cmd, args, {
    input: Buffer.from(opts.input),
    silent: true,
    ignoreReturnCode: true,
    listeners: { stdout: (d) => out.add(d), stderr: (d) => err.add(d) },
    ...(opts.env ? { env: opts.env as Record<string, string> } : {}),
  }).then((code): CommandResult => {
    if (out.over() || err.over()) return { code: null, stdout: '', stderr: 'its output exceeded the cap' };
    return { code, stdout: out.text(), stderr: err.text() };
  });
  if (opts.timeoutMs === undefined) return run;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CommandResult>((resolve) => {
    timer = setTimeout(() => resolve({ code: null, stdout: '', stderr: '', timedOut: true }), opts.timeoutMs);
  });
  try {
    return await Promise.race([run, late]);
  } finally {
    clearTimeout(timer);
  }
};
