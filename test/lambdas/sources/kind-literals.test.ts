/**
 * Nothing outside a kind's own folder branches on a source kind's or a revert target kind's name:
 * the names come from the registry, so a new kind is covered the moment it registers. A module in
 * `lambdas/sources/<folder>/` may compare only the names of the kind that lives there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceKinds } from '../../../lambdas/sources/registry.js';
import type { SourceKind } from '../../../lambdas/sources/source-kind.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/**
 * Modules that still compare a kind literal and are owned by other engineers this round (the brief
 * forbids touching them). Each must still hold a comparison: remove an entry once it is migrated.
 */
const PENDING: Readonly<Record<string, string>> = {
  'lambdas/engine/analyse/rules/secret-version.ts': 'engine rule (owned elsewhere): SecureString versions of ssm-parameter targets',
  'lambdas/sources/kubernetes/views/env/container-env.ts': 'Kubernetes env view: env precedence of workload-env targets (envFrom vs env entries)',
  'lambdas/engine/analyse/rules/stale.ts': 'engine rule: the workload-env observations a pod env feed names',
  'lambdas/engine/analyse/ssm-parameter-index.ts': 'engine index: SSM parameter observations by their ssm-parameter target name (stale and fed_from rules)',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path).replaceAll('\\', '/')] : [];
  });
}

/** The kind living in each `lambdas/sources/<folder>/`, found by loading its `kind.ts`. */
async function kindsByFolder(): Promise<Map<string, SourceKind>> {
  const folders = new Map<string, SourceKind>();
  for (const entry of readdirSync(join(ROOT, 'lambdas/sources'), { withFileTypes: true })) {
    if (!entry.isDirectory() || !readdirSync(join(ROOT, 'lambdas/sources', entry.name)).includes('kind.ts')) continue;
    const module = (await import(join(ROOT, 'lambdas/sources', entry.name, 'kind.ts'))) as Record<string, unknown>;
    const kind = Object.values(module).find((value): value is SourceKind => sourceKinds.all.includes(value as SourceKind));
    if (kind !== undefined) folders.set(entry.name, kind);
  }
  return folders;
}

function namesOf(kind: SourceKind): string[] {
  return [kind.name, ...kind.revertTargets.map((target) => target.name)];
}

const escapeRegExp = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `x.kind === 'ssm'`, `'ssm' !== kind`, and `case 'ssm':` in a file that switches on a `kind`. */
function comparisons(text: string, names: readonly string[]): string[] {
  const alternatives = names.map(escapeRegExp).join('|');
  const literal = `'(${alternatives})'`;
  const compared = new RegExp(`\\bkind\\s*[!=]==?\\s*${literal}|${literal}\\s*[!=]==?\\s*[\\w?.]*\\bkind\\b`, 'g');
  const found = [...text.matchAll(compared)].map((match) => match[0]);
  if (/switch\s*\([^)]*\bkind\s*\)/.test(text)) found.push(...[...text.matchAll(new RegExp(`case\\s+${literal}\\s*:`, 'g'))].map((match) => match[0]));
  return found;
}

describe('Registry: kind names are compared only inside their own kind folder', () => {
  it('finds no comparison of a source or revert target kind name outside its folder', async () => {
    // Prepare
    const folders = await kindsByFolder();
    const all = sourceKinds.all.flatMap(namesOf);
    const offenders: Record<string, string[]> = {};
    // Act
    for (const file of ['lambdas', 'lib', 'bin'].flatMap((dir) => sourceFiles(join(ROOT, dir)))) {
      const folder = /^lambdas\/sources\/([^/]+)\//.exec(file)?.[1];
      const own = folder === undefined ? undefined : folders.get(folder);
      const names = own === undefined ? all : all.filter((name) => !namesOf(own).includes(name));
      const found = comparisons(readFileSync(join(ROOT, file), 'utf8'), names);
      if (found.length > 0) offenders[file] = found;
    }
    // Assess
    expect(folders.size).toBe(sourceKinds.all.length);
    expect(Object.keys(offenders).filter((file) => PENDING[file] === undefined)).toEqual([]);
    expect(Object.keys(PENDING).filter((file) => offenders[file] === undefined)).toEqual([]);
  });

  it('recognises the comparisons it is meant to catch', () => {
    const names = ['ssm', 'workload-env'];
    expect(comparisons("if (spec.kind === 'ssm') {}", names)).toHaveLength(1);
    expect(comparisons("return target?.kind !== 'workload-env'", names)).toHaveLength(1);
    expect(comparisons("switch (target.kind) {\n case 'ssm': break;\n}", names)).toHaveLength(1);
    expect(comparisons("const layer = 'ssm'; if (layer === 'ssm') {}", names)).toEqual([]);
  });
});
