import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { baselineVersion, BaselineDirError, loadBaselineDir, writeBaselineFile } from '../../../lambdas/baseline/load-baseline-dir.js';

const ENVIRONMENTS = `environments:\n  eu: { tier: production }\n`;
const SETTINGS = `settings:\n  DB_TIMEOUT: 10s # raised after INC-1203\n`;

describe('Function: loadBaselineDir', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drift-audit-baseline-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the *.yaml and *.yml files directly in the directory, sorted by name, not subdirectories', () => {
    // Prepare
    writeFileSync(join(dir, 'settings.yml'), SETTINGS);
    writeFileSync(join(dir, 'environments.yaml'), ENVIRONMENTS);
    writeFileSync(join(dir, 'README.md'), '# not a baseline file');
    mkdirSync(join(dir, 'snapshots'));
    writeFileSync(join(dir, 'snapshots', 'production.yaml'), 'kind: List\nitems: []\n');

    // Act
    const result = loadBaselineDir(dir);

    // Assess
    expect(result.ok).toBe(true);
    expect(result.files.map((file) => file.name)).toEqual(['environments.yaml', 'settings.yml']);
    if (!result.ok) return;
    expect(result.baseline.files).toEqual(['environments.yaml', 'settings.yml']);
    expect(result.baseline.settings.get('DB_TIMEOUT')?.value).toBe('10s');
    expect(result.version).toBe(baselineVersion(result.files));
    expect(result.version).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('returns every located issue, with the files, when the baseline is invalid', () => {
    writeFileSync(join(dir, 'environments.yaml'), ENVIRONMENTS);
    writeFileSync(join(dir, 'settings.yaml'), `settings:\n  DB_TIMEOUT:\n    typ: duration\n`);

    const result = loadBaselineDir(dir);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([expect.objectContaining({ code: 'unknown-key', file: 'settings.yaml', line: 3, column: 5 })]);
    expect(result.files).toHaveLength(2);
  });

  it('changes the version when any file name or text changes, and only then', () => {
    writeFileSync(join(dir, 'environments.yaml'), ENVIRONMENTS);
    const first = loadBaselineDir(dir).version;

    expect(loadBaselineDir(dir).version).toBe(first);
    writeFileSync(join(dir, 'environments.yaml'), `${ENVIRONMENTS}# a comment\n`);
    expect(loadBaselineDir(dir).version).not.toBe(first);
    expect(baselineVersion([{ name: 'a.yaml', text: 'bc' }])).not.toBe(baselineVersion([{ name: 'a.yamlb', text: 'c' }]));
  });

  it('throws a typed error naming the directory when it does not exist or holds no baseline file', () => {
    const missing = join(dir, 'nope');
    expect(() => loadBaselineDir(missing)).toThrow(BaselineDirError);
    expect(() => loadBaselineDir(missing)).toThrow(`cannot read the baseline in ${missing}: it does not exist`);

    mkdirSync(join(dir, 'snapshots'));
    writeFileSync(join(dir, 'snapshots', 'x.yaml'), ENVIRONMENTS);
    expect(() => loadBaselineDir(dir)).toThrow(expect.objectContaining({ name: 'BaselineDirError', code: 'baseline-dir-empty' }));
  });
});

describe('Function: writeBaselineFile', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'drift-audit-baseline-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('replaces the file and leaves no temporary file behind', () => {
    writeFileSync(join(dir, 'settings.yaml'), SETTINGS);

    writeBaselineFile(dir, { name: 'settings.yaml', text: 'settings:\n  DB_TIMEOUT: 20s\n' });

    expect(readFileSync(join(dir, 'settings.yaml'), 'utf8')).toBe('settings:\n  DB_TIMEOUT: 20s\n');
    expect(readdirSync(dir)).toEqual(['settings.yaml']);
  });

  it('refuses a name outside the directory or not a YAML file', () => {
    expect(() => writeBaselineFile(dir, { name: '../escape.yaml', text: '' })).toThrow(expect.objectContaining({ code: 'baseline-write-failed' }));
    expect(() => writeBaselineFile(dir, { name: 'notes.txt', text: '' })).toThrow(BaselineDirError);
    expect(readdirSync(dir)).toEqual([]);
  });
});
