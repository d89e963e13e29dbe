// Entry point of a layer worker thread (bundled to dist/worker): only the file loop and the cipher, so that
// each worker costs a few MiB, not a second copy of the whole program.
import { serveLayerJobs } from './layer-workers.js';

serveLayerJobs();
