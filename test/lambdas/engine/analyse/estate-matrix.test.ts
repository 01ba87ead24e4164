import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { estateMatrix } from '../../../../lambdas/engine/analyse/estate-matrix.js';
import type { Baseline, Snapshot } from '../../../../lambdas/engine/model.js';
import { baseline, defaultSources, envVar, environment, failedSource, setting, snapshot, ssmValue } from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');

function matrixOf(base: Baseline, snapshots: Snapshot[], maxRows?: number) {
  const result = analyse({ baseline: base, snapshots, now: NOW });
  return estateMatrix({ baseline: base, snapshots, result, ...(maxRows === undefined ? {} : { maxRows }) });
}

const estate = baseline({
  environments: [environment('staging', 'staging'), environment('production', 'production')],
  settings: [
    setting('DB_TIMEOUT', { value: '10s' }),
    setting('LOG_LEVEL', { value: 'info', perTier: { staging: 'debug' } }),
    setting('DB_PASSWORD', { secret: true, required: true }),
  ],
});

describe('Function: estateMatrix', () => {
  it('gives the effective value of every key in every environment, marking drift and declared differences apart', () => {
    // Prepare
    const snapshots = [
      snapshot('staging', [ssmValue('staging', 'DB_TIMEOUT', '10s'), ssmValue('staging', 'LOG_LEVEL', 'debug')]),
      snapshot('production', [ssmValue('production', 'DB_TIMEOUT', '60s'), ssmValue('production', 'LOG_LEVEL', 'info')]),
    ];

    // Act
    const matrix = matrixOf(estate, snapshots);

    // Assess
    expect(matrix.columns.map((c) => c.environment)).toEqual(['staging', 'production']);
    const timeout = matrix.rows.find((r) => r.key === 'DB_TIMEOUT');
    expect(timeout?.cells['staging']).toMatchObject({ state: 'ok', value: { text: '10s', secret: false }, layer: 'ssm', declaredDifference: false });
    expect(timeout?.cells['production']).toMatchObject({
      state: 'drift',
      value: { text: '60s' },
      severity: 'medium',
      findingIds: ['changed:production:DB_TIMEOUT'],
    });
    const level = matrix.rows.find((r) => r.key === 'LOG_LEVEL');
    expect(level?.cells['staging']).toMatchObject({ state: 'declared', value: { text: 'debug' }, expected: { text: 'debug' }, declaredDifference: true });
    expect(level?.cells['production']).toMatchObject({ state: 'ok', expected: { text: 'info' } });
    expect(level?.differing).toBe(true);
  });

  it('shows the winning layer’s value, as the application reads it', () => {
    // Prepare: the env var is overridden by Parameter Store (higher in the default precedence).
    const snapshots = [
      snapshot('staging', [envVar('DB_TIMEOUT', '5s'), ssmValue('staging', 'DB_TIMEOUT', '10s')]),
      snapshot('production', [ssmValue('production', 'DB_TIMEOUT', '10s')]),
    ];

    // Act
    const row = matrixOf(estate, snapshots).rows.find((r) => r.key === 'DB_TIMEOUT');

    // Assess
    expect(row?.cells['staging']).toMatchObject({ value: { text: '10s' }, layer: 'ssm' });
  });

  it('never holds a secret value: declared secret, secret-looking name, or a value shaped like a key in any environment', () => {
    // Prepare
    const stripe = 'sk_live_51Hq8T2LkZr9xV3mN7pQ4wB6yC1dF0gH';
    const snapshots = [
      snapshot('staging', [ssmValue('staging', 'DB_PASSWORD', 'hunter2'), ssmValue('staging', 'PAYMENT_PROVIDER', 'stripe')]),
      snapshot('production', [ssmValue('production', 'DB_PASSWORD', 'correct-horse'), ssmValue('production', 'PAYMENT_PROVIDER', stripe)]),
    ];

    // Act
    const matrix = matrixOf(estate, snapshots);

    // Assess
    const text = JSON.stringify(matrix);
    for (const secret of ['hunter2', 'correct-horse', stripe]) expect(text).not.toContain(secret);
    expect(matrix.rows.find((r) => r.key === 'DB_PASSWORD')?.cells['staging']?.value).toEqual({ text: '[secret]', secret: true });
    const provider = matrix.rows.find((r) => r.key === 'PAYMENT_PROVIDER');
    expect(provider?.secret).toBe(true);
    // Masked in every environment: showing "stripe" beside "[secret]" would tell which one is the key.
    expect(provider?.cells['staging']?.value).toEqual({ text: '[secret]', secret: true });
  });

  it('shows a key as unknown, not absent or drift, where a source that could hold it was not read', () => {
    // Prepare: production's Parameter Store could not be read.
    const unread = [failedSource('ssm:us-east-1:/production/api/', 'ssm', ['ssm']), ...defaultSources('production').slice(1)];
    const snapshots = [
      snapshot('staging', [ssmValue('staging', 'DB_TIMEOUT', '10s'), envVar('FEATURE_X', 'on')]),
      snapshot('production', [envVar('FEATURE_X', 'off')], { sources: unread }),
    ];

    // Act
    const matrix = matrixOf(estate, snapshots);

    // Assess
    expect(matrix.rows.find((r) => r.key === 'DB_TIMEOUT')?.cells['production']).toMatchObject({ state: 'unknown', findingIds: [] });
    // The env var was read, but Parameter Store ranks above it and may hold the real value.
    expect(matrix.rows.find((r) => r.key === 'FEATURE_X')?.cells['production']).toMatchObject({ state: 'unknown', value: { text: 'off' } });
  });

  it('shows an environment with no snapshot as unknown everywhere', () => {
    // Act
    const matrix = matrixOf(estate, [snapshot('staging', [ssmValue('staging', 'DB_TIMEOUT', '10s')])]);

    // Assess
    expect(matrix.rows.find((r) => r.key === 'DB_TIMEOUT')?.cells['production']?.state).toBe('unknown');
  });

  it('marks a key absent where every source was read and none holds it, and drift where the baseline requires it', () => {
    // Prepare
    const snapshots = [snapshot('staging', [ssmValue('staging', 'DB_TIMEOUT', '10s'), envVar('EXTRA', '1')]), snapshot('production', [])];

    // Act
    const matrix = matrixOf(estate, snapshots);

    // Assess
    expect(matrix.rows.find((r) => r.key === 'EXTRA')?.cells['production']).toMatchObject({ state: 'absent' });
    expect(matrix.rows.find((r) => r.key === 'DB_TIMEOUT')?.cells['production']).toMatchObject({
      state: 'drift',
      findingIds: ['missing:production:DB_TIMEOUT'],
    });
  });

  it('keeps the rows that differ when it must leave rows out', () => {
    // Prepare
    const same = Array.from({ length: 5 }, (_, i) => `SAME_${i}`);
    const snapshots = ['staging', 'production'].map((env) =>
      snapshot(env, [...same.map((key) => ssmValue(env, key, 'x')), ssmValue(env, 'DB_TIMEOUT', env === 'staging' ? '10s' : '60s')]),
    );

    // Act
    const matrix = matrixOf(estate, snapshots, 3);

    // Assess
    // DB_TIMEOUT drifted; LOG_LEVEL and DB_PASSWORD are declared and missing: all three differ.
    expect(matrix.rows.map((r) => r.key)).toEqual(['DB_PASSWORD', 'DB_TIMEOUT', 'LOG_LEVEL']);
    expect(matrix.omittedRows).toBe(5);
  });
});
