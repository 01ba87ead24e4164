import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LIB = join(ROOT, 'lib');

/** Every module specifier a TypeScript file names: static imports and re-exports, side-effect and dynamic imports. */
function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1] ?? '');
  return found;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` on disk), or undefined for a package. */
function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier);
  const candidates = [target, target.replace(/\.m?js$/, '.ts'), `${target}.ts`, join(target, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? target;
}

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every `lib/` module the runtime reaches, as `<runtime file> -> <lib file>` through the chain of
 * relative imports: what the Lambda bundles and the CLI bundle (`bin/drift-audit.ts`) would pull in.
 */
function libraryReaches(entries: readonly string[]): string[] {
  const reached: string[] = [];
  for (const entry of entries) {
    const seen = new Set<string>();
    const queue = [entry];
    while (queue.length > 0) {
      const file = queue.pop() ?? '';
      if (seen.has(file) || !file.endsWith('.ts') || !existsSync(file)) continue;
      seen.add(file);
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        const target = resolveRelative(file, specifier);
        if (target === undefined) continue;
        if (target === LIB || target.startsWith(`${LIB}${sep}`)) {
          reached.push(`${relative(ROOT, entry)} -> ${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
        } else {
          queue.push(target);
        }
      }
    }
  }
  return [...new Set(reached)].sort();
}

describe('Boundary: runtime code and the CDK library', () => {
  it('no module under lambdas/ or bin/cli, nor the CLI entry, imports lib/, directly or through another module', () => {
    // Prepare: the Lambda handlers' code and everything the CLI bundle is built from.
    const runtime = [...typeScriptFiles(join(ROOT, 'lambdas')), ...typeScriptFiles(join(ROOT, 'bin/cli')), join(ROOT, 'bin/drift-audit.ts')];

    // Act
    const reaches = libraryReaches(runtime);

    // Assess: the contract the stack and the handlers share lives in lambdas/runtime, which lib/ imports.
    expect(runtime.length).toBeGreaterThan(100);
    expect(reaches).toEqual([]);
  });
});
