import { quantityMagnitude } from './parse-quantity.js';
import { RE2JS } from 're2js';
import type { Constraints } from '../model.js';
import { canonicalValue } from './compare-values.js';
import { quantityValue } from './parse-quantity.js';
import { parseDuration } from './parse-duration.js';

const INTEGER = /^[+-]?\d+$/;

/** A compiled set of constraints for one setting in one environment. */
export interface ConstraintChecker {
  /** True when nothing is constrained: callers skip the check entirely. */
  readonly empty: boolean;
  /** The constraints checked, for explanations. */
  readonly constraints: Constraints;
  /**
   * Why `value` breaks the constraints ("must be one of false"), or undefined when it holds.
   * Never quotes the value, so the reason is safe to put in a message about a secret-looking key.
   */
  violation(value: string): string | undefined;
}

const EMPTY_CONSTRAINTS: Constraints = Object.freeze({});

/** The checker that accepts everything; shared so unconstrained settings allocate nothing. */
export const NO_CONSTRAINTS: ConstraintChecker = Object.freeze({
  empty: true,
  constraints: EMPTY_CONSTRAINTS,
  violation: () => undefined,
});

/** True when no constraint field is set; checks the fields directly to avoid `Object.keys` on the hot path. */
export function hasNoConstraints(c: Constraints): boolean {
  return c.type === undefined && c.enum === undefined && c.min === undefined && c.max === undefined && c.pattern === undefined;
}

/**
 * Global constraints with the scoped ones laid over them: tier entries, then environment entries
 * (the more specific wins field by field). Only fields that are set override.
 */
export function mergeConstraints(...layers: readonly (Constraints | undefined)[]): Constraints {
  const merged: { -readonly [K in keyof Constraints]: Constraints[K] } = {};
  for (const layer of layers) {
    if (layer === undefined) continue;
    if (layer.type !== undefined) merged.type = layer.type;
    if (layer.enum !== undefined) merged.enum = layer.enum;
    if (layer.min !== undefined) merged.min = layer.min;
    if (layer.max !== undefined) merged.max = layer.max;
    if (layer.pattern !== undefined) merged.pattern = layer.pattern;
  }
  return merged;
}

/**
 * Compiles constraints once: the pattern is compiled a single time and must match the whole value
 * (as `^(?:p)$` would), and the checker remembers its last answer, because the same value is usually
 * checked in every environment.
 *
 * Patterns run on RE2 (`re2js`, a pure-JavaScript port), whose matching time is linear in the value's
 * length: a live value is whatever someone set, and with a backtracking engine `^(a+)+$` against 29
 * characters took 11 s, doubling with each character more. RE2 has no lookaround and no
 * backreferences; the baseline validator rejects such patterns with their location.
 *
 * A pattern that does not compile is left unchecked rather than turned into a finding: the baseline
 * validator rejects it with its location, and the engine must not report drift the estate did not cause.
 */
export function compileConstraints(constraints: Constraints): ConstraintChecker {
  if (hasNoConstraints(constraints)) return NO_CONSTRAINTS;
  let pattern: RE2JS | undefined;
  if (constraints.pattern !== undefined) {
    try {
      pattern = RE2JS.compile(constraints.pattern);
    } catch {
      pattern = undefined;
    }
  }
  const type = constraints.type;
  const allowed = constraints.enum === undefined ? undefined : new Set(constraints.enum.map((entry) => canonicalValue(entry, type)));
  let lastValue: string | undefined;
  let lastAnswer: string | undefined;

  const evaluate = (value: string): string | undefined => {
    const typeProblem = type === undefined ? undefined : checkType(value, type);
    if (typeProblem !== undefined) return typeProblem;
    if (allowed !== undefined && !allowed.has(canonicalValue(value, type))) {
      return `must be one of ${(constraints.enum ?? []).join(', ')}`;
    }
    if (constraints.min !== undefined || constraints.max !== undefined) {
      const n = magnitude(value, type);
      if (n === undefined) return 'must be a number to be checked against its range';
      if (constraints.min !== undefined && n < constraints.min) return `must be at least ${constraints.min}`;
      if (constraints.max !== undefined && n > constraints.max) return `must be at most ${constraints.max}`;
    }
    // testExact: the whole value must match, the engine's anchoring.
    if (pattern !== undefined && !pattern.testExact(value)) return `must match ^(?:${constraints.pattern})$`;
    return undefined;
  };

  return {
    empty: false,
    constraints,
    violation(value: string): string | undefined {
      if (value === lastValue) return lastAnswer;
      lastAnswer = evaluate(value);
      lastValue = value;
      return lastAnswer;
    },
  };
}

function checkType(value: string, type: NonNullable<Constraints['type']>): string | undefined {
  switch (type) {
    case 'string':
      return undefined;
    case 'integer':
      return INTEGER.test(value.trim()) ? undefined : 'must be an integer';
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? undefined : 'must be a number';
    case 'boolean':
      return canonicalValue(value, 'boolean').startsWith('b:') ? undefined : 'must be a boolean (true/false/yes/no/1/0)';
    case 'duration':
      return parseDuration(value.trim()) === undefined ? 'must be a duration such as 30s, 5m or 1h30m' : undefined;
    case 'url':
      return URL.canParse(value) ? undefined : 'must be an absolute URL';
    case 'quantity':
      return quantityValue(value) === undefined ? 'must be a Kubernetes quantity such as 500m, 2Gi or 1.5' : undefined;
  }
}

/**
 * The number a range constraint is checked against: the value itself for numbers, seconds for
 * durations (a bare number counts as seconds here, the unit ranges are written in), the value of a
 * Kubernetes quantity (`1500m` is 1.5, `2Gi` is 2147483648).
 */
function magnitude(value: string, type: Constraints['type']): number | undefined {
  if (type === 'quantity') return quantityMagnitude(value);
  if (type === 'duration') {
    const parsed = parseDuration(value.trim());
    if (parsed === undefined) return undefined;
    return parsed.kind === 'bare' ? parsed.value : parsed.value / 1000;
  }
  const trimmed = value.trim();
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : undefined;
}
