import { describe, expect, it } from 'vitest';
import { inferTier } from '../../../../lambdas/engine/adopt/infer-tier.js';
import { proposeBaseline } from '../../../../lambdas/engine/adopt/propose-baseline.js';
import { DEFAULT_PRECEDENCE, type EnvironmentSpec, type Observation, type Snapshot } from '../../../../lambdas/engine/model.js';

const ENVIRONMENTS: EnvironmentSpec[] = [
  { name: 'staging', tier: 'staging', precedence: DEFAULT_PRECEDENCE, sources: [] },
  { name: 'prod-a', tier: 'production', precedence: DEFAULT_PRECEDENCE, sources: [] },
  { name: 'prod-b', tier: 'production', precedence: DEFAULT_PRECEDENCE, sources: [] },
  { name: 'prod-c', tier: 'production', precedence: DEFAULT_PRECEDENCE, sources: [] },
];

function plain(key: string, value: string, layer: 'ssm' | 'env' = 'ssm'): Observation {
  return { key, application: 'orders', value: { kind: 'plain', value }, provenance: { source: 'ssm', layer, location: `${layer}:${key}` } };
}

/** Snapshots where each environment holds `values[env]` (key -> value) for the orders application. */
function snapshots(values: Record<string, Observation[]>): Snapshot[] {
  return Object.entries(values).map(([environment, observations]) => ({
    environment,
    observations,
    images: [],
    sources: [{ id: `ssm:${environment}`, kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: observations.length }],
  }));
}

function proposalOf(values: Record<string, Observation[]>) {
  const result = proposeBaseline({ environments: ENVIRONMENTS, snapshots: snapshots(values) });
  return { keys: Object.fromEntries((result.applications.get('orders') ?? []).map((entry) => [entry.key, entry.proposal])), outliers: result.outliers };
}

describe('Function: proposeBaseline', () => {
  it('declares a shared value where every environment agrees', () => {
    const { keys, outliers } = proposalOf({
      staging: [plain('PORT', '80')],
      'prod-a': [plain('PORT', '80')],
      'prod-b': [plain('PORT', '80')],
      'prod-c': [plain('PORT', '80')],
    });
    expect(keys['PORT']).toEqual({ kind: 'shared', value: '80' });
    expect(outliers).toEqual([]);
  });

  it('proposes an expected difference per tier when each tier agrees within itself', () => {
    const { keys } = proposalOf({
      staging: [plain('POOL', '5')],
      'prod-a': [plain('POOL', '50')],
      'prod-b': [plain('POOL', '50')],
      'prod-c': [plain('POOL', '50')],
    });
    expect(keys['POOL']).toEqual({ kind: 'tiers', tiers: { staging: '5', production: '50' } });
  });

  it('lists an environment that disagrees with the rest of its tier as an outlier and declares the majority', () => {
    const { keys, outliers } = proposalOf({
      staging: [plain('T', '30')],
      'prod-a': [plain('T', '30')],
      'prod-b': [plain('T', '30')],
      'prod-c': [plain('T', '90')],
    });
    expect(keys['T']).toEqual({ kind: 'shared', value: '30' });
    expect(outliers).toEqual([{ application: 'orders', key: 'T', environment: 'prod-c', tier: 'production', value: '90', tierValue: '30' }]);
  });

  it('decides nothing for a tier split evenly between values: tier parity, every member listed', () => {
    const { keys, outliers } = proposalOf({ staging: [plain('T', '1')], 'prod-a': [plain('T', '2')], 'prod-b': [plain('T', '3')] });
    expect(keys['T']).toEqual({ kind: 'parity', tiers: { staging: '1' } });
    expect(outliers.map((outlier) => outlier.environment)).toEqual(['prod-a', 'prod-b']);
  });

  it('gives a tie between a value and absence to the value, and the environment without it is the outlier', () => {
    const { keys, outliers } = proposalOf({
      staging: [plain('URL', 'https://s'), plain('X', '1')],
      'prod-a': [plain('URL', 'https://p')],
      'prod-b': [plain('X', '1')],
    });
    expect(keys['URL']).toEqual({ kind: 'tiers', tiers: { staging: 'https://s', production: 'https://p' } });
    expect(outliers).toContainEqual({ application: 'orders', key: 'URL', environment: 'prod-b', tier: 'production', value: null, tierValue: 'https://p' });
  });

  it('compares the effective value: the layer the precedence puts first wins', () => {
    const { keys } = proposalOf({ staging: [plain('T', '1', 'env'), plain('T', '9', 'ssm')], 'prod-a': [plain('T', '9')] });
    expect(keys['T']).toEqual({ kind: 'shared', value: '9' });
  });

  it('declares secrets by name and by the shape of the value, never carrying a value', () => {
    const token = `ghp_${'a1B2c3D4e5'.repeat(3)}Z9y8x7`;
    const { keys, outliers } = proposalOf({
      staging: [plain('DB_PASSWORD', 'hunter2'), plain('UPSTREAM', token)],
      'prod-a': [plain('DB_PASSWORD', 'other'), plain('UPSTREAM', `${token}x`)],
    });
    expect(keys['DB_PASSWORD']).toEqual({ kind: 'secret' });
    expect(keys['UPSTREAM']).toEqual({ kind: 'secret' });
    expect(JSON.stringify(outliers)).not.toContain('hunter2');
  });

  it('compares images within tiers when they differ between environments', () => {
    const image = (environment: string, tag: string): Snapshot => ({
      environment,
      observations: [plain('A', '1')],
      images: [
        {
          workload: 'deployment/orders',
          namespace: 'shop',
          container: 'orders',
          image: `r/orders:${tag}`,
          repository: 'r/orders',
          tag,
          provenance: { source: 'kubernetes', layer: 'workload', location: 'deployment/orders' },
        },
      ],
      sources: [],
    });
    expect(proposeBaseline({ environments: ENVIRONMENTS, snapshots: [image('staging', '2'), image('prod-a', '1')] }).imageParity).toBe('tier');
    expect(proposeBaseline({ environments: ENVIRONMENTS, snapshots: [image('staging', '1'), image('prod-a', '1')] }).imageParity).toBe('all');
  });
});

describe('Function: inferTier', () => {
  it.each([
    ['production-us', 'production'],
    ['prod-eu', 'production'],
    ['prd', 'production'],
    ['staging-us', 'staging'],
    ['stg-2', 'staging'],
    ['dev', 'development'],
  ])('%s is in tier %s', (name, tier) => {
    expect(inferTier(name)).toBe(tier);
  });

  it('implies no tier for a name that does not start with one', () => {
    expect(inferTier('eu-sandbox')).toBeUndefined();
    expect(inferTier('productionish')).toBeUndefined();
  });
});
