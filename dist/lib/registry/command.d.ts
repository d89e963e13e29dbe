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
export declare const spawnCommand: CommandRunner;
