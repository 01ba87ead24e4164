import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import type { ExceptionSpec } from '../../../../lambdas/engine/model.js';
import { baseline, environment, envVar, exception, failedSource, okSource, setting, snapshot, ssmValue } from './builders.js';

const NOW = new Date('2026-12-01T12:00:00Z');
const OLD = 'postgres://db-old.internal:5432/app';
const NEW = 'postgres://db-new.internal:5432/app';

function audit(eu: { env: string; parameter: string }, us: { env: string; parameter: string }, exceptions: readonly ExceptionSpec[] = []) {
  const environments = [environment('production-eu', 'production'), environment('production-us', 'production')];
  const changed = { changedAt: '2026-11-28T10:00:00Z', changedBy: 'arn:aws:iam::111111111111:user/alice' };
  return analyse({
    baseline: baseline({
      environments,
      settings: [setting('DB_URL', { fedFrom: { ssm: 'db-url' } })],
      unmanaged: { policy: 'ignore', severity: 'low' },
      exceptions,
    }),
    snapshots: [
      snapshot('production-eu', [envVar('DB_URL', eu.env), ssmValue('production-eu', 'db-url', eu.parameter, changed)]),
      snapshot('production-us', [envVar('DB_URL', us.env), ssmValue('production-us', 'db-url', us.parameter, changed)]),
    ],
    now: NOW,
  }).findings;
}

describe('Rule: fed_from', () => {
  it('reports the region whose env var lags its parameter once, and no parity finding for the stale value', () => {
    // Act: production-us followed its parameter, production-eu did not.
    const findings = audit({ env: OLD, parameter: NEW }, { env: NEW, parameter: NEW });

    // Assess
    expect(findings.map((finding) => finding.id)).toEqual(['changed:production-eu:DB_URL']);
    expect(findings[0]?.message).toContain('DB_URL in production-eu is fed from SSM /production-eu/api/db-url, which changed at 2026-11-28T10:00:00Z');
  });

  it('masks values whose shape is secret and gives no command holding one', () => {
    // Prepare: credentials in the URL make both values secret by shape; they are compared by keyed fingerprint.
    const findings = audit(
      { env: 'postgres://app:old-Pa55word@db:5432/app', parameter: 'postgres://app:new-Pa55word@db:5432/app' },
      { env: NEW, parameter: NEW },
    );

    // Assess
    const [finding] = findings.filter((item) => item.environment === 'production-eu');
    expect(finding?.id).toBe('changed:production-eu:DB_URL');
    expect([finding?.expected, finding?.actual]).toEqual([
      { text: '[secret]', secret: true },
      { text: '[secret]', secret: true },
    ]);
    expect(finding?.fixes.revert?.command).toBeUndefined();
    expect(JSON.stringify(findings)).not.toContain('Pa55word');
  });

  it('honours an exception for the lagging value while it holds, and turns it into exception-expired after', () => {
    const allowed = audit({ env: OLD, parameter: NEW }, { env: NEW, parameter: NEW }, [exception('DB_URL', { environment: 'production-eu', value: OLD })]);
    const expired = audit({ env: OLD, parameter: NEW }, { env: NEW, parameter: NEW }, [
      exception('DB_URL', { environment: 'production-eu', value: OLD, expires: '2026-11-30' }),
    ]);
    expect(allowed).toEqual([]);
    expect(expired.map((finding) => finding.type)).toEqual(['exception-expired']);
  });
});

describe('Rule: fed_from with the feeding parameter unread', () => {
  it('leaves the key unknown where the SSM source failed: source-error only, no parity vote from the env var', () => {
    // Prepare: three production regions; production-us's SSM tree failed, so its parameter is unread
    // and its env var still holds the earlier value (the drift the parameter would explain).
    const names = ['production-eu', 'production-us', 'production-ap'];
    const failedUs = [
      failedSource('ssm:us-east-1:/production-us/api/', 'ssm', ['ssm']),
      okSource('eks:production-us/api', 'eks', ['env', 'configmap', 'secret']),
    ];
    const findings = analyse({
      baseline: baseline({
        // The env var wins over SSM (the team's precedence): nothing of the failed layer outranks it.
        environments: names.map((name) => environment(name, 'production', { precedence: ['file', 'configmap', 'secret', 'ssm', 'env'] })),
        // Production regions must agree (the baseline parser's default `parity: tier`).
        settings: [setting('DB_URL', { fedFrom: { ssm: 'db-url' }, parity: 'tier' })],
        unmanaged: { policy: 'ignore', severity: 'low' },
      }),
      snapshots: [
        snapshot('production-eu', [envVar('DB_URL', NEW), ssmValue('production-eu', 'db-url', NEW)]),
        snapshot('production-us', [envVar('DB_URL', OLD)], { sources: failedUs }),
        snapshot('production-ap', [envVar('DB_URL', NEW), ssmValue('production-ap', 'db-url', NEW)]),
      ],
      now: NOW,
    }).findings;

    // Assess
    expect(findings.map((finding) => finding.id)).toEqual(['source-error:production-us:ssm:us-east-1:/production-us/api/']);
  });
});
