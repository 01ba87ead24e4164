import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline } from '../../../../lambdas/engine/model.js';
import { snapshot, ssmValue } from '../analyse/builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');

function baselineWithPattern(pattern: string): Baseline {
  const result = parseBaseline([
    {
      name: 'baseline.yaml',
      text: `environments:
  prod:
    tier: production
    sources:
      ssm: [{ path: /prod/api/, key_style: env }]
settings:
  PRODUCT_CODE:
    pattern: '${pattern}'
`,
    },
  ]);
  if (!result.ok) throw new Error(result.issues.map((issue) => issue.message).join('\n'));
  return result.baseline;
}

/** The `invalid` findings on PRODUCT_CODE when production holds `value`. */
function invalidWith(base: Baseline, value: string): string[] {
  const findings = analyse({
    baseline: base,
    snapshots: [snapshot('prod', [ssmValue('prod', 'PRODUCT_CODE', value, { prefix: '/prod/api/' })])],
    now: NOW,
  }).findings;
  return findings.filter((finding) => finding.type === 'invalid' && finding.key === 'PRODUCT_CODE').map((finding) => finding.message);
}

describe('Baseline patterns, matched against live values', () => {
  it('checks a catastrophic-backtracking pattern against a value anyone can set, and gets the answer', () => {
    // Prepare: with a backtracking engine this takes 11 s at 29 characters and doubles per character.
    const base = baselineWithPattern('^(a+)+$');

    // Act
    const hostile = invalidWith(base, `${'a'.repeat(40)}!`);
    const fine = invalidWith(base, 'a'.repeat(40));

    // Assess
    expect(hostile).toEqual([expect.stringContaining('must match ^(?:^(a+)+$)$')]);
    expect(fine).toEqual([]);
  });

  it('keeps the anchoring on RE2: the whole value must match, alternatives included', () => {
    // Prepare
    const base = baselineWithPattern('eu|us');
    const evil = baselineWithPattern('(a+)+|b');

    // Act / Assess
    expect(invalidWith(base, 'eu')).toEqual([]);
    expect(invalidWith(base, 'europe')).toHaveLength(1);
    expect(invalidWith(base, 'xus')).toHaveLength(1);
    expect(invalidWith(evil, `${'a'.repeat(40)}b`)).toHaveLength(1);
  });
});
