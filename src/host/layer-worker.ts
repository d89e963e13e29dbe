// Entry point of a layer lane thread (bundled to dist/worker): only the hashes and the cipher chain, so that
// each lane costs a few MiB, not a second copy of the whole program.
import { serveLanes } from './lanes.js';

serveLanes();
