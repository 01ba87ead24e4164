/**
 * A change-driven run reads only some keys: the lifecycle must treat every other key as not read
 * this run, never resolving, re-opening or moving it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reconcile, type FindingState, type ReconcileScope } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import type { Finding } from '../../../../lambdas/engine/model.js';
import { audit, finding } from './lifecycle-fixtures.js';

const T1 = new Date('2026-11-01T10:00:00.000Z');
const T2 = new Date('2026-11-01T10:05:00.000Z');

function opened(findings: readonly Finding[]): FindingState[] {
  return reconcile({ previous: [], current: audit(findings), runId: 'sweep-1', now: T1 }).next;
}

const onlyTimeout: ReconcileScope = { environments: [{ environment: 'production-eu', keys: ['PAYMENT_TIMEOUT'] }] };

describe('Function: reconcile, with a read scope', () => {
  it('never resolves an open finding whose key was not read, though it is absent from the result', () => {
    // Prepare
    const previous = opened([finding({ key: 'DB_TIMEOUT' }), finding({ key: 'PAYMENT_TIMEOUT' })]);
    // Act: the targeted run read PAYMENT_TIMEOUT (now fixed) and nothing else.
    const { transitions, next } = reconcile({ previous, current: audit([]), scope: onlyTimeout, runId: 'changes-1', now: T2 });
    // Assess
    expect(transitions.map((t) => `${t.kind} ${t.finding.key}`)).toEqual(['resolved PAYMENT_TIMEOUT']);
    const untouched = next.find((state) => state.finding.key === 'DB_TIMEOUT');
    expect(untouched).toEqual(previous.find((state) => state.finding.key === 'DB_TIMEOUT'));
  });

  it('neither opens nor moves a finding about a key it did not read', () => {
    // Prepare: DB_TIMEOUT is open with one value; the result (built on old data) shows another.
    const previous = opened([finding({ key: 'DB_TIMEOUT' })]);
    const moved = finding({ key: 'DB_TIMEOUT', actual: { text: '999', secret: false } });
    const fresh = finding({ key: 'LOG_LEVEL' });
    // Act
    const { transitions, next } = reconcile({ previous, current: audit([moved, fresh]), scope: onlyTimeout, runId: 'changes-1', now: T2 });
    // Assess
    expect(transitions).toEqual([]);
    expect(next).toEqual(previous);
  });

  it('opens and changes findings about the keys it read, as a sweep would', () => {
    const previous = opened([finding({ key: 'PAYMENT_TIMEOUT' })]);
    const changed = finding({ key: 'PAYMENT_TIMEOUT', actual: { text: '90', secret: false } });
    const { transitions } = reconcile({ previous, current: audit([changed]), scope: onlyTimeout, runId: 'changes-1', now: T2 });
    expect(transitions.map((t) => `${t.kind} ${t.finding.key}`)).toEqual(['changed PAYMENT_TIMEOUT']);
  });

  it('resolves a parity finding only when every environment it was compared with read the key too', () => {
    const parity = finding({ type: 'parity', key: 'PAYMENT_TIMEOUT', comparedWith: { 'production-us': { text: '30', secret: false } } });
    const previous = opened([parity]);
    const narrow = reconcile({ previous, current: audit([]), scope: onlyTimeout, runId: 'changes-1', now: T2 });
    const wide = reconcile({
      previous,
      current: audit([]),
      scope: { environments: [...onlyTimeout.environments, { environment: 'production-us', keys: ['PAYMENT_TIMEOUT'] }] },
      runId: 'changes-2',
      now: T2,
    });
    expect(narrow.transitions).toEqual([]);
    expect(wide.transitions.map((t) => t.kind)).toEqual(['resolved']);
  });

  it('an environment in scope without a key list was read whole', () => {
    const previous = opened([finding({ key: 'DB_TIMEOUT' }), finding({ key: 'DB_TIMEOUT', environment: 'staging-us' })]);
    const { transitions } = reconcile({
      previous,
      current: audit([]),
      scope: { environments: [{ environment: 'production-eu' }] },
      runId: 'changes-1',
      now: T2,
    });
    expect(transitions.map((t) => `${t.kind} ${t.finding.environment}`)).toEqual(['resolved production-eu']);
  });

  it('still resolves a state of an environment the baseline no longer declares (nothing can read it again)', () => {
    const previous = opened([finding({ key: 'DB_TIMEOUT', environment: 'staging-us' })]);
    const { transitions } = reconcile({
      previous,
      current: audit([]),
      scope: onlyTimeout,
      declaredEnvironments: ['production-eu'],
      runId: 'changes-1',
      now: T2,
    });
    expect(transitions.map((t) => t.kind)).toEqual(['resolved']);
  });

  it('for any findings and any scope, no transition is about a key outside the scope', () => {
    const keys = ['A', 'B', 'C', 'D'];
    const environments = ['production-eu', 'production-us', 'staging-us'];
    const arbitraryFinding = fc
      .record({ key: fc.constantFrom(...keys), environment: fc.constantFrom(...environments), actual: fc.constantFrom('1', '2') })
      .map(({ key, environment, actual }) => finding({ key, environment, actual: { text: actual, secret: false } }));
    const arbitraryScope = fc.array(fc.record({ environment: fc.constantFrom(...environments), keys: fc.subarray(keys) }), { maxLength: 3 });
    fc.assert(
      fc.property(fc.array(arbitraryFinding, { maxLength: 8 }), fc.array(arbitraryFinding, { maxLength: 8 }), arbitraryScope, (before, now, entries) => {
        const dedupe = (list: Finding[]) => [...new Map(list.map((f) => [f.id, f])).values()];
        const previous = opened(dedupe(before));
        const { transitions } = reconcile({ previous, current: audit(dedupe(now)), scope: { environments: entries }, runId: 'changes-1', now: T2 });
        const read = new Set(entries.flatMap((entry) => entry.keys.map((key) => `${entry.environment}:${key}`)));
        return transitions.every((t) => read.has(`${t.finding.environment}:${t.finding.key}`));
      }),
    );
  });
});
