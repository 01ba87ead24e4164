import { didYouMean } from '../baseline/did-you-mean.js';
import type { Baseline, Snapshot } from '../model.js';

/** What a key lookup searches: the baseline and everything the sources held. */
export interface KeyLookupInput {
  readonly baseline: Baseline;
  readonly snapshots: readonly Snapshot[];
}

/** Whether an audit knows a key, and if not, the known key it was most likely meant to be. */
export type KeyLookup =
  | {
      readonly known: true;
      /** Declared by a setting (or `expected_differences`) or named by an exception. */
      readonly declared: boolean;
      /** Environments where some source holds the key, in snapshot order. */
      readonly observedIn: readonly string[];
    }
  | {
      readonly known: false;
      /** The closest declared or observed key, when it is close enough to be a typo. */
      readonly suggestion?: string;
    };

/**
 * Looks a key up in the baseline and in every environment's observations: the one place that says
 * whether a question about `key` has an answer, so `explain` never explains a typo as an absent key.
 *
 * A key is known when the baseline declares it (a declared key absent everywhere is a real answer:
 * the application falls back to its default) or when any environment's source holds it (an
 * undeclared live key is explained in every environment, absent ones included). Matching is exact:
 * keys are case-sensitive in SSM and in a container's environment alike.
 */
export function lookUpKey(input: KeyLookupInput, key: string): KeyLookup {
  const declared = declaredKeys(input.baseline);
  const observedIn = input.snapshots
    .filter((snapshot) => snapshot.observations.some((observation) => observation.key === key))
    .map((snapshot) => snapshot.environment);
  if (declared.has(key) || observedIn.length > 0) return { known: true, declared: declared.has(key), observedIn };
  const suggestion = didYouMean(key, [...declared, ...observedKeys(input.snapshots)]);
  return { known: false, ...(suggestion === undefined ? {} : { suggestion }) };
}

function declaredKeys(baseline: Baseline): Set<string> {
  const keys = new Set([...baseline.settings.keys(), ...baseline.exceptions.map((exception) => exception.key)]);
  for (const application of baseline.applications?.values() ?? []) for (const key of application.settings.keys()) keys.add(key);
  return keys;
}

function observedKeys(snapshots: readonly Snapshot[]): Set<string> {
  return new Set(snapshots.flatMap((snapshot) => snapshot.observations.map((observation) => observation.key)));
}

/**
 * Thrown by `explain` for a key that is neither declared nor held by any source: answering "not
 * set" would explain a typo as a real absence. Carries the suggestion so callers can offer it.
 */
export class UnknownKeyError extends Error {
  override readonly name = 'UnknownKeyError';
  readonly code = 'UNKNOWN_KEY';
  readonly key: string;
  readonly suggestion?: string;

  /**
   * @param unreadSources how many sources could not be read: one of them may hold the key, so the
   *   message says so instead of claiming the key exists nowhere.
   */
  constructor(key: string, suggestion: string | undefined, unreadSources: number, options?: { cause?: unknown }) {
    const where =
      unreadSources === 0
        ? 'neither declared in the baseline nor held by any source'
        : `neither declared in the baseline nor held by any source that was read (${unreadSources} could not be read and may hold it)`;
    super(`unknown key ${key}: ${where}${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`, options);
    this.key = key;
    if (suggestion !== undefined) this.suggestion = suggestion;
  }
}
