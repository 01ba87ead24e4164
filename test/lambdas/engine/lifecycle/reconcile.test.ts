import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile, type FindingState } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import { fingerprintFinding } from '../../../../lambdas/engine/lifecycle/fingerprint-finding.js';
import { SEVERITIES, type Finding, type Transition } from '../../../../lambdas/engine/model.js';
import { audit, finding, SECRET_CANARY, source, withSeverity } from './lifecycle-fixtures.js';

const T1 = new Date('2026-11-01T10:00:00.000Z');
const T2 = new Date('2026-11-01T11:00:00.000Z');
const T3 = new Date('2026-11-01T12:00:00.000Z');
const T4 = new Date('2026-11-01T13:00:00.000Z');

/** Runs reconcile from nothing, returning the open states run 1 leaves. */
function firstRun(findings: readonly Finding[]): FindingState[] {
  return reconcile({ previous: [], current: audit(findings), runId: 'run-1', now: T1 }).next;
}

describe('Function: reconcile', () => {
  describe('new findings', () => {
    it('opens every finding history has never seen, first seen now', () => {
      // Prepare
      const dbTimeout = finding();
      const pool = finding({ type: 'parity', key: 'DB_POOL_SIZE', severity: 'medium' });

      // Act
      const { transitions, next } = reconcile({ previous: [], current: audit([pool, dbTimeout]), runId: 'run-1', now: T1 });

      // Assess
      expect(transitions.map((t) => [t.kind, t.finding.id, t.firstSeen, t.at])).toEqual([
        ['opened', dbTimeout.id, T1.toISOString(), T1.toISOString()],
        ['opened', pool.id, T1.toISOString(), T1.toISOString()],
      ]);
      expect(next.map((s) => [s.id, s.status, s.firstSeen, s.lastSeen, s.lastRunId, s.severity])).toEqual([
        [dbTimeout.id, 'open', T1.toISOString(), T1.toISOString(), 'run-1', 'high'],
        [pool.id, 'open', T1.toISOString(), T1.toISOString(), 'run-1', 'medium'],
      ]);
      expect(next[0]?.previousRunId).toBeUndefined();
    });
  });

  describe('findings still open', () => {
    it('makes no transition for the same drift and moves lastSeen on, keeping firstSeen', () => {
      // Prepare
      const previous = firstRun([finding()]);

      // Act
      const { transitions, next } = reconcile({ previous, current: audit([finding()]), runId: 'run-2', now: T2 });

      // Assess
      expect(transitions).toEqual([]);
      expect(next).toHaveLength(1);
      expect(next[0]).toMatchObject({
        status: 'open',
        firstSeen: T1.toISOString(),
        lastSeen: T2.toISOString(),
        lastRunId: 'run-2',
        previousRunId: 'run-1',
      });
    });

    it('ignores a reworded message or new fix hint: only what the drift is counts', () => {
      const previous = firstRun([finding()]);
      const reworded = finding({ message: 'DB_TIMEOUT differs', fixes: {} });

      const { transitions } = reconcile({ previous, current: audit([reworded]), runId: 'run-2', now: T2 });

      expect(transitions).toEqual([]);
    });

    it('reports a new actual value as changed, with what it was before', () => {
      const previous = firstRun([finding()]);
      const changed = finding({ actual: { text: '90', secret: false } });

      const { transitions, next } = reconcile({ previous, current: audit([changed]), runId: 'run-2', now: T2 });

      expect(transitions).toHaveLength(1);
      expect(transitions[0]).toMatchObject({
        kind: 'changed',
        firstSeen: T1.toISOString(),
        at: T2.toISOString(),
        previous: { severity: 'high', actual: { text: '120', secret: false }, expected: { text: '30', secret: false } },
      });
      expect(transitions[0]?.finding.actual?.text).toBe('90');
      expect(next[0]?.fingerprint).toBe(fingerprintFinding(changed));
    });

    it('reports a new expected value or a new winning source as changed', () => {
      const previous = firstRun([finding()]);
      const newExpected = finding({ expected: { text: '45', secret: false } });
      const newSource = finding({
        provenance: [{ source: 'kubernetes', layer: 'env', location: 'deployment/api-server container app', version: '3' }],
      });

      const a = reconcile({ previous, current: audit([newExpected]), runId: 'run-2', now: T2 });
      const b = reconcile({ previous, current: audit([newSource]), runId: 'run-2', now: T2 });

      expect(a.transitions.map((t) => t.kind)).toEqual(['changed']);
      expect(b.transitions.map((t) => t.kind)).toEqual(['changed']);
    });

    it('reports a higher severity as one escalated transition, even when the value changed too', () => {
      const previous = firstRun([finding()]);
      const worse = finding({ severity: 'critical', actual: { text: '600', secret: false } });

      const { transitions, next } = reconcile({ previous, current: audit([worse]), runId: 'run-2', now: T2 });

      expect(transitions.map((t) => [t.kind, t.previous?.severity, t.finding.severity])).toEqual([['escalated', 'high', 'critical']]);
      expect(next[0]?.severity).toBe('critical');
    });

    it('reports a lower severity as changed, not escalated', () => {
      const previous = firstRun([finding()]);

      const { transitions } = reconcile({ previous, current: audit([withSeverity(finding(), 'low')]), runId: 'run-2', now: T2 });

      expect(transitions.map((t) => t.kind)).toEqual(['changed']);
    });
  });

  describe('findings gone', () => {
    it('resolves a finding absent from a complete environment, carrying it as last seen', () => {
      // Prepare
      const previous = firstRun([finding()]);
      const kept = reconcile({ previous, current: audit([finding()]), runId: 'run-2', now: T2 }).next;

      // Act
      const { transitions, next } = reconcile({ previous: kept, current: audit([]), runId: 'run-3', now: T3 });

      // Assess
      expect(transitions).toEqual([{ kind: 'resolved', finding: finding(), firstSeen: T1.toISOString(), at: T3.toISOString() }]);
      expect(next).toEqual([
        expect.objectContaining({
          status: 'resolved',
          firstSeen: T1.toISOString(),
          lastSeen: T2.toISOString(),
          resolvedAt: T3.toISOString(),
          lastRunId: 'run-3',
          previousRunId: 'run-2',
        }),
      ]);
    });

    it('never resolves a finding of a partial environment: the state stays exactly as it was', () => {
      // Prepare
      const previous = firstRun([finding(), finding({ environment: 'production-us', region: 'us-east-1' })]);
      const partialEu = audit([], { partial: ['production-eu'] });

      // Act
      const { transitions, next } = reconcile({ previous, current: partialEu, runId: 'run-2', now: T2 });

      // Assess
      expect(transitions.map((t) => [t.kind, t.finding.environment])).toEqual([['resolved', 'production-us']]);
      const eu = next.find((s) => s.finding.environment === 'production-eu');
      expect(eu).toBe(previous.find((s) => s.finding.environment === 'production-eu'));
    });

    it('keeps a parity finding open while any environment it was compared with is partial', () => {
      const parity = finding({
        type: 'parity',
        key: 'DB_POOL_SIZE',
        comparedWith: { 'production-eu': { text: '50', secret: false }, 'production-us': { text: '20', secret: false } },
      });
      const previous = firstRun([parity]);

      const usPartial = reconcile({ previous, current: audit([], { partial: ['production-us'] }), runId: 'run-2', now: T2 });
      const allComplete = reconcile({ previous, current: audit([]), runId: 'run-2', now: T2 });

      expect(usPartial.transitions).toEqual([]);
      expect(usPartial.next).toEqual(previous);
      expect(allComplete.transitions.map((t) => t.kind)).toEqual(['resolved']);
    });

    it('resolves a source-error when its own source reads again, even if another source of the environment fails', () => {
      // Prepare
      const failed = 'ssm:eu-west-1:/production-eu/api/';
      const sourceError = finding({ type: 'source-error', key: failed, severity: 'medium', expected: undefined, actual: undefined });
      const previous = firstRun([sourceError]);
      const otherFails = audit([finding({ type: 'source-error', key: 'eks:prod-eu/api' })], { partial: ['production-eu'] });
      const snapshots = [{ environment: 'production-eu', sources: [source(failed, 'ok'), source('eks:prod-eu/api', 'error')] }];

      // Act
      const withCoverage = reconcile({ previous, current: otherFails, snapshots, runId: 'run-2', now: T2 });
      const withoutCoverage = reconcile({ previous, current: otherFails, runId: 'run-2', now: T2 });

      // Assess
      expect(withCoverage.transitions.map((t) => [t.kind, t.finding.key])).toEqual([
        ['opened', 'eks:prod-eu/api'],
        ['resolved', failed],
      ]);
      expect(withoutCoverage.transitions.map((t) => [t.kind, t.finding.key])).toEqual([['opened', 'eks:prod-eu/api']]);
    });

    it('keeps a source-error open while its source still fails', () => {
      const failed = 'ssm:eu-west-1:/production-eu/api/';
      const previous = firstRun([finding({ type: 'source-error', key: failed })]);
      const snapshots = [{ environment: 'production-eu', sources: [source(failed, 'error')] }];

      const { transitions } = reconcile({
        previous,
        current: audit([], { partial: ['production-eu'] }),
        snapshots,
        runId: 'run-2',
        now: T2,
      });

      expect(transitions).toEqual([]);
    });

    it('resolves the findings of an environment removed from the baseline, saying so', () => {
      // Prepare: production-eu had open findings; the baseline now declares only the US environments,
      // so production-eu is never read again and appears in neither complete nor partial environments.
      const euTimeout = finding();
      const euError = finding({ type: 'source-error', key: 'ssm:eu-west-1:/production-eu/api/', severity: 'medium' });
      const usTimeout = finding({ environment: 'production-us' });
      const previous = firstRun([euTimeout, euError, usTimeout]);
      const withoutEu = audit([usTimeout], { complete: ['production-us', 'staging-us'] });

      // Act
      const { transitions, next } = reconcile({
        previous,
        current: withoutEu,
        declaredEnvironments: ['production-us', 'staging-us'],
        runId: 'run-2',
        now: T2,
      });
      const undeclaredUnknown = reconcile({ previous, current: withoutEu, runId: 'run-2', now: T2 });

      // Assess
      expect(transitions.map((t) => [t.kind, t.finding.id])).toEqual([
        ['resolved', euTimeout.id],
        ['resolved', euError.id],
      ]);
      for (const transition of transitions) {
        expect(transition.finding.message).toMatch(/^environment production-eu is no longer in the baseline \(last seen: /);
      }
      expect(next.filter((state) => state.status === 'resolved').map((state) => [state.id, state.resolvedAt])).toEqual([
        [euTimeout.id, T2.toISOString()],
        [euError.id, T2.toISOString()],
      ]);
      expect(next.find((state) => state.id === usTimeout.id)).toMatchObject({ status: 'open' });
      // Without the declared environments, absence from an unread environment is still ignorance.
      expect(undeclaredUnknown.transitions).toEqual([]);
    });

    it('resolves a parity finding once an environment it was compared with leaves the baseline', () => {
      // Prepare
      const parity = finding({
        type: 'parity',
        key: 'DB_POOL_SIZE',
        environment: 'production-us',
        comparedWith: { 'production-eu': { text: '50', secret: false }, 'production-us': { text: '20', secret: false } },
      });
      const previous = firstRun([parity]);

      // Act: production-us is still declared but partial this run; production-eu is gone.
      const { transitions, next } = reconcile({
        previous,
        current: audit([], { complete: ['staging-us'], partial: ['production-us'] }),
        declaredEnvironments: ['production-us', 'staging-us'],
        runId: 'run-2',
        now: T2,
      });

      // Assess
      expect(transitions.map((t) => [t.kind, t.finding.id, t.finding.message])).toEqual([
        ['resolved', parity.id, `environment production-eu is no longer in the baseline (last seen: ${parity.message})`],
      ]);
      expect(next[0]).toMatchObject({ status: 'resolved', lastRunId: 'run-2' });
    });

    it('opens a new episode, with a new firstSeen, when a resolved finding comes back', () => {
      // Prepare
      const open = firstRun([finding()]);
      const resolved = reconcile({ previous: open, current: audit([]), runId: 'run-2', now: T2 }).next;

      // Act
      const back = reconcile({ previous: resolved, current: audit([finding()]), runId: 'run-3', now: T3 });
      const absentAgain = reconcile({ previous: resolved, current: audit([]), runId: 'run-3', now: T3 });

      // Assess
      expect(back.transitions.map((t) => [t.kind, t.firstSeen])).toEqual([['opened', T3.toISOString()]]);
      expect(back.next[0]).toMatchObject({ status: 'open', firstSeen: T3.toISOString() });
      expect(absentAgain.transitions).toEqual([]);
      expect(absentAgain.next).toEqual([]);
    });
  });

  describe('determinism and secrets', () => {
    it('sorts transitions worst first and gives the same output whatever the input order', () => {
      const findings = [
        finding({ key: 'A', severity: 'low' }),
        finding({ key: 'B', severity: 'critical', environment: 'staging-us' }),
        finding({ key: 'C', severity: 'critical' }),
        finding({ type: 'missing', key: 'INVENTORY_SERVICE_URL', severity: 'high', actual: undefined }),
      ];
      const previous = firstRun([finding({ key: 'GONE' }), finding({ key: 'A', severity: 'low' })]);

      const one = reconcile({ previous, current: audit(findings), runId: 'r', now: T2 });
      const two = reconcile({ previous: [...previous].reverse(), current: audit([...findings].reverse()), runId: 'r', now: T2 });

      expect(two).toEqual(one);
      expect(one.transitions.map((t) => `${t.kind} ${t.finding.severity} ${t.finding.id}`)).toEqual([
        'opened critical changed:production-eu:C',
        'opened critical changed:staging-us:B',
        'resolved high changed:production-eu:GONE',
        'opened high missing:production-eu:INVENTORY_SERVICE_URL',
      ]);
    });

    it('never carries a secret value into a transition, a state or a fingerprint', () => {
      // An engine bug that forgot to redact: the lifecycle redacts again before anything leaves.
      const leaky = finding({
        key: 'DB_PASSWORD',
        actual: { text: SECRET_CANARY, secret: true },
        comparedWith: { 'production-eu': { text: SECRET_CANARY, secret: true } },
      });

      const opened = reconcile({ previous: [], current: audit([leaky]), runId: 'r1', now: T1 });
      const resolved = reconcile({ previous: opened.next, current: audit([]), runId: 'r2', now: T2 });

      const everything = JSON.stringify([opened, resolved]);
      expect(everything).not.toContain(SECRET_CANARY);
      expect(opened.transitions[0]?.finding.actual).toEqual({ text: '[secret]', secret: true });
    });
  });

  describe('properties', () => {
    const severity = fc.constantFrom(...SEVERITIES);
    const arbitraryFinding = fc
      .record({
        type: fc.constantFrom('changed' as const, 'missing' as const, 'unmanaged' as const, 'invalid' as const),
        environment: fc.constantFrom('production-eu', 'production-us', 'staging-us'),
        key: fc.constantFrom('DB_TIMEOUT', 'LOG_LEVEL', 'API_TIMEOUT', 'NEW_AUTH_FLOW'),
        severity,
        actual: fc.constantFrom('1', '2', '3'),
        version: fc.constantFrom('1', '2'),
      })
      .map((r) =>
        finding({
          type: r.type,
          environment: r.environment,
          key: r.key,
          severity: r.severity,
          actual: { text: r.actual, secret: false },
          provenance: [{ source: 'ssm', layer: 'ssm', location: `/${r.environment}/${r.key}`, version: r.version }],
        }),
      );
    const arbitraryAudit = fc.record({
      findings: fc.uniqueArray(arbitraryFinding, { selector: (f) => f.id, maxLength: 12 }),
      partial: fc.subarray(['production-eu', 'production-us', 'staging-us']),
    });

    it('yields zero transitions when the same result is applied twice', () => {
      fc.assert(
        fc.property(fc.array(arbitraryAudit, { minLength: 1, maxLength: 4 }), (audits) => {
          let previous: FindingState[] = [];
          for (const [index, a] of audits.entries()) {
            const result = audit(a.findings, { partial: a.partial });
            const first = reconcile({ previous, current: result, runId: `r${index}`, now: new Date(T1.getTime() + index * 3.6e6) });
            const again = reconcile({ previous: first.next, current: result, runId: `r${index}b`, now: T4 });
            expect(again.transitions).toEqual([]);
            previous = first.next;
          }
        }),
      );
    });

    it('moves each finding only along opened -> (changed | escalated)* -> resolved -> opened ...', () => {
      fc.assert(
        fc.property(fc.array(arbitraryAudit, { minLength: 1, maxLength: 6 }), (audits) => {
          let previous: FindingState[] = [];
          const open = new Set<string>();
          for (const [index, a] of audits.entries()) {
            const { transitions, next } = reconcile({
              previous,
              current: audit(a.findings, { partial: a.partial }),
              runId: `r${index}`,
              now: new Date(T1.getTime() + index * 3.6e6),
            });
            const ids = transitions.map((t: Transition) => t.finding.id);
            expect(new Set(ids).size).toBe(ids.length);
            for (const t of transitions) {
              if (t.kind === 'opened') {
                expect(open.has(t.finding.id)).toBe(false);
                open.add(t.finding.id);
              } else {
                expect(open.has(t.finding.id)).toBe(true);
                if (t.kind === 'resolved') {
                  open.delete(t.finding.id);
                  expect(a.partial).not.toContain(t.finding.environment);
                }
              }
            }
            expect(new Set(next.filter((s) => s.status === 'open').map((s) => s.id))).toEqual(open);
            previous = next;
          }
        }),
      );
    });
  });
});
