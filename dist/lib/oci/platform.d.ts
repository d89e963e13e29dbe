export interface Platform {
    os: string;
    architecture: string;
    variant?: string;
    'os.version'?: string;
}
export declare function formatPlatform(p: Platform | undefined): string;
/** Parse `os/arch[/variant]`, as docker and skopeo write platforms. */
export declare function parsePlatform(spec: string): Platform;
export declare function platformMatches(want: Platform, have: Platform | undefined): boolean;
/** One key per platform, as containerd matches them: `linux/arm64` and `linux/arm64/v8` are one platform. */
export declare function platformKey(p: Platform): string;
