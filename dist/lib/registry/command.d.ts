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
export declare const MAX_STDOUT: number;
export declare const MAX_STDERR: number;
/**
 * The program runs in its own process group, so a timeout or an oversized answer kills it and everything it
 * started (a provider's own children would otherwise hold the pipes open, and us with them). We settle on its
 * exit, not on the pipes closing, for the same reason.
 */
export declare const spawnCommand: CommandRunner;
