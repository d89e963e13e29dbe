export interface CommandResult {
    code: number | null;
    stdout: string;
    stderr: string;
}
/** Run `cmd args…` with `input` on stdin; rejects only when the program could not be started. */
export type CommandRunner = (cmd: string, args: string[], opts: {
    input: string;
    env?: Record<string, string | undefined>;
}) => Promise<CommandResult>;
export declare const spawnCommand: CommandRunner;
