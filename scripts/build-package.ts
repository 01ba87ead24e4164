// Builds what the published package runs (`npm run build:package`; `npm pack` runs it as `prepack`):
//   dist/lib, dist/lambdas      the construct library, the engine and the report renderers: JS + .d.ts (tsc)
//   dist/lambda-assets/<name>   each Lambda handler bundled with all its dependencies (esbuild), deployed
//                               by an installed construct with Code.fromAsset (see lib/handler-code.ts)
//   dist/drift-audit.mjs        the CLI (scripts/build-cli.mjs)
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { HANDLER_BUNDLE, HANDLER_ENTRIES, PREBUILT_ASSETS_DIR, PREBUILT_BUNDLE_FILE } from '../lib/handler-bundling.js';

const root = fileURLToPath(new URL('..', import.meta.url));

for (const dir of ['dist/lib', 'dist/lambdas', PREBUILT_ASSETS_DIR]) rmSync(join(root, dir), { recursive: true, force: true });

function node(args: readonly string[], what: string): void {
  const result = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status})`);
}

node([join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], 'tsc -p tsconfig.build.json');

for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, PREBUILT_ASSETS_DIR, name, PREBUILT_BUNDLE_FILE),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: HANDLER_BUNDLE.target,
    minify: HANDLER_BUNDLE.minify,
    sourcemap: HANDLER_BUNDLE.sourcemap,
    sourcesContent: HANDLER_BUNDLE.sourcesContent,
    mainFields: [...HANDLER_BUNDLE.mainFields],
    banner: { js: HANDLER_BUNDLE.banner },
    logLevel: 'warning',
  });
}

node([join(root, 'scripts/build-cli.mjs')], 'scripts/build-cli.mjs');
