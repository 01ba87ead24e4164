import { describe, expect, it } from 'vitest';
import type { AdoptedEnvironment } from '../../../../lambdas/engine/adopt/adopted-environment.js';
import { updateAdoptedBaseline } from '../../../../lambdas/engine/adopt/update-adopted-baseline.js';
import type { Observation, Snapshot } from '../../../../lambdas/engine/model.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const ENVIRONMENTS: AdoptedEnvironment[] = [
  { name: 'staging', tier: 'staging', tierInferred: false, ssm: [{ path: '/staging/orders/', keyStyle: 'env' }], eks: [] },
  { name: 'prod', tier: 'production', tierInferred: false, ssm: [{ path: '/prod/orders/', keyStyle: 'env' }], eks: [] },
];

function snapshot(environment: string, values: Record<string, string>): Snapshot {
  const observations: Observation[] = Object.entries(values).map(([key, value]) => ({
    key,
    application: 'orders',
    value: { kind: 'plain', value },
    provenance: { source: 'ssm', layer: 'ssm', location: `/${environment}/orders/${key}` },
  }));
  return {
    environment,
    observations,
    images: [],
    sources: [{ id: `ssm:${environment}`, kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: observations.length }],
  };
}

const WRITTEN = `# Owned by the orders team; ask in #orders before changing.

environments:
  staging:
    tier: staging
    sources:
      ssm: [{ path: /staging/orders/, key_style: env }]
  prod:
    tier: production # moved from staging in 2025
    sources:
      ssm: [{ path: /prod/orders/, key_style: env }]
applications:
  orders:
    settings:
      # 30 after INC-12; prod is knowingly behind
      TIMEOUT: "30"
`;

describe('Function: updateAdoptedBaseline', () => {
  it('adds only keys no file declares, keeps every comment and value people wrote, and is a no-op the second time', () => {
    // Prepare
    const snapshots = [snapshot('staging', { TIMEOUT: '30', RETRIES: '3' }), snapshot('prod', { TIMEOUT: '60', RETRIES: '3' })];
    // Act
    const first = updateAdoptedBaseline({ file: { name: 'baseline.yaml', text: WRITTEN }, others: [], environments: ENVIRONMENTS, snapshots, now: NOW });
    const second = updateAdoptedBaseline({ file: { name: 'baseline.yaml', text: first.text }, others: [], environments: ENVIRONMENTS, snapshots, now: NOW });
    // Assess
    expect(first.addedKeys).toBe(1);
    expect(first.addedEnvironments).toEqual([]);
    expect(first.text).toContain('# Owned by the orders team; ask in #orders before changing.');
    expect(first.text).toContain('tier: production # moved from staging in 2025');
    expect(first.text).toContain('      # 30 after INC-12; prod is knowingly behind\n      TIMEOUT: "30"\n');
    expect(first.text).toMatch(/ {6}RETRIES: "3"\n/);
    // The people's TIMEOUT stands, so prod's 60 is what a scan reports, and the review block says so.
    expect(first.review.map((finding) => finding.id)).toEqual(['changed:prod:orders:TIMEOUT']);
    expect(second.text).toBe(first.text);
  });

  it('does not redeclare a key another baseline file declares', () => {
    const snapshots = [snapshot('staging', { TIMEOUT: '30', LIMIT: '1' }), snapshot('prod', { TIMEOUT: '30', LIMIT: '2' })];
    const other = { name: 'limits.yaml', text: 'applications:\n  orders:\n    expected_differences:\n      LIMIT: { staging: "1", production: "2" }\n' };
    const result = updateAdoptedBaseline({ file: { name: 'baseline.yaml', text: WRITTEN }, others: [other], environments: ENVIRONMENTS, snapshots, now: NOW });
    expect(result.text).toBe(WRITTEN);
  });
});
