import { describe, expect, it } from 'vitest';
import { UnknownEnvironmentError } from '../../../../lambdas/engine/analyse/errors.js';
import { explain } from '../../../../lambdas/engine/analyse/explain.js';
import { baseline, configMapValue, envVar, environment, exception, failedSource, fileValue, okSource, secretRef, setting, snapshot } from './builders.js';
import { SEED_NOW, seedBaseline, seedSnapshots } from './seed-estate.js';

describe('Function: explain', () => {
  it('lists every source’s value highest precedence first, marks the effective one, and names who changed what', () => {
    // Act
    const explanation = explain({
      baseline: seedBaseline(),
      snapshots: seedSnapshots(),
      now: SEED_NOW,
      environment: 'production-us',
      key: 'DATABASE_POOL_SIZE',
    });

    // Assess
    expect(explanation).toMatchObject({
      environment: 'production-us',
      tier: 'production',
      key: 'DATABASE_POOL_SIZE',
      expected: { text: '25', secret: false },
      expectedFrom: 'shared',
      effective: { text: '25', secret: false },
      precedence: ['ssm', 'secret', 'configmap', 'env', 'file'],
      complete: true,
    });
    expect(explanation.observations.map((o) => [o.layer, o.value.text, o.effective])).toEqual([
      ['ssm', '25', true],
      ['configmap', '15', false],
      ['env', '10', false],
      ['file', '20', false],
    ]);
    expect(explanation.findings.map((f) => f.id)).toEqual(['shadowed:production-us:DATABASE_POOL_SIZE']);
    expect(explanation.setting).toMatchObject({ declared: true, secret: false, constraints: { type: 'integer', min: 1, max: 100 } });
  });

  it('flags the out-of-band change in provenance and gives the same finding a scan gives', () => {
    // Act
    const explanation = explain({ baseline: seedBaseline(), snapshots: seedSnapshots(), now: SEED_NOW, environment: 'production-us', key: 'DB_TIMEOUT' });

    // Assess
    expect(explanation.observations[0]?.provenance).toMatchObject({ changedBy: 'kubectl-set', outOfBand: true });
    expect(explanation.findings.map((f) => f.id)).toEqual(['changed:production-us:DB_TIMEOUT']);
  });

  it('judges parity against the other environments even though it explains one', () => {
    const explanation = explain({
      baseline: seedBaseline(),
      snapshots: seedSnapshots(),
      now: SEED_NOW,
      environment: 'production-eu',
      key: 'database.pool_size',
    });
    expect(explanation.expectedFrom).toBe('undeclared');
    expect(explanation.findings.map((f) => f.id)).toEqual(['parity:production-eu:database.pool_size']);
  });

  it('says where the expected value comes from: environment, tier, or an active exception', () => {
    // Prepare
    const prod = environment('prod', 'production');
    const base = baseline({
      environments: [prod],
      settings: [
        setting('A', { value: 'x', perTier: { production: 'tier-x' } }),
        setting('B', { value: 'x', perEnvironment: { prod: 'env-x' } }),
        setting('C', { value: 'x' }),
      ],
      exceptions: [exception('C', { environment: 'prod', value: 'tmp', owner: 'dana', reason: 'INC-9', expires: '2099-01-01' })],
    });
    const snapshots = [snapshot('prod', [envVar('A', 'tier-x'), envVar('B', 'env-x'), envVar('C', 'tmp')])];
    const of = (key: string) => explain({ baseline: base, snapshots, now: SEED_NOW, environment: 'prod', key });

    // Assess
    expect([of('A').expectedFrom, of('A').expected?.text]).toEqual(['tier', 'tier-x']);
    expect([of('B').expectedFrom, of('B').expected?.text]).toEqual(['environment', 'env-x']);
    expect([of('C').expectedFrom, of('C').expected?.text]).toEqual(['exception', 'tmp']);
    expect(of('C').exceptions).toEqual([{ owner: 'dana', reason: 'INC-9', expires: '2099-01-01', active: true, value: { text: 'tmp', secret: false } }]);
    expect(of('C').findings).toEqual([]);
  });

  it('explains an undeclared key and an absent one without inventing values', () => {
    // Prepare
    const prod = environment('prod', 'production');
    const base = baseline({ environments: [prod], settings: [setting('NEEDED', { value: 'v' })] });
    const snapshots = [snapshot('prod', [fileValue('STRAY', 'x')])];

    // Act
    const stray = explain({ baseline: base, snapshots, now: SEED_NOW, environment: 'prod', key: 'STRAY' });
    const needed = explain({ baseline: base, snapshots, now: SEED_NOW, environment: 'prod', key: 'NEEDED' });

    // Assess
    expect(stray.setting.declared).toBe(false);
    expect(stray.expectedFrom).toBe('undeclared');
    expect(stray.expected).toBeUndefined();
    expect(stray.findings.map((f) => f.type)).toEqual(['unmanaged']);
    expect(needed.effective).toBeUndefined();
    expect(needed.observations).toEqual([]);
    expect(needed.findings.map((f) => f.type)).toEqual(['missing']);
  });

  it('reports failed sources and the environment as incomplete, with their source-error findings', () => {
    // Prepare
    const prod = environment('prod', 'production');
    const base = baseline({ environments: [prod], settings: [setting('A', { value: '1' })] });
    const sources = [okSource('eks:prod/api', 'eks', ['env']), failedSource('ssm:us-east-1:/prod/api/', 'ssm', ['ssm'])];

    // Act
    const explanation = explain({ baseline: base, snapshots: [snapshot('prod', [], { sources })], now: SEED_NOW, environment: 'prod', key: 'A' });

    // Assess
    expect(explanation.complete).toBe(false);
    expect(explanation.failedSources.map((s) => s.id)).toEqual(['ssm:us-east-1:/prod/api/']);
    expect(explanation.findings.map((f) => f.type)).toEqual(['source-error']);
  });

  it('shows every value of a secret key as [secret]', () => {
    // Prepare
    const prod = environment('prod', 'production');
    const base = baseline({ environments: [prod] });
    const snapshots = [snapshot('prod', [secretRef('DB_PASSWORD', 'db'), configMapValue('DB_PASSWORD', 'plain-leak')])];

    // Act
    const explanation = explain({ baseline: base, snapshots, now: SEED_NOW, environment: 'prod', key: 'DB_PASSWORD' });

    // Assess
    expect(explanation.setting.secret).toBe(true);
    expect(explanation.observations.map((o) => o.value)).toEqual([
      { text: '[secret]', secret: true },
      { text: '[secret]', secret: true },
    ]);
    expect(JSON.stringify(explanation)).not.toContain('plain-leak');
  });

  it('rejects an unknown environment with a typed error listing the known ones', () => {
    // Act
    const act = () => explain({ baseline: seedBaseline(), snapshots: [], now: SEED_NOW, environment: 'prod', key: 'A' });

    // Assess
    expect(act).toThrow(UnknownEnvironmentError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'UNKNOWN_ENVIRONMENT',
        known: ['staging-us', 'production-us', 'production-eu'],
        message: 'unknown environment prod: known environments: staging-us, production-us, production-eu',
      });
    }
  });

  it('explains a declared environment that was not read as incomplete, with no observations', () => {
    const explanation = explain({ baseline: seedBaseline(), snapshots: [], now: SEED_NOW, environment: 'production-eu', key: 'API_TIMEOUT' });
    expect(explanation).toMatchObject({ complete: false, observations: [], findings: [] });
    expect(explanation.expected?.text).toBe('30');
  });
});
