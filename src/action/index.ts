// Entry point of the Action (bundled to dist/index.js, run by the runner under node24).
import { run } from './main.js';

await run();
