import { SECRET_KEY_PATTERN } from '../analyse/show-value.js';
import { locate, type BaselineDocument, type DocumentPath } from './baseline-document.js';
import type { BaselineIssue } from './baseline-issue.js';
import { OBSERVABLE_KEYS } from '../../sources/kubernetes/views/registry.js';
import { WORKLOAD_KEY_PREFIX } from '../analyse/workload-keys.js';
import { didYouMean } from './did-you-mean.js';
import { globToRegExp } from './glob-to-regexp.js';
import { formatLocation, issueAt } from './issue-at.js';
import { applicationSection, isRecord, type Declared, type MergedBaseline } from './merge-baseline-files.js';

/**
 * Fields a secret setting cannot declare: each needs the value, and secrets are audited by presence
 * only. `type` stays allowed: it documents the secret and needs no value to be declared.
 */
const VALUE_FIELDS = ['value', 'enum', 'min', 'max', 'pattern'] as const;
const CONSTRAINT_VALUE_FIELDS = ['enum', 'min', 'max', 'pattern'] as const;

/**
 * Checks what a schema cannot: names that must refer to declared environments or tiers, expected
 * differences declared twice, secrets that declare values, exceptions for undeclared keys that are ignored,
 * and (a warning) secret-looking keys that declare a value without saying `secret`.
 * Works on the merged sections as written, skipping entries of the wrong shape (the schema reports
 * those), so every problem of the whole baseline is reported in one pass.
 */
export function checkBaselineReferences(merged: MergedBaseline, documents: readonly BaselineDocument[]): BaselineIssue[] {
  const issues: BaselineIssue[] = [];
  const environments = new Set(merged.environments.keys());
  const tiers = new Set<string>();
  for (const entry of merged.environments.values()) {
    if (isRecord(entry.value) && typeof entry.value.tier === 'string') tiers.add(entry.value.tier);
  }
  const ignore = merged.ignore
    .map((entry) => entry.value)
    .filter((pattern): pattern is string => typeof pattern === 'string')
    .map(globToRegExp);
  const isIgnored = (key: string): boolean => ignore.some((pattern) => pattern.test(key));
  const names = { environments, tiers };

  const first = documents[0];
  if (environments.size === 0 && first !== undefined) {
    issues.push(
      issueAt(first, [], 'no-environments', 'the baseline declares no environment; expected at least one under environments', {
        expected: 'environments: { <name>: { tier: <tier> } }',
      }),
    );
  }

  // Shared settings, then each application's own: the same checks, each located where it is written.
  for (const scope of [{ settings: merged.settings, differences: merged.expected_differences }, ...applicationScopes(merged)]) {
    for (const setting of scope.settings.values()) checkSetting(setting, names, issues);
    for (const difference of scope.differences.values()) {
      checkExpectedDifference(difference, scope.settings.get(difference.name), names, issues);
    }
    for (const key of new Set([...scope.settings.keys(), ...scope.differences.keys()])) {
      checkImplicitSecret(key, scope.settings.get(key), scope.differences.get(key), issues);
      checkObservableKey(key, scope.settings.get(key) ?? scope.differences.get(key), issues);
    }
  }

  for (const exception of merged.exceptions) {
    const key = keyOf(exception);
    const declared = merged.settings.has(key) || merged.expected_differences.has(key);
    checkException(exception, merged.settings.get(key), names, declared ? () => false : isIgnored, issues);
  }
  return issues;
}

/** Each declared application's `settings` and `expected_differences`, as merged sections are. */
function applicationScopes(
  merged: MergedBaseline,
): { readonly settings: ReadonlyMap<string, Declared>; readonly differences: ReadonlyMap<string, Declared> }[] {
  return [...merged.applications.values()].map((application) => ({
    settings: applicationSection(application, 'settings'),
    differences: applicationSection(application, 'expected_differences'),
  }));
}

interface Names {
  readonly environments: ReadonlySet<string>;
  readonly tiers: ReadonlySet<string>;
}

