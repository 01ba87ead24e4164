import type { Finding } from '../../../../lambdas/engine/model.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import { countsOf } from './report-fixture.js';

/** A value written to attack every output: HTML, a table break, code fences, a link, a mention, ANSI. */
export const HOSTILE = '<script>alert(1)</script> | ```\n# x `tick` [click](https://evil.example) @octocat \u001b[2J $x$';

/** An environment name that tries to break out of an attribute and a table row. */
export const HOSTILE_ENV = 'prod"><img src=x onerror=alert(2)>|x';

/** A complete run whose only finding carries hostile text in every string field. */
export function hostileRun(): ReportInput {
  const finding: Finding = {
    id: `changed:${HOSTILE_ENV}:KEY<b>`,
    type: 'changed',
    severity: 'high',
    environment: HOSTILE_ENV,
    tier: 'production',
    key: 'KEY<b>|`',
    expected: { text: 'safe', secret: false },
    actual: { text: HOSTILE, secret: false },
    message: `KEY is ${HOSTILE}`,
    provenance: [
      {
        source: 'kubernetes',
        layer: 'configmap',
        location: `configmap/${HOSTILE}`,
        changedBy: 'mallory@example.com',
        outOfBand: true,
      },
    ],
    comparedWith: { [HOSTILE_ENV]: { text: HOSTILE, secret: false } },
    fixes: {
      revert: { summary: `Set it back: ${HOSTILE}`, command: `kubectl set env deployment/x KEY='${HOSTILE}'` },
      accept: {
        summary: 'Accept it.',
        baselineEdit: { path: ['settings', 'KEY', 'environments', HOSTILE_ENV], value: HOSTILE },
      },
    },
  };
  return {
    result: {
      findings: [finding],
      completeEnvironments: [HOSTILE_ENV],
      partialEnvironments: [],
      status: 'ok',
      counts: countsOf([finding]),
    },
    generatedAt: '2026-11-23T12:00:00Z',
    baselineVersion: '<v1>',
    environments: [{ name: HOSTILE_ENV, tier: 'production', region: 'us-east-1|<i>' }],
    sources: [{ id: `file:${HOSTILE}`, kind: 'file', layers: ['configmap'], status: 'ok', itemCount: 1, warnings: [HOSTILE] }],
  };
}
