// Entry point of the rewrap sub-action (bundled to dist/rewrap/index.js; rewrap/action.yml runs it under node24).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allowCollection } from '../../host/gc.js';
import { removeTempsOnSignals, Temps } from '../../pipeline/host.js';
import { runRewrap } from './main.js';

// A cancelled job gets SIGINT, then SIGTERM: remove staging folders, so nothing partial is left behind.
const temps = new Temps();
removeTempsOnSignals(temps, (signal) =>
  process.stdout.write(`::error::interrupted (${signal}); temporary files removed\n`),
);

const here = fileURLToPath(import.meta.url);
// The layer worker's entry: dist/worker beside dist/rewrap in the bundle, src/host when run from source.
const worker = here.endsWith('.ts') ? '../../host/layer-worker.ts' : '../worker/index.js';
allowCollection(); // our own process: the layer loops may free cipher outputs early (host/gc.ts)
await runRewrap({ workerScript: join(dirname(here), worker), temps });
// As the main action: a key provider that outlived its timeout must not hold the job once the step is over.
setTimeout(() => process.exit(), 1000).unref();
