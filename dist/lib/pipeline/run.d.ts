import type { RunHost } from './host.js';
import type { DecryptionKey } from './keys.js';
import { type PushReport } from './push.js';
import type { RegistryOptions } from './registry-session.js';
import type { Request } from './request.js';
import type { ImageReport } from './result.js';
export interface RequestRunner extends RunHost {
    /** A decrypt's or rewrap's keys (the front end reads them: the CLI from --key, the library from its options). */
    keys?: DecryptionKey[];
    /** What the host adds to the request's registry options (a secret masker, a command runner). */
    registry?: Pick<RegistryOptions, 'onSecret' | 'runCommand'>;
}
export declare function runRequest(req: Request, runner: RequestRunner): Promise<ImageReport | PushReport>;
