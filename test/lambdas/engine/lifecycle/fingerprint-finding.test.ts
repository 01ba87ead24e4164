import { describe, expect, it } from 'vitest';
import { fingerprintFinding } from '../../../../lambdas/engine/lifecycle/fingerprint-finding.js';
import { reconcile } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import type { Finding, Provenance } from '../../../../lambdas/engine/model.js';
import { audit, finding } from './lifecycle-fixtures.js';

const T1 = new Date('2026-11-01T10:00:00.000Z');
const T2 = new Date('2026-11-01T11:00:00.000Z');

/** Seed 000's `kubectl set env` DB_TIMEOUT, read from the Deployment (resourceVersion as the version). */
function workloadDrift(resourceVersion: string, overrides: Partial<Finding> = {}): Finding {
  const provenance: Provenance = {
    source: 'kubernetes',
    layer: 'env',
    location: 'deployment/api-server container app',
    version: resourceVersion,
    changedBy: 'kubectl-set',
    changedAt: '2026-08-14T09:12:00Z',
    target: { kind: 'workload-env', namespace: 'api', workload: 'deployment/api-server', container: 'app', variable: 'DB_TIMEOUT' },
  };
  return finding({ expected: { text: '10s', secret: false }, actual: { text: '60s', secret: false }, provenance: [provenance], ...overrides });
}

function ssmProvenance(version: string): Provenance {
  return { source: 'ssm', layer: 'ssm', location: '/production-eu/api/DB_PASSWORD', version, changedBy: 'arn:aws:iam::1:role/ops' };
}

/** The transitions run 2 makes when run 1 saw `before` and run 2 sees `after`. */
function transitionsBetween(before: Finding, after: Finding): string[] {
  const first = reconcile({ previous: [], current: audit([before]), runId: 'run-1', now: T1 });
  return reconcile({ previous: first.next, current: audit([after]), runId: 'run-2', now: T2 }).transitions.map((t) => t.kind);
}

describe('Function: fingerprintFinding', () => {
  it('ignores a Deployment resourceVersion that moved while the drifted value did not (scale, restart)', () => {
    // Prepare
    const before = workloadDrift('918273');
    const afterScale = workloadDrift('918544', { provenance: [{ ...before.provenance[0]!, version: '918544', changedAt: '2026-11-01T10:30:00Z' }] });

    // Act / Assess
    expect(fingerprintFinding(afterScale)).toBe(fingerprintFinding(before));
    expect(transitionsBetween(before, afterScale)).toEqual([]);
  });

  it('ignores a Kubernetes version even for a secretKeyRef: the resourceVersion is the workload’s, not the Secret’s', () => {
    // Prepare
    const secret = { text: '[secret]', secret: true } as const;
    const secretRef = (version: string): Finding =>
      workloadDrift(version, {
        key: 'DB_PASSWORD',
        actual: secret,
        expected: secret,
        provenance: [{ source: 'kubernetes', layer: 'secret', location: 'deployment/api-server container app', version }],
      });

    // Act / Assess
    expect(fingerprintFinding(secretRef('2'))).toBe(fingerprintFinding(secretRef('3')));
  });

  it('ignores an SSM overwrite that kept the same value (new Version, same text)', () => {
    // Prepare
    const before = finding();
    const overwritten = finding({
      provenance: [{ ...before.provenance[0]!, version: '4', changedBy: 'arn:aws:iam::123456789012:role/deploy' }],
    });

    // Act / Assess
    expect(fingerprintFinding(overwritten)).toBe(fingerprintFinding(before));
    expect(transitionsBetween(before, overwritten)).toEqual([]);
  });

  it('keeps the SSM version of a secret value, the only sign it was rotated', () => {
    // Prepare
    const secret = { text: '[secret]', secret: true } as const;
    const before = finding({ key: 'DB_PASSWORD', type: 'parity', expected: secret, actual: secret, provenance: [ssmProvenance('7')] });
    const rotated = finding({ key: 'DB_PASSWORD', type: 'parity', expected: secret, actual: secret, provenance: [ssmProvenance('8')] });

    // Act / Assess
    expect(fingerprintFinding(rotated)).not.toBe(fingerprintFinding(before));
    expect(transitionsBetween(before, rotated)).toEqual(['changed']);
  });

  it('still tells a new value, a new expected value or a new winning place apart', () => {
    // Prepare
    const before = workloadDrift('1');

    // Act
    const values = [
      workloadDrift('1', { actual: { text: '90s', secret: false } }),
      workloadDrift('1', { expected: { text: '20s', secret: false } }),
      workloadDrift('1', { provenance: [{ ...before.provenance[0]!, location: 'configmap/api-config' }] }),
    ].map(fingerprintFinding);

    // Assess
    for (const value of values) expect(value).not.toBe(fingerprintFinding(before));
  });
});
