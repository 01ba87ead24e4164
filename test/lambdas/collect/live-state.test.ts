import { describe, expect, it } from 'vitest';
import { checkLiveState, LIVE_STATE_SCHEMA, parseLiveState } from '../../../lambdas/collect/live-state.js';

const wrap = (records: unknown) => JSON.stringify({ schema: LIVE_STATE_SCHEMA, takenAt: 't', ssm: { 'ssm:eu-west-1:/a/': records }, kubernetes: {} });

describe('Function: checkLiveState', () => {
  it('accepts the records the SSM reader writes, redacted ones included', () => {
    const text = wrap([
      { name: '/a/x', type: 'String', value: '1', version: 3, lastModifiedDate: '2026-11-01T00:00:00.000Z' },
      { name: '/a/db_password', type: 'String', redacted: true, version: 1 },
      { name: '/a/key', type: 'SecureString', version: 2 },
    ]);
    expect(checkLiveState(text).ok).toBe(true);
    expect(parseLiveState(text)?.ssm['ssm:eu-west-1:/a/']).toHaveLength(3);
  });

  it.each([
    [[{ name: '/a/x', type: 'Number', version: 1 }], 'ssm["ssm:eu-west-1:/a/"][0]: "type" must be String, StringList or SecureString'],
    [[{ name: '/a/x', type: 'String', version: 1.5 }], '"version" must be a whole number from 1'],
    [[{ name: '/a/x', type: 'String', value: 42 }], '"value" must be a string'],
    [[{ name: '/a/k', type: 'SecureString', value: 'ciphertext' }], 'a SecureString record never holds a value'],
    [{ name: '/a/x' }, 'ssm["ssm:eu-west-1:/a/"] must be a list of parameter records'],
  ])('refuses a record the reader never writes: %j', (records, problem) => {
    const checked = checkLiveState(wrap(records));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toContain(problem);
  });

  it('refuses another schema, naming it', () => {
    const checked = checkLiveState(JSON.stringify({ schema: 'drift-audit.live-state/0', ssm: {} }));
    expect(checked).toEqual({ ok: false, problem: 'schema is "drift-audit.live-state/0", expected "drift-audit.live-state/1"' });
  });

  it('gives the Lambda a full read (undefined) for anything it cannot use, never an exception', () => {
    expect(parseLiveState('not json')).toBeUndefined();
    expect(parseLiveState(wrap([{ name: 7 }]))).toBeUndefined();
    expect(parseLiveState(undefined)).toBeUndefined();
  });
});
