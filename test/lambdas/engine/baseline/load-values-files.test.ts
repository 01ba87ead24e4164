import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadBaselineDir, writeBaselineFile } from '../../../../lambdas/baseline/load-baseline-dir.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import { readBaselineBundle } from '../../../../lib/baseline-bundle.js';

const ENVIRONMENTS = (values: string) => `environments:\n  production:\n    tier: production\n    values: [${values}]\n`;

describe('Function: loadBaselineDir (values files)', () => {
  let root: string;
  let repo: string;
  let config: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'drift-audit-values-'));
    repo = join(root, 'repo');
    config = join(repo, 'config');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(config);
    mkdirSync(join(repo, 'helm'));
    writeFileSync(join(repo, 'helm', 'values-production.yaml'), 'replicaCount: 10 # scaled for launch\n');
    writeFileSync(join(repo, 'helm', 'unrelated.yaml'), 'replicaCount: 1\n');
    writeFileSync(join(root, 'outside.yaml'), 'SECRET_THING: nope\n');
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  const helm = '{ path: ../helm/values-production.yaml, format: helm, keys: { "k8s:replicas": replicaCount } }';

  it('reads a values file elsewhere in the repository through ..', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS(helm));

    const result = loadBaselineDir(config);

    expect(result.ok).toBe(true);
    expect(result.files.map((file) => file.name)).toEqual(['environments.yaml', '../helm/values-production.yaml']);
    if (result.ok) expect(result.baseline.settings.get('k8s:replicas')?.value).toBe('10');
  });

  it('refuses a path that leaves the repository, at its reference, without reading it', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS('../../outside.yaml'));

    const result = loadBaselineDir(config);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'values-path', file: 'environments.yaml', line: 4, column: 14, path: 'environments.production.values[0]' }),
    ]);
    expect(result.files.map((file) => file.name)).toEqual(['environments.yaml']);
  });

  it('refuses a symbolic link inside the repository that leads outside it', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS('sub/linked.yaml'));
    mkdirSync(join(config, 'sub'));
    symlinkSync(join(root, 'outside.yaml'), join(config, 'sub', 'linked.yaml'));

    const result = loadBaselineDir(config);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([expect.objectContaining({ code: 'values-path', file: 'environments.yaml', line: 4 })]);
  });

  it('names a values file that does not exist at its reference', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS('production.yaml'));

    const result = loadBaselineDir(config);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([expect.objectContaining({ code: 'values-file-missing', file: 'environments.yaml', line: 4 })]);
  });

  it('writes an edited values file back where it lives, and nothing outside the repository', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS(helm));

    writeBaselineFile(config, { name: '../helm/values-production.yaml', text: 'replicaCount: 12 # scaled for launch\n' }, ['../helm/values-production.yaml']);

    expect(readFileSync(join(repo, 'helm', 'values-production.yaml'), 'utf8')).toBe('replicaCount: 12 # scaled for launch\n');
    expect(() => writeBaselineFile(config, { name: '../../outside.yaml', text: '' }, ['../../outside.yaml'])).toThrow(
      expect.objectContaining({ code: 'baseline-write-failed' }),
    );
    expect(readFileSync(join(root, 'outside.yaml'), 'utf8')).toBe('SECRET_THING: nope\n');
  });

  it('bundles exactly the baseline files and the values files they name, which the Lambda parses as the CLI does', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS(helm));

    const bundle = readBaselineBundle(config);

    expect(bundle.files.map((file) => file.name)).toEqual(['../helm/values-production.yaml', 'environments.yaml']);
    const parsed = parseBaseline(bundle.files);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.baseline.settings.get('k8s:replicas')?.value).toBe('10');
  });

  it('refuses to bundle a baseline whose values file leaves the repository', () => {
    writeFileSync(join(config, 'environments.yaml'), ENVIRONMENTS('../../outside.yaml'));

    expect(() => readBaselineBundle(config)).toThrow(/environments\.yaml:4:14 .*outside the repository/);
  });
});
