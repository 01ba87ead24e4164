/**
 * How the Lambda handlers are bundled, in one place for both ways they are built: by `NodejsFunction`
 * at synth (running from this repository's sources) and by `scripts/build-package.ts` at pack time (the
 * prebuilt assets an installed package deploys). Plain data, no CDK import, so the build script can load it.
 */

/** The handlers the construct deploys, by asset name, with their entry relative to the package root. */
export const HANDLER_ENTRIES = {
  audit: 'lambdas/audit/handler.ts',
  'notify-slack': 'lambdas/notify-slack/handler.ts',
  'audit-log-forwarder': 'lambdas/audit-log-forwarder/handler.ts',
  'collect-target': 'lambdas/fanout/collect-target-handler.ts',
} as const;

/** A handler the construct deploys. */
export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** Where the prebuilt assets go inside the package, relative to its root: `dist/lambda-assets/<name>/index.mjs`. */
export const PREBUILT_ASSETS_DIR = 'dist/lambda-assets';

/** The bundle's file name: ESM needs `.mjs` in an asset without a package.json; the handler is `index.handler`. */
export const PREBUILT_BUNDLE_FILE = 'index.mjs';

/** esbuild settings shared by both builds (the names follow esbuild's API). */
export const HANDLER_BUNDLE = {
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require() on Node built-ins; ESM output has no require.
  banner: "import { createRequire as __driftAuditCreateRequire } from 'node:module'; const require = __driftAuditCreateRequire(import.meta.url);",
} as const;