function checkSetting(setting: Declared, names: Names, issues: BaselineIssue[]): void {
  const spec = setting.value;
  if (!isRecord(spec)) return;
  const at = (...rest: (string | number)[]): DocumentPath => [...setting.path, ...rest];

  if (isRecord(spec.environments)) {
    for (const name of Object.keys(spec.environments)) {
      if (names.environments.has(name)) continue;
      const hint = names.tiers.has(name) ? `; "${name}" is a tier: declare it under tiers` : '';
      issues.push(unknownEnvironment(setting.document, at('environments', name), name, names, hint));
    }
  }
  if (isRecord(spec.tiers)) {
    for (const name of Object.keys(spec.tiers)) {
      if (names.tiers.has(name)) continue;
      const suggestion = didYouMean(name, names.tiers);
      const hint = names.environments.has(name) ? `; "${name}" is an environment: declare it under environments` : '';
      issues.push(
        issueAt(setting.document, at('tiers', name), 'unknown-tier', `unknown tier "${name}"${didYouMeanText(suggestion)}${hint}`, {
          target: 'key',
          expected: `one of ${[...names.tiers].join(', ')}`,
          suggestion,
        }),
      );
    }
  }
  if (isRecord(spec.constraints)) {
    for (const [name, scoped] of Object.entries(spec.constraints)) {
      if (!names.environments.has(name) && !names.tiers.has(name)) {
        issues.push(unknownEnvironmentOrTier(setting.document, at('constraints', name), name, names));
      }
      if (isRecord(scoped)) checkRange(setting.document, at('constraints', name), scoped, issues);
    }
  }
  checkRange(setting.document, setting.path, spec, issues);

  if (spec.secret !== true) return;
  for (const field of VALUE_FIELDS) {
    if (spec[field] !== undefined) issues.push(secretValue(setting.document, at(field), setting.name, field));
  }
  for (const scope of ['environments', 'tiers'] as const) {
    const entries = spec[scope];
    if (!isRecord(entries)) continue;
    for (const [name, value] of Object.entries(entries)) {
      if (value !== null) issues.push(secretValue(setting.document, at(scope, name), setting.name, `${scope}.${name}`));
    }
  }
  if (isRecord(spec.constraints)) {
    for (const [name, scoped] of Object.entries(spec.constraints)) {
      if (!isRecord(scoped)) continue;
      for (const field of CONSTRAINT_VALUE_FIELDS) {
        if (scoped[field] !== undefined) {
          issues.push(secretValue(setting.document, at('constraints', name, field), setting.name, `constraints.${name}.${field}`));
        }
      }
    }
  }
}

function checkRange(document: BaselineDocument, path: DocumentPath, spec: Record<string, unknown>, issues: BaselineIssue[]): void {
  if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) {
    issues.push(
      issueAt(document, [...path, 'max'], 'conflict', `max ${spec.max} is below min ${spec.min}; expected max >= min`, {
        expected: `a number >= ${spec.min}`,
      }),
    );
  }
}

function checkExpectedDifference(difference: Declared, setting: Declared | undefined, names: Names, issues: BaselineIssue[]): void {
  if (!isRecord(difference.value)) return;
  const spec = setting !== undefined && isRecord(setting.value) ? setting.value : undefined;
  for (const [name, value] of Object.entries(difference.value)) {
    const path = [...difference.path, name];
    if (!names.environments.has(name) && !names.tiers.has(name)) {
      issues.push(unknownEnvironmentOrTier(difference.document, path, name, names));
    }
    for (const scope of ['environments', 'tiers'] as const) {
      const entries = spec?.[scope];
      if (setting === undefined || !isRecord(entries) || !Object.hasOwn(entries, name)) continue;
      const other = locate(setting.document, [...setting.path, scope, name], 'key');
      issues.push(
        issueAt(
          difference.document,
          path,
          'conflict',
          `${difference.name}.${name} is declared twice: here and as settings.${difference.name}.${scope}.${name} at ${formatLocation(other)}; keep one`,
          { target: 'key', related: [other] },
        ),
      );
    }
    if (spec?.secret === true && value !== null) {
      issues.push(secretValue(difference.document, path, difference.name, `expected_differences.${difference.name}.${name}`));
    }
  }
}

function checkException(
  exception: Declared,
  setting: Declared | undefined,
  names: Names,
  /** False for declared keys: ignore patterns apply to undeclared keys only. */
  isIgnored: (key: string) => boolean,
  issues: BaselineIssue[],
): void {
  const spec = exception.value;
  if (!isRecord(spec)) return;
  const at = (field: string): DocumentPath => [...exception.path, field];
  if (spec.environment !== undefined && spec.tier !== undefined) {
    issues.push(
      issueAt(exception.document, at('tier'), 'conflict', 'an exception applies to an environment or a tier, not both; remove one', {
        target: 'key',
        expected: 'environment or tier',
      }),
    );
  }
  if (typeof spec.environment === 'string' && !names.environments.has(spec.environment)) {
    issues.push(unknownEnvironment(exception.document, at('environment'), spec.environment, names, '', 'value'));
  }
  if (typeof spec.tier === 'string' && !names.tiers.has(spec.tier)) {
    const suggestion = didYouMean(spec.tier, names.tiers);
    issues.push(
      issueAt(exception.document, at('tier'), 'unknown-tier', `unknown tier "${spec.tier}"${didYouMeanText(suggestion)}`, {
        expected: `one of ${[...names.tiers].join(', ')}`,
        suggestion,
      }),
    );
  }
  if (typeof spec.key !== 'string') return;
  if (isIgnored(spec.key)) {
    issues.push(
      issueAt(exception.document, at('key'), 'ignored-key', `exception for ${spec.key}, which matches an ignore pattern, never applies`, {
        severity: 'warning',
      }),
    );
  }
  if (spec.value !== undefined && setting !== undefined && isRecord(setting.value) && setting.value.secret === true) {
    issues.push(secretValue(exception.document, at('value'), spec.key, 'the exception value'));
  }
}

