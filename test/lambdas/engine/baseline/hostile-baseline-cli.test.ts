import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../support/run-cli.js';

describe('CLI: drift-audit baseline validate, on hostile baselines', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function baselineDir(text: string): string {
    dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-hostile-'));
    writeFileSync(path.join(dir, 'baseline.yaml'), text);
    return dir;
  }

  it.each([
    [
      '2,000 nested mappings',
      `environments:\n${Array.from({ length: 2_000 }, (_, level) => `${' '.repeat(level + 2)}k${level}:\n`).join('')}`,
      // environments is level 1 (line 1), k0's value level 2, ..., k62's value (k63, line 65, column 66) level 65.
      'baseline.yaml:65:66 mappings and lists are nested 65 deep here; a baseline may nest them at most 64 deep',
    ],
    [
      'a self-referencing anchor',
      'environments: &all\n  prod:\n    tier: production\n    sources: *all\n',
      'baseline.yaml:4:14 environments.prod.sources: alias *all is inside the node its anchor &all names, so the data would contain itself; repeat the values instead',
    ],
  ])('prints the located error for %s and exits 2, without a stack trace', async (_name, text, located) => {
    // Act
    const { code, stdout, stderr } = await runCli(['baseline', 'validate', baselineDir(text)]);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`  ${located}\n`);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toContain('Maximum call stack');
  });
});
