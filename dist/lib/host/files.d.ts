/** Whether a path exists (a key spec like `key.pem:env=VAR` is first taken as a file name). */
export declare function pathExists(path: string): boolean;
/** Read a key (or certificate, CA, configuration) file, with an error that names the input it came from. */
export declare function readKeyFile(path: string, input: string): Buffer;
/**
 * The text of a CA file, or of the *.crt and *.pem files of a folder (a mounted Secret: its `..data` entries
 * are skipped), one after the other; a folder with none gives the empty list. Errors are the system's, or
 * EINVAL and EFBIG for an entry that is not a regular file of at most 1 MiB.
 */
export declare function readCaPath(path: string): string[];
/** A matrix uploads one digest file per platform: thousands of entries are not a download of digest artifacts. */
export declare const MAX_FOLDER_ENTRIES = 4096;
/** A digest file holds one `REPO@sha256:…` at most: a few hundred bytes. */
export declare const MAX_DIGEST_FILE = 4096;
/**
 * The files of `dir` and of its folders one level down (actions/download-artifact gives each artifact its own
 * folder unless merge-multiple is set), each with its text, sorted by path: the digest files of a matrix's jobs.
 * Nothing is skipped, so that no digest is silently left out: a folder two levels down fails (EISDIR). No link is
 * followed, to a file or a folder (ELOOP): one could read any file of the runner, a key say, into the index or an
 * error message. At most MAX_FOLDER_ENTRIES entries (ETOOMANY) and MAX_DIGEST_FILE bytes a file (EFBIG). Errors
 * are the system's (ENOENT, ENOTDIR, EACCES), these, or EINVAL as readKeyFile's; `entry` on the error names the
 * entry at fault, relative to `dir`. `dir` itself is the user's to name, link or not.
 */
export declare function readFolderFiles(dir: string): {
    name: string;
    text: string;
}[];
/** Throws the system's error (EACCES, ENOENT, ENOTDIR) unless `dir` is a folder we may write in. */
export declare function checkWritableFolder(dir: string): void;
/** Write a result file; `name` is the input that asked for it. */
export declare function writeResultFile(name: string, path: string, text: string): void;
/** Remove a folder and all in it (an output a gate or a hook refused). */
export declare function removeFolder(path: string): Promise<void>;
