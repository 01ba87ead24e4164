// The installed package resolves every import it makes: each package the published entry points reach
// (statically or through a lazy `import()`) is a dependency, or a peer the construct's users bring.
// The Lambda handlers are bundled at pack time, so what only they import stays a devDependency.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  exports: Record<string, string | { types: string; default: string }>;
};

/** The published entry points, as sources: the construct, the engine, the report renderers and the CLI. */
const ENTRIES = ['lib/index.ts', 'lambdas/engine/index.ts', 'lambdas/sinks/report/index.ts', 'bin/drift-audit.ts'];

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

async function importedPackages(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(REPO, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: join(REPO, '.tmp', 'dependency-scan'),
  });
  const builtins = new Set(builtinModules);
  const names = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtins.has(imported.path)) continue;
      names.add(packageName(imported.path));
    }
  }
  return [...names].sort();
}

describe('Package: runtime dependencies', () => {
  it.each(ENTRIES)('%s imports only declared dependencies and peers', async (entry) => {
    // Act
    const imported = await importedPackages(entry);

    // Assess
    const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies)]);
    expect(imported.filter((name) => !declared.has(name))).toEqual([]);
  });

  it('keeps aws-cdk-lib and constructs optional peers, so installing the CLI does not pull in the CDK', async () => {
    // Act
    const cliImports = await importedPackages('bin/drift-audit.ts');

    // Assess
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
    expect(manifest.peerDependenciesMeta).toEqual({ 'aws-cdk-lib': { optional: true }, constructs: { optional: true } });
    expect(Object.keys(manifest.dependencies)).not.toContain('aws-cdk-lib');
    expect(cliImports).not.toContain('aws-cdk-lib');
    expect(cliImports).not.toContain('constructs');
  });

  it('exports the construct and the engine with their declarations', () => {
    // Assess
    expect(manifest.exports['.']).toEqual({ types: './dist/lib/index.d.ts', default: './dist/lib/index.js' });
    expect(manifest.exports['./engine']).toEqual({ types: './dist/lambdas/engine/index.d.ts', default: './dist/lambdas/engine/index.js' });
  });
});
