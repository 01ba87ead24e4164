import { describe, expect, it } from 'vitest';
import { nextLiveState } from '../../../bin/cli/live-state-file.js';
import { LIVE_STATE_SCHEMA, type LiveState } from '../../../lambdas/collect/live-state.js';

const state = (takenAt: string, ssm: LiveState['ssm']): LiveState => ({ schema: LIVE_STATE_SCHEMA, takenAt, ssm, kubernetes: {} });
const record = (name: string, version: number) => ({
  name,
  type: 'String' as const,
  value: `v${version}`,
  version,
  lastModifiedDate: '2026-11-01T00:00:00.000Z',
});

describe('Function: nextLiveState', () => {
  it("keeps a failed source's previous records, so one unreachable region does not cost a full read next run", () => {
    // Prepare
    const previous = state('2026-11-22T00:00:00Z', { 'ssm:eu-west-1:/a/': [record('/a/x', 1)], 'ssm:us-east-1:/b/': [record('/b/y', 1)] });
    const read = state('2026-11-23T00:00:00Z', { 'ssm:us-east-1:/b/': [record('/b/y', 2)] });

    // Act
    const next = nextLiveState(previous, read, new Set(['ssm:eu-west-1:/a/']));

    // Assess
    expect(next.takenAt).toBe('2026-11-23T00:00:00Z');
    expect(next.ssm).toEqual({ 'ssm:eu-west-1:/a/': [record('/a/x', 1)], 'ssm:us-east-1:/b/': [record('/b/y', 2)] });
  });

  it('drops the records of a source that is no longer read at all (removed from the baseline)', () => {
    const previous = state('t0', { 'ssm:eu-west-1:/gone/': [record('/gone/x', 1)] });
    const read = state('t1', {});
    expect(nextLiveState(previous, read, new Set()).ssm).toEqual({});
    expect(nextLiveState(undefined, read, new Set(['ssm:eu-west-1:/gone/']))).toBe(read);
  });
});
