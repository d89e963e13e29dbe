// Entry point of the index sub-action (bundled to dist/index/index.js; index/action.yml runs it under node24).
import { removeTempsOnSignals, Temps } from '../../pipeline/host.js';
import { runIndex } from './main.js';

// A cancelled job gets SIGINT, then SIGTERM: remove the push's staging folder, so nothing is left behind.
const temps = new Temps();
removeTempsOnSignals(temps, (signal) =>
  process.stdout.write(`::error::interrupted (${signal}); temporary files removed\n`),
);

// No layer is encrypted here, so no layer worker: the index is assembled from manifests alone.
await runIndex({ temps });
setTimeout(() => process.exit(), 1000).unref();
