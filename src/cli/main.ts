#!/usr/bin/env node
// Entry point of the `oci-encrypt-push` command (and of the bundle in dist/cli).
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
