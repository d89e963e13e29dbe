// Entry point of a layer lane thread (bundled to dist/worker): only the hashes and the cipher chain, so that
// each lane costs a few MiB, not a second copy of the whole program.
import { workerData } from 'node:worker_threads';
import { allowCollection } from './gc.js';
import type { LaneData } from './lane-pool.js';
import { serveLanes } from './lanes.js';

if ((workerData as LaneData | undefined)?.collect) allowCollection();
serveLanes();
