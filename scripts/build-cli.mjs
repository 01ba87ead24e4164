// Bundles the `drift-audit` CLI into dist/drift-audit.mjs (run by `npm install` via `prepare`).
// Dependencies stay external: they are installed beside it, and the build takes well under a second.
import { build } from 'esbuild';

await build({
  entryPoints: ['bin/drift-audit.ts'],
  outfile: 'dist/drift-audit.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
