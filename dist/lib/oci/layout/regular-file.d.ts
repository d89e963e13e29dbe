/** An open regular file of the layout: its path, and its size as opened. */
export interface Opened {
    fd: number;
    path: string;
    size: number;
}
/**
 * Open `rel` under `root` (a real path) only if it is a regular file reached through no link: its folders
 * checked once (checkFolders), then an lstat of the file, so that no link, device or FIFO is ever opened;
 * then O_NOFOLLOW, O_NONBLOCK (a FIFO swapped in must not block the open), fstat of what was opened, and, on
 * Linux, the path of the open descriptor (/proc/self/fd), which differs from `root/rel` if a folder on the way
 * was swapped for a link since it was checked. Without /proc, the whole walk again stands in. `undefined` if
 * absent.
 *
 * Synchronous on purpose: these calls ask the kernel about metadata it holds in memory, microseconds each,
 * while through the thread pool each costs ten times that in CPU (a hundred small layers spent 50 ms on it).
 */
export declare function openRegular(root: string, rel: string, name: string, checked?: Set<string>): Opened | undefined;
/** The whole of a small file, refused when it holds more than `cap` bytes (read at most cap + 1); closes it. */
export declare function readCapped(fd: number, cap: number, what: string): Buffer;
