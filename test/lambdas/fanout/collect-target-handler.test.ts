import { describe, expect, it } from 'vitest';
import { targetDeadlineMs } from '../../../lambdas/fanout/collect-target-handler.js';

describe('Function: targetDeadlineMs', () => {
  it('keeps a tenth of the time, between 2 s and 10 s, for writing the result', () => {
    // The construct's default: a 4-minute collector keeps 10 s.
    expect(targetDeadlineMs(240_000)).toBe(230_000);
    expect(targetDeadlineMs(50_000)).toBe(45_000);
    expect(targetDeadlineMs(10_000)).toBe(8_000);
  });

  it('never gives a negative deadline', () => {
    expect(targetDeadlineMs(1_000)).toBe(0);
  });
});