/**
 * A warning for a declared `k8s:` key that no workload view can observe: it would never be observed,
 * so it would read as missing everywhere (or, undeclared-valued, never be judged). Names the nearest
 * valid key of the scheme.
 */
function checkObservableKey(key: string, declared: Declared | undefined, issues: BaselineIssue[]): void {
  if (declared === undefined || !key.startsWith(WORKLOAD_KEY_PREFIX)) return;
  if (OBSERVABLE_KEYS.some((observable) => observable.pattern.test(key))) return;
  const suggestion = didYouMean(
    key,
    OBSERVABLE_KEYS.flatMap((observable) => observable.examples),
  );
  issues.push(
    issueAt(
      declared.document,
      declared.path,
      'unobservable-key',
      `${key} is not a workload shape key any Kubernetes view observes, so it is never observed${didYouMeanText(suggestion)}`,
      {
        severity: 'warning',
        target: 'key',
        expected: 'a key of the workload shape scheme (README, "Workload shape keys"): k8s:replicas, k8s:resources.limits.memory, k8s:hpa.maxReplicas, ...',
        ...(suggestion === undefined ? {} : { suggestion }),
      },
    ),
  );
}

/**
 * A warning for a setting whose name looks secret, that does not say `secret`, and declares a value:
 * it is audited by presence only (the safe default), so that value is never compared. `secret: false`
 * says the name misleads (`TOKEN_TTL`); `secret: true` with the value removed says it does not.
 */
function checkImplicitSecret(key: string, setting: Declared | undefined, difference: Declared | undefined, issues: BaselineIssue[]): void {
  if (!SECRET_KEY_PATTERN.test(key)) return;
  const spec = setting?.value;
  if (isRecord(spec) && typeof spec.secret === 'boolean') return;
  const where = firstDeclaredValue(setting, difference);
  if (where === undefined) return;
  // The message never repeats the value: the name says it may be a secret.
  issues.push(
    issueAt(
      where.document,
      where.path,
      'implicit-secret',
      `${key} looks like a secret by its name, so it is audited by presence only and its declared value is never compared; ` +
        'add secret: false to compare it, or secret: true and remove the value',
      { severity: 'warning', target: 'key' },
    ),
  );
}

function firstDeclaredValue(
  setting: Declared | undefined,
  difference: Declared | undefined,
): { readonly document: BaselineDocument; readonly path: DocumentPath } | undefined {
  if (setting !== undefined) {
    const spec = setting.value;
    const at = (...rest: (string | number)[]) => ({ document: setting.document, path: [...setting.path, ...rest] });
    if (spec !== null && spec !== undefined && !isRecord(spec)) return at();
    if (isRecord(spec)) {
      for (const field of VALUE_FIELDS) if (spec[field] !== undefined) return at(field);
      for (const scope of ['environments', 'tiers'] as const) {
        const entries = spec[scope];
        if (!isRecord(entries)) continue;
        for (const [name, value] of Object.entries(entries)) if (value !== null) return at(scope, name);
      }
      if (isRecord(spec.constraints)) {
        for (const [name, scoped] of Object.entries(spec.constraints)) {
          if (!isRecord(scoped)) continue;
          for (const field of CONSTRAINT_VALUE_FIELDS) if (scoped[field] !== undefined) return at('constraints', name, field);
        }
      }
    }
  }
  if (difference !== undefined && isRecord(difference.value)) {
    for (const [name, value] of Object.entries(difference.value)) {
      if (value !== null) return { document: difference.document, path: [...difference.path, name] };
    }
  }
  return undefined;
}

function keyOf(exception: Declared): string {
  return isRecord(exception.value) && typeof exception.value.key === 'string' ? exception.value.key : '';
}

function unknownEnvironment(
  document: BaselineDocument,
  path: DocumentPath,
  name: string,
  names: Names,
  hint: string,
  target: 'key' | 'value' = 'key',
): BaselineIssue {
  const suggestion = didYouMean(name, names.environments);
  return issueAt(document, path, 'unknown-environment', `unknown environment "${name}"${didYouMeanText(suggestion)}${hint}`, {
    target,
    expected: `one of ${[...names.environments].join(', ')}`,
    suggestion,
  });
}

function unknownEnvironmentOrTier(document: BaselineDocument, path: DocumentPath, name: string, names: Names): BaselineIssue {
  const candidates = [...names.environments, ...names.tiers];
  const suggestion = didYouMean(name, candidates);
  return issueAt(document, path, 'unknown-environment', `"${name}" is neither an environment nor a tier${didYouMeanText(suggestion)}`, {
    target: 'key',
    expected: `an environment (${[...names.environments].join(', ')}) or a tier (${[...names.tiers].join(', ')})`,
    suggestion,
  });
}

function secretValue(document: BaselineDocument, path: DocumentPath, key: string, field: string): BaselineIssue {
  // The message never repeats what was written: it may be the secret itself.
  return issueAt(document, path, 'secret-value', `${key} is secret: secrets are audited by presence only, so ${field} cannot be declared; remove it`, {
    target: 'key',
  });
}

function didYouMeanText(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}
