import type { EnvironmentSpec, ExceptionSpec } from '../model.js';

const DAY_MS = 86_400_000;

/** An exception with its expiry instant computed once. */
export interface CompiledException {
  readonly spec: ExceptionSpec;
  /** True while `now` is on or before the `expires` day (UTC). */
  readonly active: boolean;
  /** 2 environment, 1 tier, 0 everywhere: the more specific exception speaks first. */
  readonly specificity: number;
}

/** What the exceptions say about one deviation. */
export type ExceptionVerdict =
  | { readonly kind: 'allowed'; readonly exception: CompiledException }
  | { readonly kind: 'expired'; readonly exception: CompiledException };

/** Exceptions by key, most specific first, then latest expiry. */
export type ExceptionIndex = ReadonlyMap<string, readonly CompiledException[]>;

/**
 * Indexes exceptions by key and decides once whether each is active. An `expires` date that does not
 * parse counts as expired, so a typo surfaces as a finding instead of allowing drift forever.
 */
export function indexExceptions(exceptions: readonly ExceptionSpec[], now: Date): ExceptionIndex {
  const nowMs = now.getTime();
  const index = new Map<string, CompiledException[]>();
  for (const spec of exceptions) {
    const start = Date.parse(`${spec.expires}T00:00:00Z`);
    const active = Number.isFinite(start) && nowMs < start + DAY_MS;
    const specificity = spec.environment !== undefined ? 2 : spec.tier !== undefined ? 1 : 0;
    const list = index.get(spec.key);
    const compiled: CompiledException = { spec, active, specificity };
    if (list === undefined) index.set(spec.key, [compiled]);
    else list.push(compiled);
  }
  for (const list of index.values()) {
    list.sort(
      (a, b) =>
        b.specificity - a.specificity ||
        compareText(b.spec.expires, a.spec.expires) ||
        compareText(a.spec.owner, b.spec.owner) ||
        compareText(a.spec.reason, b.spec.reason) ||
        compareText(a.spec.value ?? '', b.spec.value ?? ''),
    );
  }
  return index;
}

/** True when the exception's scope covers the environment (every declared scope field must match). */
export function exceptionCovers(spec: ExceptionSpec, environment: Pick<EnvironmentSpec, 'name' | 'tier'>): boolean {
  if (spec.environment !== undefined && spec.environment !== environment.name) return false;
  if (spec.tier !== undefined && spec.tier !== environment.tier) return false;
  return true;
}

/**
 * The verdict on a deviation of `key` in `environment`. `matchesLive` says whether an exception's
 * allowed value is what is live now (a value-less exception allows any value, and absence).
 * An active matching exception allows it; otherwise an expired matching one makes it
 * `exception-expired`; otherwise the exceptions have nothing to say.
 */
export function judgeException(
  index: ExceptionIndex,
  key: string,
  environment: Pick<EnvironmentSpec, 'name' | 'tier'>,
  matchesLive: (allowed: string) => boolean,
  application?: string,
): ExceptionVerdict | undefined {
  const list = index.get(key);
  if (list === undefined) return undefined;
  let expired: CompiledException | undefined;
  for (const exception of list) {
    if (!exceptionCovers(exception.spec, environment)) continue;
    if (exception.spec.application !== undefined && exception.spec.application !== application) continue;
    if (exception.spec.value !== undefined && !matchesLive(exception.spec.value)) continue;
    if (exception.active) return { kind: 'allowed', exception };
    expired ??= exception;
  }
  return expired === undefined ? undefined : { kind: 'expired', exception: expired };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
