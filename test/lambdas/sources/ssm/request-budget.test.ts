import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REQUEST_RATES,
  DEFAULT_SSM_DESCRIBE_RPS,
  DEFAULT_SSM_GET_RPS,
  parseRequestRate,
  ssmRequestRates,
  RequestBudget,
  SSM_DESCRIBE_GROUP,
  SSM_GET_GROUP,
  operationGroup,
  systemBudgetClock,
  type BudgetClock,
} from '../../../../lambdas/sources/aws/request-budget.js';

/** A clock that never really waits: it records each requested sleep and moves time only when told. */
function manualClock(): BudgetClock & { sleeps: number[]; advance(ms: number): void } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('Class: RequestBudget', () => {
  describe('Method: acquire', () => {
    it('spaces requests of one region and group evenly at the configured rate', async () => {
      // Prepare
      const clock = manualClock();
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 20 }, clock });

      // Act
      await Promise.all(Array.from({ length: 5 }, () => budget.acquire('eu-west-1', SSM_GET_GROUP)));

      // Assess: the first goes at once, then one every 50 ms
      expect(clock.sleeps).toEqual([50, 100, 150, 200]);
      expect(budget.waitedMs()).toBe(500);
    });

    it('keeps one bucket per region and per group', async () => {
      // Prepare
      const clock = manualClock();
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 10, [SSM_DESCRIBE_GROUP]: 2 }, clock });

      // Act
      await budget.acquire('eu-west-1', SSM_GET_GROUP);
      await budget.acquire('us-east-1', SSM_GET_GROUP);
      await budget.acquire('eu-west-1', SSM_DESCRIBE_GROUP);
      await budget.acquire('eu-west-1', SSM_DESCRIBE_GROUP);
      await budget.acquire('eu-west-1', SSM_GET_GROUP);

      // Assess: only the second request of each (region, group) waits, each at its own rate
      expect(clock.sleeps).toEqual([500, 100]);
    });

    it('keeps one bucket per account in a region: AWS throttles per account and Region', async () => {
      // Prepare
      const clock = manualClock();
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 10 }, clock });

      // Act
      await budget.acquire({ region: 'eu-west-1', account: '111111111111' }, SSM_GET_GROUP);
      await budget.acquire({ region: 'eu-west-1', account: '222222222222' }, SSM_GET_GROUP);
      await budget.acquire({ region: 'eu-west-1', account: '111111111111' }, SSM_GET_GROUP);
      await budget.acquire('eu-west-1', SSM_GET_GROUP);

      // Assess: only the second request of account 1 waits; the caller's own account (no account) is its own bucket
      expect(clock.sleeps).toEqual([100]);
    });

    it('lets a request through at once when its slot has passed, without banking idle time beyond the burst', async () => {
      // Prepare
      const clock = manualClock();
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 10 }, clock });
      await budget.acquire('eu-west-1', SSM_GET_GROUP);

      // Act: a long pause, then three requests at once
      clock.advance(5_000);
      await Promise.all([1, 2, 3].map(() => budget.acquire('eu-west-1', SSM_GET_GROUP)));

      // Assess: idle time does not turn into a burst of three
      expect(clock.sleeps).toEqual([100, 200]);
    });

    it('allows the configured burst back to back, then paces', async () => {
      // Prepare
      const clock = manualClock();
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 10 }, burst: 3, clock });

      // Act
      await Promise.all(Array.from({ length: 5 }, () => budget.acquire('eu-west-1', SSM_GET_GROUP)));

      // Assess
      expect(clock.sleeps).toEqual([100, 200]);
    });

    it('does not pace operations without a group or groups without a rate', async () => {
      // Prepare
      const clock = manualClock();
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 1 }, clock });

      // Act
      for (let i = 0; i < 3; i += 1) {
        await budget.acquire('eu-west-1', undefined);
        await budget.acquire('eu-west-1', 'EKS:Describe');
      }

      // Assess
      expect(clock.sleeps).toEqual([]);
    });

    it('gives up waiting when the signal aborts', async () => {
      // Prepare
      const budget = new RequestBudget({ rates: { [SSM_GET_GROUP]: 0.01 }, clock: systemBudgetClock });
      await budget.acquire('eu-west-1', SSM_GET_GROUP);
      const controller = new AbortController();

      // Act
      const waiting = budget.acquire('eu-west-1', SSM_GET_GROUP, controller.signal);
      controller.abort(new Error('run cancelled'));

      // Assess
      await expect(waiting).rejects.toThrow('run cancelled');
    });
  });

  describe('Constructor', () => {
    it('rejects a rate that is not a positive number', () => {
      expect(() => new RequestBudget({ rates: { [SSM_GET_GROUP]: 0 } })).toThrow(/SSM:Get/);
    });
  });
});

describe('Defaults', () => {
  it('budget half of the documented 40 TPS for Get* and half of the assumed DescribeParameters limit', () => {
    expect(DEFAULT_REQUEST_RATES[SSM_GET_GROUP]).toBe(20);
    expect(DEFAULT_REQUEST_RATES[SSM_DESCRIBE_GROUP]).toBe(5);
  });

  it('put GetParameter, GetParameters and GetParametersByPath in one group and DescribeParameters in its own', () => {
    expect(operationGroup('SSM', 'GetParameter')).toBe(SSM_GET_GROUP);
    expect(operationGroup('SSM', 'GetParameters')).toBe(SSM_GET_GROUP);
    expect(operationGroup('SSM', 'GetParametersByPath')).toBe(SSM_GET_GROUP);
    expect(operationGroup('SSM', 'DescribeParameters')).toBe(SSM_DESCRIBE_GROUP);
    expect(operationGroup('STS', 'AssumeRole')).toBeUndefined();
  });

  describe('Function: ssmRequestRates', () => {
    it('sets each SSM quota group from its own knob and leaves the other at its default', () => {
      // Act / Assess
      expect(ssmRequestRates({ get: 40 })).toEqual({ [SSM_GET_GROUP]: 40, [SSM_DESCRIBE_GROUP]: DEFAULT_SSM_DESCRIBE_RPS });
      expect(ssmRequestRates({ describe: 10 })).toEqual({ [SSM_GET_GROUP]: DEFAULT_SSM_GET_RPS, [SSM_DESCRIBE_GROUP]: 10 });
      expect(ssmRequestRates()).toEqual(DEFAULT_REQUEST_RATES);
    });

    it('defaults to half of the quotas: 20 of the documented 40 Get*, 5 of the assumed 10 DescribeParameters', () => {
      expect(DEFAULT_SSM_GET_RPS).toBe(20);
      expect(DEFAULT_SSM_DESCRIBE_RPS).toBe(5);
    });
  });

  describe('Function: parseRequestRate', () => {
    it('accepts a positive decimal and names the setting and the value otherwise', () => {
      expect(parseRequestRate('7.5', '--ssm-get-rps')).toEqual({ ok: true, rate: 7.5 });
      for (const bad of ['0', '-1', 'fast', '', 'Infinity']) {
        const parsed = parseRequestRate(bad, '--ssm-describe-rps');
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.reason).toContain(`--ssm-describe-rps must be a positive number of requests per second, got ${JSON.stringify(bad)}`);
      }
    });
  });
});
