// Entry point of the Action (bundled to dist/index.js, run by the runner under node24).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allowCollection } from '../host/gc.js';
import { removeTempsOnSignals, Temps } from '../pipeline/host.js';
import { run } from './main.js';

// A cancelled job gets SIGINT, then SIGTERM: remove staging folders, so nothing partial is left behind.
const temps = new Temps();
removeTempsOnSignals(temps, (signal) =>
  process.stdout.write(`::error::interrupted (${signal}); temporary files removed\n`),
);

const here = fileURLToPath(import.meta.url);
// The layer worker's entry: dist/worker in the bundle, src/host when run from source.
const worker = here.endsWith('.ts') ? '../host/layer-worker.ts' : './worker/index.js';
allowCollection(); // our own process: the layer loops may free cipher outputs early (host/gc.ts)
await run({ workerScript: join(dirname(here), worker), temps });
// The step is over (outputs set, or failed): a key provider that outlived its timeout must not hold the job.
// Unref'd, so a clean run ends as soon as its output is flushed; only something left hanging meets this.
setTimeout(() => process.exit(), 1000).unref();
