import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding, ShownValue } from '../../lambdas/engine/model.js';
import {
  renderExplanationJson,
  renderExplanationTerminal,
  renderHtml,
  renderJson,
  renderMarkdown,
  renderTerminal,
} from '../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../lambdas/sinks/report/index.js';
import { poolSizeExplanation } from './explanation-fixture.js';
import { FINDINGS, partialRun } from './report-fixture.js';

/** Every report format and the explain formats, coloured and not. */
function renderAll(input: ReportInput, secret: ShownValue): string[] {
  const explanation = poolSizeExplanation();
  const leakyExplanation = {
    ...explanation,
    effective: secret,
    expected: secret,
    observations: explanation.observations.map((o) => (o.effective ? { ...o, value: secret } : o)),
    exceptions: explanation.exceptions.map((x) => ({ ...x, value: secret })),
  };
  return [
    renderTerminal(input, { color: false, verbose: true }),
    renderTerminal(input, { color: true }),
    renderJson(input),
    renderMarkdown(input),
    renderHtml(input),
    renderExplanationTerminal(leakyExplanation, { color: true }),
    renderExplanationJson(leakyExplanation),
  ];
}

describe('Property: a secret value never reaches any output', () => {
  it('holds for any text a secret ShownValue carries, in any field that holds a value', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9+/=_-]{6,40}$/), fc.nat(FINDINGS.length - 1), (raw, at) => {
        // Prepare: a canary that cannot occur in the fixture by chance.
        const canary = `CANARY${raw}`;
        const secret: ShownValue = { text: canary, secret: true };
        const base = partialRun({ transitions: true });
        const findings = base.result.findings.map(
          (f, i): Finding =>
            i === at ? { ...f, expected: secret, actual: secret, comparedWith: { [f.environment]: secret } } : f,
        );
        const transitions = (base.transitions ?? []).map((t) => ({
          ...t,
          finding: { ...t.finding, actual: secret },
          previous: { severity: t.finding.severity, actual: secret, expected: secret },
        }));
        const input: ReportInput = { ...base, result: { ...base.result, findings }, transitions };

        // Act
        const outputs = renderAll(input, secret);

        // Assess
        for (const output of outputs) expect(output).not.toContain(canary);
      }),
      { numRuns: 50, seed: 20261123 },
    );
  });
});
