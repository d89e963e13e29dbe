#!/usr/bin/env node
// Entry point of the `oci-encrypt-push` command (and of the bundle in dist/cli).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allowCollection } from '../host/gc.js';
import { removeTempsOnSignals, Temps } from '../pipeline/host.js';
import { main } from './cli.js';

// Interrupted (Ctrl-C, a CI cancel, a pod stop): remove staging folders, so nothing partial is left behind.
const temps = new Temps();
removeTempsOnSignals(temps, (signal) =>
  process.stderr.write(`oci-encrypt-push: interrupted (${signal}); temporary files removed\n`),
);

const here = fileURLToPath(import.meta.url);
// The layer worker's entry: beside us in the bundle (dist/worker), in src/pipeline when run from source.
const worker = here.endsWith('.ts') ? '../host/layer-worker.ts' : '../worker/index.js';
allowCollection(); // our own process: the layer loops may free cipher outputs early (host/gc.ts)
process.exitCode = await main(process.argv.slice(2), { workerScript: join(dirname(here), worker), temps });
