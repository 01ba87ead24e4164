import { countFindings } from '../analyse/sort-findings.js';
import type { AuditResult, Finding, SourceStatus } from '../model.js';

/** What a partial run read, per environment (see `ReconcileInput.scope`). */
export interface ReconcileScope {
  readonly environments: readonly {
    readonly environment: string;
    /** Logical keys (and source ids, for `source-error`s) read this run; absent: the whole environment. */
    readonly keys?: readonly string[];
  }[];
}

/** Whether a run read `key` of `environment`: always without a scope. */
export function readInScope(scope: ReconcileScope | undefined): (environment: string, key: string) => boolean {
  if (scope === undefined) return () => true;
  const byEnvironment = new Map<string, ReadonlySet<string> | 'all'>();
  for (const entry of scope.environments) {
    const earlier = byEnvironment.get(entry.environment);
    if (earlier === 'all' || entry.keys === undefined) byEnvironment.set(entry.environment, 'all');
    else byEnvironment.set(entry.environment, new Set([...(earlier ?? []), ...entry.keys]));
  }
  return (environment, key) => {
    const keys = byEnvironment.get(environment);
    return keys === 'all' || keys?.has(key) === true;
  };
}

/**
 * The verdict of a partial run on what it read: its findings about keys in scope, the environments it
 * read, and a status that is `partial` only when a source it read failed. What it rebuilt from the
 * previous state (or could not) is comparison data, not news, and is left out of the run's report
 * and alert.
 */
export function scopedResult(result: AuditResult, scope: ReconcileScope, readSources: readonly SourceStatus[]): AuditResult {
  const read = readInScope(scope);
  const findings: Finding[] = result.findings.filter((finding) => read(finding.environment, finding.key));
  const environments = new Set(scope.environments.map((entry) => entry.environment));
  const partial = result.partialEnvironments.filter((environment) => environments.has(environment));
  const failed = readSources.some((source) => source.status !== 'ok');
  return {
    findings,
    completeEnvironments: result.completeEnvironments.filter((environment) => environments.has(environment)),
    partialEnvironments: partial,
    status: failed ? 'partial' : 'ok',
    counts: countFindings(findings),
  };
}
