// Entry point of the Action (bundled to dist/index.js, run by the runner under node24).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './main.js';

const here = fileURLToPath(import.meta.url);
// The layer worker's entry: dist/worker in the bundle, src/pipeline when run from source.
const worker = here.endsWith('.ts') ? '../pipeline/layer-worker.ts' : './worker/index.js';
await run({ workerScript: join(dirname(here), worker) });
