import { describe, expect, it } from 'vitest';
import { filterAuditResult } from '../../../../lambdas/sinks/report/report-filter.js';
import { FINDINGS, partialRun } from './report-fixture.js';

describe('Function: filterAuditResult', () => {
  const result = partialRun().result;

  it('keeps findings at least as severe as --severity', () => {
    // Act
    const filtered = filterAuditResult(result, { minSeverity: 'high' });

    // Assess
    expect(filtered.findings.length).toBeGreaterThan(0);
    expect(filtered.findings.every((f) => f.severity === 'high' || f.severity === 'critical')).toBe(true);
    expect(filtered.findings).toHaveLength(FINDINGS.filter((f) => f.severity === 'high' || f.severity === 'critical').length);
  });

  it('keeps findings of the environments and types asked for, and recounts by type', () => {
    // Act
    const filtered = filterAuditResult(result, { environments: ['production-us'], types: ['changed', 'shadowed'] });

    // Assess
    expect(
      filtered.findings.map((f) => [f.environment, f.type]).every(([env, type]) => env === 'production-us' && ['changed', 'shadowed'].includes(type as string)),
    ).toBe(true);
    expect(filtered.counts.changed + filtered.counts.shadowed).toBe(filtered.findings.length);
    expect(filtered.counts.parity).toBe(0);
  });

  it('is complete when the unread environment is filtered out, partial when it is shown', () => {
    // Prepare: production-eu could not be fully read.
    expect(result.status).toBe('partial');

    // Act
    const elsewhere = filterAuditResult(result, { environments: ['production-us'] });
    const there = filterAuditResult(result, { environments: ['production-eu'] });
    const bySeverity = filterAuditResult(result, { minSeverity: 'critical', types: ['invalid'] });

    // Assess: --severity and --type cannot know what the unread source holds.
    expect(elsewhere.status).toBe('ok');
    expect(elsewhere.partialEnvironments).toEqual([]);
    expect(there.status).toBe('partial');
    expect(bySeverity.status).toBe('partial');
  });

  it('keeps a finding about a group of environments when any member is asked for', () => {
    // Prepare
    const group = { ...(FINDINGS[0] as (typeof FINDINGS)[number]), id: 'parity:production:k8s:hpa', environment: 'production-us+production-eu' };

    // Act
    const filtered = filterAuditResult({ ...result, findings: [group] }, { environments: ['production-eu'] });

    // Assess
    expect(filtered.findings).toEqual([group]);
  });
});
