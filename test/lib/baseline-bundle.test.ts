import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BaselineBundleError, baselineBundle, isBaselineBundle, readBaselineBundle } from '../../lib/baseline-bundle.js';
import { FIXTURE_BASELINE_DIR } from './cdk-test-support.js';

describe('Function: readBaselineBundle', () => {
  it('bundles the top-level YAML files of the directory, sorted by name, not its subdirectories', () => {
    // Act
    const bundle = readBaselineBundle(FIXTURE_BASELINE_DIR);

    // Assess
    expect(bundle.schema).toBe('drift-audit.baseline-bundle/1');
    expect(bundle.files.map((file) => file.name)).toEqual(['environments.yaml', 'settings.yml']);
    expect(bundle.files[1]?.text).toContain('DB_TIMEOUT');
  });

  it('gives byte-identical JSON on every read', () => {
    expect(JSON.stringify(readBaselineBundle(FIXTURE_BASELINE_DIR))).toBe(JSON.stringify(readBaselineBundle(FIXTURE_BASELINE_DIR)));
  });

  it('fails with a coded error on a directory holding no YAML file and on a missing directory', () => {
    // Prepare
    const empty = mkdtempSync(join(tmpdir(), 'drift-audit-empty-'));
    try {
      // Act / Assess
      expect(() => readBaselineBundle(empty)).toThrow(expect.objectContaining({ code: 'BASELINE_DIR_EMPTY' }));
      expect(() => readBaselineBundle(join(empty, 'absent'))).toThrow(BaselineBundleError);
      expect(() => readBaselineBundle(join(empty, 'absent'))).toThrow(/cannot read the baseline directory .*absent/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('Function: baselineBundle', () => {
  it('sorts files read elsewhere by code unit, whatever their order', () => {
    // Act
    const bundle = baselineBundle([
      { name: 'b.yaml', text: 'b' },
      { name: 'B.yaml', text: 'B' },
      { name: 'a.yaml', text: 'a' },
    ]);

    // Assess
    expect(bundle.files.map((file) => file.name)).toEqual(['B.yaml', 'a.yaml', 'b.yaml']);
  });

  it('refuses an empty file list', () => {
    expect(() => baselineBundle([])).toThrow(BaselineBundleError);
  });
});

describe('Function: isBaselineBundle', () => {
  it('accepts a bundle read back from JSON and rejects other shapes', () => {
    expect(isBaselineBundle(JSON.parse(JSON.stringify(readBaselineBundle(FIXTURE_BASELINE_DIR))))).toBe(true);
    expect(isBaselineBundle({ schema: 'drift-audit.baseline-bundle/2', files: [] })).toBe(false);
    expect(isBaselineBundle({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'a.yaml' }] })).toBe(false);
    expect(isBaselineBundle(null)).toBe(false);
  });
});
