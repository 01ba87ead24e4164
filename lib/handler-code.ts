/**
 * Where a handler's code comes from, decided once per synth:
 *
 * - **Installed package** (this module runs from `dist/lib/`): the handlers were bundled at pack time into
 *   `dist/lambda-assets/<name>/`, and the function deploys that directory with `Code.fromAsset`. The
 *   consuming app needs no esbuild, no Docker, no lock file and none of the handlers' dependencies: the
 *   bytes deployed are the bytes this package's tests ran.
 * - **This repository** (running from `lib/*.ts`) or an explicit `auditHandlerEntry` / `notifierHandlerEntry`:
 *   `NodejsFunction` bundles the TypeScript entry at synth with the repository as its project root.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HANDLER_ENTRIES, PREBUILT_ASSETS_DIR, PREBUILT_BUNDLE_FILE, type HandlerName } from './handler-bundling.js';

/** The prop that points a handler at an entry file instead of its prebuilt asset. */
const ENTRY_PROPS: Readonly<Record<HandlerName, string>> = {
  audit: 'auditHandlerEntry',
  'notify-slack': 'notifierHandlerEntry',
  'audit-log-forwarder': 'changeEvents.forwarderHandlerEntry',
  'collect-target': 'collectorHandlerEntry',
};

/** A handler's code: a prebuilt asset directory, or an entry file `NodejsFunction` bundles at synth. */
export type HandlerCode = { readonly kind: 'prebuilt'; readonly directory: string } | { readonly kind: 'entry'; readonly entry: string };

/**
 * The package root: `lib/..` in this repository, `dist/lib/../..` when compiled. Both hold `package.json`;
 * the compiled one is told apart by the module's own path.
 */
const MODULE_DIR = fileURLToPath(new URL('.', import.meta.url));
const COMPILED = /[\\/]dist[\\/]lib[\\/]?$/.test(MODULE_DIR);

/** The package (or repository) root the handler entries and assets are relative to. */
export const PACKAGE_ROOT = join(MODULE_DIR, COMPILED ? '../..' : '..');

/**
 * The code of handler `name`: `entryOverride` when given; else the prebuilt asset when this is the compiled
 * package and the asset is there; else the TypeScript entry in this repository.
 *
 * @throws {Error} when running compiled but the prebuilt asset is missing (a package packed without its
 *   build): naming the directory and the command that builds it.
 */
export function handlerCode(name: HandlerName, entryOverride: string | undefined, root: string = PACKAGE_ROOT, compiled: boolean = COMPILED): HandlerCode {
  if (entryOverride !== undefined) return { kind: 'entry', entry: entryOverride };
  if (!compiled) return { kind: 'entry', entry: join(root, HANDLER_ENTRIES[name]) };
  const directory = join(root, PREBUILT_ASSETS_DIR, name);
  if (!existsSync(join(directory, PREBUILT_BUNDLE_FILE))) {
    throw new Error(
      `drift-audit: the prebuilt ${name} handler is missing (${join(directory, PREBUILT_BUNDLE_FILE)}); the package was packed without its build: run \`npm run build:package\` before \`npm pack\`, or pass ${ENTRY_PROPS[name]}`,
    );
  }
  return { kind: 'prebuilt', directory };
}
