import { describe, expect, it } from 'vitest';
import { acceptFindings } from '../../../../lambdas/engine/accept/accept-findings.js';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { explain } from '../../../../lambdas/engine/analyse/explain.js';
import type { BaselineFile } from '../../../../lambdas/engine/baseline/baseline-file.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Snapshot } from '../../../../lambdas/engine/model.js';
import { snapshot, ssmValue } from '../analyse/builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');

const FILES: BaselineFile[] = [
  {
    name: 'environments.yaml',
    text: 'environments:\n  staging:\n    tier: staging\n    values: [staging.yaml]\n  production:\n    tier: production\n    values: [production.yaml, production.env]\n',
  },
  { name: 'expected-env-diff.yaml', text: 'expected_differences:\n  DB_POOL_SIZE:\n    staging: "5"\n' },
  { name: 'staging.yaml', text: 'DB_POOL_SIZE: 5\n' },
  { name: 'production.yaml', text: '# production values, applied by CI\nDB_POOL_SIZE: 20   # sized for launch\nLOG_LEVEL: warn\n' },
  { name: 'production.env', text: '# feature flags\nFEATURE_X=off\n' },
];

function stateOf(files: readonly BaselineFile[], snapshots: readonly Snapshot[]) {
  const parsed = parseBaseline(files);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return { files, baseline: parsed.baseline, snapshots, now: NOW, findings: analyse({ baseline: parsed.baseline, snapshots, now: NOW }).findings };
}

const live = (pool: string, flag: string): Snapshot[] => [
  snapshot('staging', [ssmValue('staging', 'DB_POOL_SIZE', '5')]),
  snapshot('production', [
    ssmValue('production', 'DB_POOL_SIZE', pool),
    ssmValue('production', 'LOG_LEVEL', 'warn'),
    ssmValue('production', 'FEATURE_X', flag),
  ]),
];

describe('baseline accept of a key a values file holds', () => {
  it('edits the value in the values file, keeping its comments and layout, and leaves the baseline alone', () => {
    const state = stateOf(FILES, live('40', 'off'));
    expect(state.findings.map((finding) => finding.id)).toEqual(['changed:production:DB_POOL_SIZE']);

    const result = acceptFindings(state, state.findings, {});

    expect(result.edited.map(({ after }) => after.name)).toEqual(['production.yaml']);
    expect(result.edited[0]?.after.text).toBe('# production values, applied by CI\nDB_POOL_SIZE: 40   # sized for launch\nLOG_LEVEL: warn\n');
    const files = FILES.map((file) => result.edited.find(({ after }) => after.name === file.name)?.after ?? file);
    expect(stateOf(files, state.snapshots).findings).toEqual([]);
  });

  it('edits a dotenv values file on the key’s own line', () => {
    const state = stateOf(FILES, live('20', 'on'));

    const result = acceptFindings(state, state.findings, {});

    expect(result.edited.map(({ after }) => [after.name, after.text])).toEqual([['production.env', '# feature flags\nFEATURE_X=on\n']]);
  });
});

describe('explain of a key a values file holds', () => {
  it('says the expected value came from the values file line', () => {
    const state = stateOf(FILES, live('40', 'off'));

    const explanation = explain({ baseline: state.baseline, snapshots: state.snapshots, now: NOW, environment: 'production', key: 'DB_POOL_SIZE' });

    expect(explanation.expected?.text).toBe('20');
    expect(explanation.setting.location).toEqual({ file: 'production.yaml', line: 2, column: 15 });
  });
});
