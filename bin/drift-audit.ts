#!/usr/bin/env node
/** The `drift-audit` command: a thin shim around {@link run} so tests can drive the CLI in-process. */
import { processIo } from './cli/cli-io.js';
import { run } from './cli/run.js';

// `drift-audit scan | head` closes the pipe early: the reader wants no more, which is not an error.
// Exit quietly as Unix tools do, instead of crashing on the unhandled EPIPE of the next write.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await run(process.argv.slice(2), processIo());
