import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { REPORT_SCHEMA_ID, renderJson, reportSchema } from '../../../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import type { Finding } from '../../../../lambdas/engine/model.js';
import { expectGolden } from './golden.js';
import { FINDINGS, cleanRun, countsOf, partialRun } from './report-fixture.js';

describe('Function: renderJson', () => {
  it('renders the realistic partial run with transitions as in the golden file', () => {
    // Act
    const text = renderJson(partialRun({ transitions: true }));

    // Assess
    expectGolden('report.json', text);
  });

  it('writes a document the published schema accepts, versioned drift-audit.report/1', () => {
    // Act
    const parsed = reportSchema.safeParse(JSON.parse(renderJson(partialRun({ transitions: true }))));

    // Assess
    expect(parsed.success, parsed.error?.message).toBe(true);
    expect(parsed.data?.schema).toBe(REPORT_SCHEMA_ID);
    expect(REPORT_SCHEMA_ID).toBe('drift-audit.report/1');
  });

  it('accepts findings on workload shape, whose provenance targets replicas, resources, probes, HPAs and PDBs', () => {
    // Prepare: one finding per workload target kind, as the shape, autoscaler and disruption-budget views make them.
    const base = FINDINGS[0] as Finding;
    const targets: NonNullable<Finding['provenance'][number]['target']>[] = [
      { kind: 'workload-replicas', namespace: 'api', workload: 'deployment/api' },
      { kind: 'container-resources', namespace: 'api', workload: 'deployment/api', container: 'app', bound: 'limits', resource: 'memory' },
      {
        kind: 'container-probe',
        namespace: 'api',
        workload: 'deployment/api',
        container: 'app',
        list: 'containers',
        probe: 'readinessProbe',
        field: 'periodSeconds',
      },
      { kind: 'hpa', namespace: 'api', workload: 'deployment/api', hpa: 'api', field: 'maxReplicas' },
      { kind: 'pdb', namespace: 'api', workload: 'deployment/api', field: 'minAvailable' },
    ];
    const findings = targets.map((target, index) => ({
      ...base,
      id: `${base.id}:${index}`,
      provenance: [{ source: 'kubernetes' as const, layer: 'workload' as const, location: 'deployment/api', target }],
    }));
    const input = { ...partialRun(), findings, counts: countsOf(findings) };

    // Act
    const parsed = reportSchema.safeParse(JSON.parse(renderJson(input)));

    // Assess
    expect(parsed.success, parsed.error?.message).toBe(true);
  });

  it('yields a JSON Schema for consumers in other languages, as in the golden file', () => {
    // Act
    const schema = z.toJSONSchema(reportSchema) as { required?: string[]; properties?: Record<string, unknown> };

    // Assess
    expectGolden('report.schema.json', `${JSON.stringify(schema, null, 2)}\n`);
    expect(schema.required).toEqual(
      expect.arrayContaining(['schema', 'generatedAt', 'status', 'baselineVersion', 'environments', 'sources', 'counts', 'findings']),
    );
  });

  it('keeps every field of every finding', () => {
    // Prepare
    const input = partialRun();

    // Act
    const report = JSON.parse(renderJson(input)) as { findings: Finding[] };

    // Assess
    const byId = new Map(report.findings.map((f) => [f.id, f]));
    for (const finding of FINDINGS) expect(byId.get(finding.id)).toEqual(finding);
  });

  it('reports the run as partial, with the failed source and the environment left incomplete', () => {
    // Act
    const report = JSON.parse(renderJson(partialRun())) as {
      status: string;
      summary: string;
      environments: { name: string; complete: boolean }[];
      sources: { id: string; status: string; error?: { code: string } }[];
    };

    // Assess
    expect(report.status).toBe('partial');
    expect(report.summary).not.toMatch(/no drift/i);
    expect(report.environments.find((e) => e.name === 'production-eu')?.complete).toBe(false);
    expect(report.sources.find((s) => s.status === 'error')?.error?.code).toBe('AccessDenied');
  });

  it('counts findings by severity and by type, every key present', () => {
    // Act
    const report = JSON.parse(renderJson(partialRun())) as { counts: { total: number; bySeverity: object; byType: object } };

    // Assess
    expect(report.counts.total).toBe(FINDINGS.length);
    expect(report.counts.bySeverity).toEqual({ info: 1, low: 2, medium: 2, high: 2, critical: 1 });
    expect(report.counts.byType).toEqual(countsOf(FINDINGS));
  });

  it('writes null for unknown top-level values instead of leaving them out', () => {
    // Act
    const report = JSON.parse(renderJson(cleanRun())) as Record<string, unknown>;

    // Assess
    expect(report.baselineVersion).toBeNull();
    expect(report.transitions).toBeNull();
    expect(report.status).toBe('ok');
  });

  it('writes a deleting baseline edit as op "delete", since JSON cannot hold value: undefined', () => {
    // Prepare
    const base = cleanRun();
    const finding: Finding = {
      ...(FINDINGS[6] as Finding),
      fixes: { accept: { summary: 'Forget it.', baselineEdit: { path: ['settings', 'OLD'], value: undefined } } },
    };
    const input: ReportInput = { ...base, result: { ...base.result, findings: [finding], counts: countsOf([finding]) } };

    // Act
    const report = JSON.parse(renderJson(input)) as { findings: Finding[] };

    // Assess
    expect(report.findings[0]?.fixes.accept?.baselineEdit).toEqual({ path: ['settings', 'OLD'], op: 'delete' });
  });

  it('writes [secret] for a secret whatever text the value carries', () => {
    // Prepare
    const base = partialRun();
    const leaky = FINDINGS.map((f) =>
      f.actual?.secret === true ? { ...f, actual: { text: 'sk_live_CANARY', secret: true }, comparedWith: { x: { text: 'sk_live_CANARY', secret: true } } } : f,
    );

    // Act
    const text = renderJson({ ...base, result: { ...base.result, findings: leaky } });

    // Assess
    expect(text).not.toContain('sk_live_CANARY');
    expect(text).toContain('"text": "[secret]"');
  });

  it('gives the same bytes whatever order findings, sources and environments arrive in', () => {
    // Prepare
    const input = partialRun({ transitions: true });
    const shuffled: ReportInput = {
      ...input,
      result: { ...input.result, findings: [...input.result.findings].reverse() },
      sources: [...input.sources].reverse(),
      environments: [...input.environments].reverse(),
      transitions: [...(input.transitions ?? [])].reverse(),
    };

    // Act / Assess
    expect(renderJson(shuffled)).toBe(renderJson(input));
  });
});
