export declare function isLocalTarget(target: string): boolean;
