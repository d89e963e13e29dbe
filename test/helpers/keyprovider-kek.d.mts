/** Types of keyprovider-kek.mjs (shared by the cmd and gRPC test providers). */
export function requestParams(req: unknown): Record<string, string[]>;
export function kekAnswer(req: unknown, kek: Buffer, numbers?: boolean): unknown;
