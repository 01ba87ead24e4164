#!/usr/bin/env node
/** The `drift-audit` command: a thin shim around {@link run} so tests can drive the CLI in-process. */
import { processIo } from './cli/cli-io.js';
import { run } from './cli/run.js';

process.exitCode = await run(process.argv.slice(2), processIo());
