import type { Baseline } from '../lambdas/engine/model.js';

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
}

const ROLE_ARN_ACCOUNT = /^arn:[^:]+:iam::(\d{12}):role\//;

/**
 * Derives the audit scope from a validated baseline: live sources only (`file` sources need no
 * permission), with regions and accounts inherited from the environment as the engine does, and
 * the account taken from the role ARN when only the role names it.
 */
export function auditScopeFromBaseline(baseline: Baseline): AuditScope {
  const ssm = new Map<string, { entry: Omit<SsmReadScope, 'environments'>; environments: Set<string> }>();
  const clusters = new Map<string, { entry: Omit<ClusterReadScope, 'environments' | 'namespaces'>; namespaces: Set<string>; environments: Set<string> }>();
  const roleArns = new Set<string>();

  for (const environment of baseline.environments) {
    const roleArn = environment.roleArn;
    const account = environment.account ?? (roleArn ? ROLE_ARN_ACCOUNT.exec(roleArn)?.[1] : undefined);
    if (roleArn) roleArns.add(roleArn);
    for (const source of environment.sources) {
      if (source.kind === 'ssm') {
        const entry = compact({
          path: normalisePath(source.path),
          region: source.region ?? environment.region,
          account,
          roleArn,
        });
        const key = [entry.account, entry.region, entry.roleArn, entry.path].join('\u0000');
        const found = ssm.get(key) ?? { entry, environments: new Set<string>() };
        found.environments.add(environment.name);
        ssm.set(key, found);
      } else if (source.kind === 'eks') {
        const entry = compact({ name: source.cluster, region: source.region ?? environment.region, account, roleArn });
        const key = [entry.account, entry.region, entry.roleArn, entry.name].join('\u0000');
        const found = clusters.get(key) ?? { entry, namespaces: new Set<string>(), environments: new Set<string>() };
        for (const namespace of source.namespaces) found.namespaces.add(namespace);
        found.environments.add(environment.name);
        clusters.set(key, found);
      }
    }
  }

  return {
    ssm: [...ssm.entries()].sort(([a], [b]) => compareCodeUnits(a, b)).map(([, { entry, environments }]) => ({ ...entry, environments: sorted(environments) })),
    clusters: [...clusters.entries()]
      .sort(([a], [b]) => compareCodeUnits(a, b))
      .map(([, { entry, namespaces, environments }]) => ({
        ...entry,
        namespaces: sorted(namespaces),
        environments: sorted(environments),
      })),
    roleArns: sorted(roleArns),
  };
}

/**
 * The part of a scope read through one role: what a member account's `DriftAuditReadRole` must allow.
 */
export function scopeForRole(scope: AuditScope, roleArn: string): AuditScope {
  return {
    ssm: scope.ssm.filter((entry) => entry.roleArn === roleArn),
    clusters: scope.clusters.filter((entry) => entry.roleArn === roleArn),
    roleArns: scope.roleArns.filter((arn) => arn === roleArn),
  };
}

/** The part of a scope the audit role reads itself, without assuming a role. */
export function directScope(scope: AuditScope): AuditScope {
  return {
    ssm: scope.ssm.filter((entry) => entry.roleArn === undefined),
    clusters: scope.clusters.filter((entry) => entry.roleArn === undefined),
    roleArns: [],
  };
}

/** `/a/b`, `a/b/` and `/a/b/` all become `/a/b/`; the root stays `/`. */
export function normalisePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

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
