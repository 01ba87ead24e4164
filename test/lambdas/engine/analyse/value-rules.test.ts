import { describe, expect, it } from 'vitest';
import { compileConstraints, mergeConstraints } from '../../../../lambdas/engine/analyse/check-constraints.js';
import { canonicalValue, valuesEqual } from '../../../../lambdas/engine/analyse/compare-values.js';
import { findingId } from '../../../../lambdas/engine/analyse/finding-id.js';
import { parseDuration } from '../../../../lambdas/engine/analyse/parse-duration.js';

describe('Function: parseDuration', () => {
  it.each([
    ['60s', { kind: 'ms', value: 60_000 }],
    ['1m', { kind: 'ms', value: 60_000 }],
    ['1h30m', { kind: 'ms', value: 5_400_000 }],
    ['250ms', { kind: 'ms', value: 250 }],
    ['1.5s', { kind: 'ms', value: 1_500 }],
    ['2d', { kind: 'ms', value: 172_800_000 }],
    ['30', { kind: 'bare', value: 30 }],
  ] as const)('reads %s', (text, parsed) => {
    expect(parseDuration(text)).toEqual(parsed);
  });

  it.each(['', 's', '10 s', '10x', '1m-', 'PT1M'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('Function: valuesEqual', () => {
  it('compares untyped values as exact strings', () => {
    expect(valuesEqual('INFO', 'INFO', undefined)).toBe(true);
    expect(valuesEqual('info', 'INFO', undefined)).toBe(false);
  });

  it('never lets a value that does not parse equal a parsed one', () => {
    expect(canonicalValue('n:10', 'integer')).not.toBe(canonicalValue('10', 'integer'));
    expect(valuesEqual('ten', '10', 'integer')).toBe(false);
  });
});

describe('Function: compileConstraints', () => {
  it('accepts values that meet every constraint and explains the first one broken, never quoting the value', () => {
    // Prepare
    const checker = compileConstraints({ type: 'integer', min: 1, max: 10, enum: ['1', '5', '10', '50'] });

    // Assess
    expect(checker.violation('5')).toBeUndefined();
    expect(checker.violation('05')).toBeUndefined();
    expect(checker.violation('abc')).toBe('must be an integer');
    expect(checker.violation('7')).toBe('must be one of 1, 5, 10, 50');
    expect(checker.violation('50')).toBe('must be at most 10');
  });

  it('checks durations against ranges in seconds', () => {
    const checker = compileConstraints({ type: 'duration', max: 60 });
    expect(checker.violation('1m')).toBeUndefined();
    expect(checker.violation('61s')).toBe('must be at most 60');
  });

  it('checks Kubernetes quantities against ranges by their value: 1500m cores is 1.5, 2Gi is 2147483648 bytes', () => {
    const cores = compileConstraints({ type: 'quantity', max: 8 });
    expect(cores.violation('1500m')).toBeUndefined();
    expect(cores.violation('8')).toBeUndefined();
    expect(cores.violation('8001m')).toBe('must be at most 8');
    const memory = compileConstraints({ type: 'quantity', min: 2 ** 30 });
    expect(memory.violation('2Gi')).toBeUndefined();
    expect(memory.violation('512Mi')).toBe(`must be at least ${2 ** 30}`);
  });

  it('checks URLs and booleans', () => {
    expect(compileConstraints({ type: 'url' }).violation('inventory.internal')).toBe('must be an absolute URL');
    expect(compileConstraints({ type: 'url' }).violation('https://inventory.internal/v1')).toBeUndefined();
    expect(compileConstraints({ type: 'boolean' }).violation('maybe')).toMatch(/boolean/);
  });

  it('leaves a pattern that is not a regular expression unchecked rather than inventing drift', () => {
    expect(compileConstraints({ pattern: '([' }).violation('anything')).toBeUndefined();
  });

  it('is empty, and allocates no checker, when nothing is constrained', () => {
    expect(compileConstraints({}).empty).toBe(true);
  });
});

describe('Function: mergeConstraints', () => {
  it('lays later constraint sets over earlier ones field by field', () => {
    expect(mergeConstraints({ type: 'integer', min: 0, max: 10 }, { max: 5 }, undefined, { min: 2 })).toEqual({ type: 'integer', min: 2, max: 5 });
  });
});

describe('Function: findingId', () => {
  it('joins type, scope and key, holding no value', () => {
    expect(findingId('parity', 'production-eu', 'DATABASE_POOL_SIZE')).toBe('parity:production-eu:DATABASE_POOL_SIZE');
  });
});
