import { describe, expect, it } from 'vitest';
import { DEFAULT_PRECEDENCE, SEVERITIES } from '../../../lambdas/engine/model.js';

describe('Module: model', () => {
  it('orders the default precedence as seed 000 describes: file < env < ConfigMap < Secret < Parameter Store', () => {
    expect(DEFAULT_PRECEDENCE).toEqual(['file', 'env', 'configmap', 'secret', 'ssm']);
  });

  it('orders severities from lowest to highest so --fail-on can compare them', () => {
    expect(SEVERITIES.indexOf('critical')).toBeGreaterThan(SEVERITIES.indexOf('info'));
  });
});
