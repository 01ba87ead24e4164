import { describe, expect, it } from 'vitest';
import { ssmRequestRatesFromEnvironment } from '../../../lambdas/audit/handler.js';
import { DEFAULT_REQUEST_RATES, SSM_DESCRIBE_GROUP, SSM_GET_GROUP } from '../../../lambdas/sources/aws/request-budget.js';

describe('Function: ssmRequestRatesFromEnvironment', () => {
  it('paces each SSM quota group at the rate the stack set in its own variable', () => {
    // Act
    const rates = ssmRequestRatesFromEnvironment({ SSM_REQUESTS_PER_SECOND: '40', SSM_DESCRIBE_REQUESTS_PER_SECOND: '10' });

    // Assess
    expect(rates).toEqual({ [SSM_GET_GROUP]: 40, [SSM_DESCRIBE_GROUP]: 10 });
  });

  it('falls back to the defaults for a variable that is not set', () => {
    expect(ssmRequestRatesFromEnvironment({})).toEqual(DEFAULT_REQUEST_RATES);
    expect(ssmRequestRatesFromEnvironment({ SSM_DESCRIBE_REQUESTS_PER_SECOND: '8' })).toEqual({ ...DEFAULT_REQUEST_RATES, [SSM_DESCRIBE_GROUP]: 8 });
  });

  it('refuses a value that is not a positive number, naming the variable, instead of pacing at a rate nobody chose', () => {
    expect(() => ssmRequestRatesFromEnvironment({ SSM_DESCRIBE_REQUESTS_PER_SECOND: '-3' })).toThrow(
      'environment variable SSM_DESCRIBE_REQUESTS_PER_SECOND must be a positive number of requests per second, got "-3"',
    );
  });
});
