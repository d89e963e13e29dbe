export interface TarEntry {
    name: string;
    offset: number;
    size: number;
}
/** pax and GNU long-name/long-link records hold a few paths: refuse larger ones before allocating them. */
export declare const MAX_TAR_META: number;
/** Normalise an entry name and refuse anything that could escape the archive's root. */
export declare function safeEntryName(name: string, where: string): string;
export declare function indexTar(path: string): Promise<Map<string, TarEntry>>;
/** Build a small ustar archive in memory (fixtures and sample images only: never used for layers we read). */
export declare function buildTar(files: {
    name: string;
    data?: Uint8Array;
    dir?: boolean;
}[]): Buffer;
