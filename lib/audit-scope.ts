import type { Baseline } from '../lambdas/engine/model.js';
import { sourceKinds } from '../lambdas/sources/registry.js';
import { normaliseScopePath } from '../lambdas/sources/ssm/ssm-read-access.js';

/**
 * One SSM path tree the auditor reads, and where.
 *
 * `region`/`account` absent mean "wherever the auditor is deployed", so an env-agnostic baseline
 * still yields concrete permissions once the stack has an environment.
 */
export interface SsmReadScope {
  /** Path prefix with a leading and a trailing slash: `/production-eu/api/`. */
  readonly path: string;
  readonly region?: string;
  readonly account?: string;
  /** Role assumed to read it; absent: the audit role reads it directly. */
  readonly roleArn?: string;
  /** Environments that declare it, sorted (for messages). */
  readonly environments: readonly string[];
}

/** One EKS cluster the auditor reads, with the namespaces it may look at. */
export interface ClusterReadScope {
  readonly name: string;
  readonly region?: string;
  readonly account?: string;
  /** Role assumed to read it; absent: the audit role reads it directly. */
  readonly roleArn?: string;
  /** Sorted, unique. Access is granted to these namespaces only. */
  readonly namespaces: readonly string[];
  /** Environments that declare it, sorted. */
  readonly environments: readonly string[];
}

/**
 * Everything the auditor must be allowed to read, derived from the baseline, so IAM follows the
 * baseline instead of being written by hand next to it (and drifting from it).
 */
export interface AuditScope {
  /** Sorted by account, region, role, path. */
  readonly ssm: readonly SsmReadScope[];
  /** Sorted by account, region, role, name. */
  readonly clusters: readonly ClusterReadScope[];
  /** Roles the audit role assumes, sorted, unique. */
  readonly roleArns: readonly string[];
  /** Any other kind's entries (`ReadAccess.scopePart`), sorted likewise. */
  readonly [part: string]: readonly unknown[];
}

/** What every scope entry has, whatever its kind. */
interface ScopeEntry {
  readonly account?: string;
  readonly roleArn?: string;
  readonly environments: readonly string[];
}

const ROLE_ARN_ACCOUNT = /^arn:[^:]+:iam::(\d{12}):role\//;

/**
 * Derives the audit scope from a validated baseline: live sources only (kinds without read access,
 * such as `file` sources, need no permission), each kind saying what entry a source adds
 * (`ReadAccess.scopeEntry`), with regions and accounts inherited from the environment as the engine
 * does, and the account taken from the role ARN when only the role names it.
 */
export function auditScopeFromBaseline(baseline: Baseline): AuditScope {
  const parts = new Map<string, Map<string, { fields: Record<string, string>; lists: Map<string, Set<string>>; environments: Set<string> }>>();
  const roleArns = new Set<string>();

  for (const environment of baseline.environments) {
    const roleArn = environment.roleArn;
    const account = environment.account ?? (roleArn ? ROLE_ARN_ACCOUNT.exec(roleArn)?.[1] : undefined);
    if (roleArn) roleArns.add(roleArn);
    for (const source of environment.sources) {
      const access = sourceKinds.of(source)?.readAccess;
      if (access === undefined) continue;
      const entry = access.scopeEntry(source, compact({ environment, account, roleArn }));
      const part = parts.get(access.scopePart) ?? new Map();
      parts.set(access.scopePart, part);
      const key = entry.sortKey.join('\u0000');
      const found = part.get(key) ?? { fields: compact(entry.fields) as Record<string, string>, lists: new Map(), environments: new Set<string>() };
      for (const [name, values] of Object.entries(entry.lists ?? {})) {
        const list = found.lists.get(name) ?? new Set<string>();
        for (const value of values) list.add(value);
        found.lists.set(name, list);
      }
      found.environments.add(environment.name);
      part.set(key, found);
    }
  }

  const scope: Record<string, unknown[]> = { ssm: [], clusters: [] };
  for (const [name, part] of parts) {
    scope[name] = [...part.entries()]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([, { fields, lists, environments }]) => ({
        ...fields,
        ...Object.fromEntries([...lists].map(([list, values]) => [list, sorted(values)])),
        environments: sorted(environments),
      }));
  }
  // Each part holds the entries its kind's scopeEntry describes (SsmReadScope, ClusterReadScope, ...).
  return { ...scope, roleArns: sorted(roleArns) } as unknown as AuditScope;
}

/**
 * The part of a scope read through one role: what a member account's `DriftAuditReadRole` must allow.
 */
export function scopeForRole(scope: AuditScope, roleArn: string): AuditScope {
  return { ...mapEntries(scope, (entries) => entries.filter((entry) => entry.roleArn === roleArn)), roleArns: scope.roleArns.filter((arn) => arn === roleArn) };
}

/** The part of a scope the audit role reads itself, without assuming a role. */
export function directScope(scope: AuditScope): AuditScope {
  return { ...mapEntries(scope, (entries) => entries.filter((entry) => entry.roleArn === undefined)), roleArns: [] };
}

/** A scope's entries as read inside their own account: without account and role (a role cannot grant reads elsewhere). */
export function localScope(scope: AuditScope): AuditScope {
  return { ...mapEntries(scope, (entries) => entries.map(({ account: _account, roleArn: _roleArn, ...entry }) => entry)), roleArns: [] };
}

/** Every entry of every part of a scope. */
export function scopeEntries(scope: AuditScope): (SsmReadScope | ClusterReadScope)[] {
  return Object.entries(scope).flatMap(([name, entries]) => (name === 'roleArns' ? [] : (entries as (SsmReadScope | ClusterReadScope)[])));
}

function mapEntries(scope: AuditScope, map: (entries: readonly ScopeEntry[]) => readonly ScopeEntry[]): AuditScope {
  // Every part but roleArns holds scope entries (see auditScopeFromBaseline).
  const parts = Object.entries(scope).filter(([name]) => name !== 'roleArns');
  return { ...Object.fromEntries(parts.map(([name, entries]) => [name, map(entries as readonly ScopeEntry[])])), roleArns: scope.roleArns } as AuditScope;
}

/** `/a/b`, `a/b/` and `/a/b/` all become `/a/b/`; the root stays `/`. */
export const normalisePath = normaliseScopePath;

/** `T` with its possibly-undefined fields made optional and never undefined, as {@link compact} returns it. */
type Compact<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

function compact<T extends object>(value: T): Compact<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Compact<T>;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareCodeUnits);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
