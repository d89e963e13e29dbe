/**
 * The Action's command runner, for key providers: @actions/exec, silent (nothing of the request, the answer or
 * the command line is echoed to the log), stdin from a buffer, stdout and stderr captured, any exit code
 * returned rather than thrown. @actions/exec has no timeout: past it the step fails (the program is left to the
 * runner, which ends the job's processes).
 */
import { getExecOutput } from '@actions/exec';
import type { CommandResult, CommandRunner } from '../pipeline/engine.js';

export const execCommand: CommandRunner = async (cmd, args, opts) => {
  const run = getExecOutput(cmd, args, {
    input: Buffer.from(opts.input),
    silent: true,
    ignoreReturnCode: true,
    ...(opts.env ? { env: opts.env as Record<string, string> } : {}),
  }).then((r): CommandResult => ({ code: r.exitCode, stdout: r.stdout, stderr: r.stderr }));
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
