import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';

const TEXT = `environments:
  staging: { tier: staging }
  production-us: { tier: production }
settings:
  k8s:resources.limits.memory:
    type: quantity
  k8s:resource.limits.memory:
    value: 2Gi
  k8s:hpa.maxReplicas:
    value: "50"
expected_differences:
  k8s:replica:
    staging: "1"
    production: "10"
`;

describe('Function: parseBaseline', () => {
  describe('workload shape keys', () => {
    it('warns, with file, line and the nearest valid key, for a declared k8s: key no workload view observes', () => {
      const result = parseBaseline([{ name: 'baseline.yaml', text: TEXT }]);

      expect(result.ok).toBe(true);
      const unobservable = result.warnings.filter((warning) => warning.code === 'unobservable-key');
      expect(unobservable.map((warning) => [warning.file, warning.line, warning.suggestion])).toEqual([
        ['baseline.yaml', 7, 'k8s:resources.limits.memory'],
        ['baseline.yaml', 12, 'k8s:replicas'],
      ]);
      expect(unobservable[0]?.message).toMatch(/^k8s:resource\.limits\.memory is not a workload shape key any Kubernetes view observes/);
    });

    it('accepts type: quantity as a constraint type', () => {
      const result = parseBaseline([{ name: 'baseline.yaml', text: TEXT }]);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      expect(result.baseline.settings.get('k8s:resources.limits.memory')?.constraints.type).toBe('quantity');
    });
  });
});
