import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../../lambdas/engine/model.js';
import { renderTerminal } from '../../../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import { FINDINGS, completeRunWithDrift, partialRun } from './report-fixture.js';

/** The compact body: the lines after the environment list, up to the closing verdict. */
function body(text: string): string[] {
  const lines = text.trimEnd().split('\n');
  const start = lines.findIndex((line) => /^[✖▲◆●○] /.test(line));
  return lines.slice(start, -2);
}

function withFindings(base: ReportInput, findings: readonly Finding[]): ReportInput {
  return { ...base, result: { ...base.result, findings } };
}

const timeout = (environment: string, actual: string, severity: Finding['severity'] = 'high'): Finding => ({
  id: `changed:${environment}:DB_TIMEOUT`,
  type: 'changed',
  severity,
  environment,
  key: 'DB_TIMEOUT',
  expected: { text: '30s', secret: false },
  actual: { text: actual, secret: false },
  message: `DB_TIMEOUT is ${actual} in ${environment}`,
  provenance: [],
  fixes: {},
});

describe('Function: renderTerminal (compact)', () => {
  it('prints one line per key and type, listing every environment it drifted in as actual≠expected', () => {
    // Prepare
    const input = withFindings(completeRunWithDrift(), [timeout('production-us', '60s'), timeout('production-eu', '45s')]);

    // Act
    const lines = body(renderTerminal(input, { color: false, compact: true }));

    // Assess
    expect(lines).toEqual(['▲ HIGH      DB_TIMEOUT  changed  production-eu 45s≠30s · production-us 60s≠30s']);
  });

  it('keeps two applications that read the same key on separate lines, each named application:key', () => {
    // Prepare: microservices-demo's cartservice (PORT 7070) and frontend (PORT 8080) both read PORT
    // (GoogleCloudPlatform/microservices-demo, release/kubernetes-manifests.yaml); each drifted in one region.
    const port = (application: string, environment: string, actual: string, expected: string): Finding => ({
      id: `changed:${environment}:${application}:PORT`,
      type: 'changed',
      severity: 'high',
      environment,
      application,
      key: 'PORT',
      expected: { text: expected, secret: false },
      actual: { text: actual, secret: false },
      message: `${application}: PORT is ${actual} in ${environment}`,
      provenance: [],
      fixes: {},
    });
    const input = withFindings(completeRunWithDrift(), [
      port('cartservice', 'production-eu', '7071', '7070'),
      port('frontend', 'production-us', '8081', '8080'),
    ]);

    // Act
    const lines = body(renderTerminal(input, { color: false, compact: true }));

    // Assess
    expect(lines).toEqual(['▲ HIGH      cartservice:PORT  changed  production-eu 7071≠7070', '▲ HIGH      frontend:PORT     changed  production-us 8081≠8080']);
  });

  it('orders lines worst first and says the severity of a cell less severe than its line', () => {
    // Prepare
    const input = withFindings(completeRunWithDrift(), [timeout('staging-us', '5s', 'low'), timeout('production-us', '60s', 'critical')]);

    // Act
    const lines = body(renderTerminal(input, { color: false, compact: true }));

    // Assess
    expect(lines[0]).toBe('✖ CRITICAL  DB_TIMEOUT  changed  production-us 60s≠30s · staging-us 5s≠30s (low)');
  });

  it('keeps the summary first and the verdict last, and is shorter than the full report', () => {
    // Act
    const full = renderTerminal(partialRun(), { color: false });
    const compact = renderTerminal(partialRun(), { color: false, compact: true });

    // Assess
    expect(compact.split('\n')[1]).toBe(full.split('\n')[1]);
    expect(compact.trimEnd().split('\n').at(-1)).toBe(full.trimEnd().split('\n').at(-1));
    expect(compact.split('\n').length).toBeLessThan(full.split('\n').length / 2);
  });

  it('masks secrets whatever text the value carries', () => {
    // Prepare
    const base = partialRun();
    const leaky = FINDINGS.map((f) => (f.actual?.secret === true ? { ...f, actual: { text: 'sk_live_CANARY', secret: true } } : f));

    // Act
    const text = renderTerminal(withFindings(base, leaky), { color: false, compact: true });

    // Assess
    expect(text).toContain('[secret]');
    expect(text).not.toContain('sk_live_CANARY');
  });

  it('continues a long line under its first cell, within the width, at cell boundaries', () => {
    // Prepare: eight environments drifted on one key.
    const findings = Array.from({ length: 8 }, (_, i) => timeout(`production-r${i}`, `${60 + i}s`));
    const input = withFindings(completeRunWithDrift(), findings);

    // Act
    const lines = body(renderTerminal(input, { color: false, compact: true, width: 72 }));

    // Assess
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(72);
    const column = lines[0]?.indexOf('production-r0') ?? -1;
    for (const line of lines.slice(1)) expect(line.search(/\S/)).toBe(column);
    expect(lines.join(' ').match(/production-r\d/g)).toHaveLength(8);
  });

  it('lays out in any width, down to a single column, without losing a cell', () => {
    // Prepare
    const findings = Array.from({ length: 4 }, (_, i) => timeout(`production-r${i}`, `${60 + i}s`));
    const input = withFindings(completeRunWithDrift(), findings);

    // Act
    const texts = [1, 20, 59, 60, 61].map((width) => renderTerminal(input, { color: false, compact: true, width }));

    // Assess
    for (const text of texts) expect(text.match(/production-r\d \d+s≠30s/g)).toHaveLength(4);
  });
});
