import { valuesEqual } from '../../analyse/compare-values.js';
import { impliedValueType, WORKLOAD_KEY_PREFIX } from '../../analyse/workload-keys.js';
import { settingFor } from '../../analyse/setting-for.js';
import { resolveExpected } from '../../analyse/expected-value.js';
import { isSecretKey, SECRET_KEY_PATTERN } from '../../analyse/show-value.js';
import type { ApplicationSpec, Baseline, DeclarationLocation, EnvironmentSpec, SettingSpec, ValuesOrigin } from '../../model.js';
import { detectSecret } from '../../secrets/detect-secret.js';
import { describeSecretFormat } from '../../secrets/secret-format.js';
import { optsOutOfDetection } from '../../secrets/setting-secrecy.js';
import type { BaselineFile } from '../baseline-file.js';
import type { BaselineIssue, BaselineIssueCode } from '../baseline-issue.js';
import { globToRegExp } from '../glob-to-regexp.js';
import { formatPath } from '../baseline-document.js';
import { formatLocation } from '../issue-at.js';
import type { MergedBaseline } from '../merge-baseline-files.js';
import { mergeEnvironmentValues } from './merge-values.js';
import { readValuesFile } from './read-values-file.js';
import type { ValuesEntry } from './values-entry.js';
import { normaliseValuesPath, valuesReferences } from './values-references.js';

/** The baseline with its environments' values files applied, and what was found wrong with them. */
export interface AppliedValues {
  readonly baseline: Baseline;
  /** Errors and warnings, located in the values files (or at the reference, for a file not found). */
  readonly issues: readonly BaselineIssue[];
}

/**
 * Makes each environment's values files part of its intended state: a key's value there is the
 * environment's expected value, exactly as `settings.KEY.environments.ENV` would declare it (a setting
 * is created for a key the baseline does not declare). The baseline's own rules still hold on top:
 *
 * - a value the baseline declares otherwise for the same environment (shared, per tier, per
 *   environment, or in `expected_differences`) is a `conflict`, naming both places;
 * - values that differ between environments where the contract says they must agree (an undeclared
 *   key under `unmanaged: compare` or `compare-tier`, a declared one by its `parity`) are a `conflict`;
 * - a key declared `secret`, or a value shaped like a secret, is refused (`secret-value`) at its
 *   file and line, without the value; a secret-looking name only warns (`implicit-secret`), as in the
 *   baseline, and its value is never compared;
 * - keys matching an `ignore` pattern are left out.
 *
 * Pure: `files` are the values files as text (the loaders read them; `..` rules are theirs).
 */
export function applyValuesFiles(baseline: Baseline, merged: MergedBaseline, files: readonly BaselineFile[]): AppliedValues {
  const { references, issues } = valuesReferences(merged.environments);
  if (references.length === 0) return { baseline, issues };
  const byName = new Map(files.map((file) => [normaliseValuesPath(file.name), file]));
  const perEnvironment = new Map<string, Map<string, ValuesEntry>>();
  for (const environment of baseline.environments) {
    const read = [];
    const unmapped = new Map<string, ValuesEntry['location']>();
    for (const reference of references.filter((candidate) => candidate.environment === environment.name)) {
      const file = byName.get(reference.file);
      if (file === undefined) {
        issues.push({
          code: 'values-file-missing',
          severity: 'error',
          ...reference.declaredAt,
          path: formatPath(reference.at),
          message: `values file ${reference.file} of ${environment.name} is not part of the baseline that was read`,
          expected: 'a file at that path, relative to the baseline directory (the bundle holds exactly the referenced files)',
        });
        continue;
      }
      const values = readValuesFile(reference, file);
      issues.push(...values.issues);
      for (const key of values.unmapped) unmapped.set(key, reference.declaredAt);
      read.push(values);
    }
    const entries = mergeEnvironmentValues(read);
    for (const [key, at] of unmapped) {
      if ([...entries.values()].some((entry) => entry.key === key)) continue;
      issues.push({
        code: 'values-unmapped',
        severity: 'warning',
        ...at,
        path: `keys.${key}`,
        message: `${key} is mapped, but no values file of ${environment.name} holds its path; nothing is expected of it from them`,
      });
    }
    perEnvironment.set(environment.name, entries);
  }
  const ignored = baseline.ignore.map((glob) => globToRegExp(glob));
  const byKey = new Map<string, Map<string, ValuesEntry>>();
  for (const [environment, entries] of perEnvironment) {
    for (const [key, entry] of entries) {
      if (ignored.some((pattern) => pattern.test(entry.key))) continue;
      const environments = byKey.get(key) ?? new Map<string, ValuesEntry>();
      byKey.set(key, environments);
      environments.set(environment, entry);
    }
  }

  const settings = new Map(baseline.settings);
  const applications = new Map<string, ApplicationSpec>(baseline.applications ?? []);
  const environmentsByName = new Map(baseline.environments.map((environment) => [environment.name, environment]));
  for (const environments of byKey.values()) {
    const first = [...environments.values()][0] as ValuesEntry;
    if (first.application !== undefined && !applications.has(first.application)) {
      issues.push(
        issue(
          { ...first.location, path: formatPath(first.path) },
          'invalid-value',
          `the values file names application ${first.application}, which the baseline does not declare; declare it under applications: (with its workloads) or drop application:`,
        ),
      );
      continue;
    }
    const existing = settingFor(baseline, first.key, first.application);
    const accepted = new Map<string, ValuesEntry>();
    for (const [name, entry] of environments) {
      const problem = checkEntry(entry, existing, environmentsByName.get(name) as EnvironmentSpec);
      if (problem === undefined) accepted.set(name, entry);
      else issues.push(problem);
      if (problem === undefined && entry.value !== null && existing?.secretDeclared !== true && SECRET_KEY_PATTERN.test(entry.key)) {
        issues.push({
          ...issue(
            { ...entry.location, path: formatPath(entry.path) },
            'implicit-secret',
            `${entry.key} looks secret by its name: it is audited by presence only and its value here is never compared (declare secret: false to compare it)`,
          ),
          severity: 'warning',
        });
      }
    }
    issues.push(...checkContract(baseline, existing, accepted, environmentsByName));
    if (accepted.size === 0) continue;
    const setting = withValues(first, existing, accepted, baseline.environments.length);
    if (first.application === undefined) {
      settings.set(first.key, setting);
    } else {
      const application = applications.get(first.application);
      const own = new Map(application?.settings ?? []);
      own.set(first.key, setting);
      applications.set(first.application, { name: first.application, workloads: application?.workloads ?? [], ...application, settings: own });
    }
  }
  return { baseline: { ...baseline, settings, applications }, issues };
}

/** A refusal (secret, or a declaration that says otherwise), or undefined when the entry stands. */
function checkEntry(entry: ValuesEntry, setting: SettingSpec | undefined, environment: EnvironmentSpec): BaselineIssue | undefined {
  const at = { ...entry.location, path: formatPath(entry.path) };
  if (setting?.secret === true && setting.secretDeclared === true && entry.value !== null) {
    return issue(
      at,
      'secret-value',
      `${entry.key} is declared secret: secrets are audited by presence only, so a values file cannot hold its value; remove it`,
    );
  }
  const format = entry.value === null || optsOutOfDetection(setting) ? undefined : detectSecret(entry.value);
  if (format !== undefined) {
    return issue(
      at,
      'secret-value',
      `the value of ${entry.key} looks like ${describeSecretFormat(format)}; a values file in git must not hold secrets: keep it in a secret store and declare ${entry.key} secret: true (or secret: false if it is not one)`,
    );
  }
  if (setting === undefined) return undefined;
  const declared = resolveExpected(setting, environment);
  if (declared.value === undefined || sameValue(declared.value, entry.value, entry.key, setting)) return undefined;
  const where = setting.location === undefined ? 'the baseline' : formatLocation(setting.location);
  const secret = isSecretKey(entry.key, setting);
  const values = secret ? '' : ` (${show(entry.value)} here, ${show(declared.value)} there)`;
  return issue(
    at,
    'conflict',
    `${entry.key} in ${environment.name} differs from its ${declared.from === 'shared' ? 'shared value' : `${declared.from} value`} declared at ${where}${values}; make the two agree or declare it in one place`,
    setting.location,
  );
}

/** Differences between environments' values the contract does not allow. */
function checkContract(
  baseline: Baseline,
  setting: SettingSpec | undefined,
  entries: ReadonlyMap<string, ValuesEntry>,
  environments: ReadonlyMap<string, EnvironmentSpec>,
): BaselineIssue[] {
  const sample = entries.values().next().value;
  const rule = sample === undefined ? 'none' : contractRule(baseline, setting, sample.key);
  if (rule === 'none') return [];
  const issues: BaselineIssue[] = [];
  const reference = new Map<string, ValuesEntry>();
  for (const [name, entry] of entries) {
    const group = rule === 'tier' ? (environments.get(name)?.tier ?? name) : '';
    const first = reference.get(group);
    if (first === undefined) {
      reference.set(group, entry);
      continue;
    }
    if (sameValue(first.value, entry.value, entry.key, setting)) continue;
    const secret = isSecretKey(entry.key, setting);
    const values = secret ? '' : ` (${show(entry.value)} here, ${show(first.value)} there)`;
    const why =
      setting === undefined
        ? `the contract (unmanaged: ${baseline.unmanaged.policy}) wants keys it does not list identical ${rule === 'tier' ? 'within a tier' : 'everywhere'}`
        : `its setting wants ${rule === 'tier' ? 'environments of a tier' : 'every environment'} to agree (parity: ${setting.parity})`;
    issues.push(
      issue(
        { ...entry.location, path: formatPath(entry.path) },
        'conflict',
        `${entry.key} differs from ${formatLocation(first.location)}${values}, and ${why}; declare the difference under expected_differences or make the files agree`,
        first.location,
      ),
    );
  }
  return issues;
}

/**
 * Two values of a key equal as the engine compares them live: by the setting's declared type, else
 * the type the key implies (quantities for `k8s:resources.*`); `null` (absent) only equals `null`.
 */
function sameValue(a: string | null, b: string | null, key: string, setting: SettingSpec | undefined): boolean {
  if (a === null || b === null) return a === b;
  return valuesEqual(a, b, setting?.constraints.type ?? impliedValueType(key));
}

/** Which environments must agree on a key whose values come from values files. */
function contractRule(baseline: Baseline, setting: SettingSpec | undefined, key: string): 'all' | 'tier' | 'none' {
  if (setting === undefined) {
    const policy = baseline.unmanaged.policy;
    // Undeclared workload shape keys are compared within a tier, as the engine compares them live:
    // staging's replicas and memory are not production's business.
    if (key.startsWith(WORKLOAD_KEY_PREFIX)) return policy === 'ignore' ? 'none' : 'tier';
    return policy === 'compare' ? 'all' : policy === 'compare-tier' ? 'tier' : 'none';
  }
  // A setting that declares values per environment or tier has declared its differences.
  if (Object.keys(setting.perEnvironment).length > 0 || Object.keys(setting.perTier).length > 0) return 'none';
  return setting.parity;
}

/** The setting with the files' values as its per-environment (or, when every environment agrees, shared) values. */
function withValues(first: ValuesEntry, existing: SettingSpec | undefined, entries: ReadonlyMap<string, ValuesEntry>, environmentCount: number): SettingSpec {
  const perEnvironment: Record<string, string | null> = { ...(existing?.perEnvironment ?? {}) };
  const origins: Record<string, ValuesOrigin> = { ...(existing?.valuesOrigins ?? {}) };
  const values = new Set([...entries.values()].map((entry) => entry.value));
  const shared = existing?.value === undefined && entries.size === environmentCount && values.size === 1 ? [...values][0] : undefined;
  for (const [name, entry] of entries) {
    if (typeof shared !== 'string') perEnvironment[name] = entry.value;
    origins[name] = { ...entry.location, path: entry.path, format: entry.format };
  }
  const base: SettingSpec = existing ?? {
    key: first.key,
    perEnvironment: {},
    perTier: {},
    constraints: {},
    scopedConstraints: {},
    secret: SECRET_KEY_PATTERN.test(first.key),
    required: true,
    parity: 'tier',
    location: first.location,
  };
  return {
    ...base,
    ...(first.application === undefined ? {} : { application: first.application }),
    ...(typeof shared === 'string' ? { value: shared } : {}),
    perEnvironment,
    // Values files declare values, so the key is required, unless the baseline declared a value and still said otherwise.
    required: existing === undefined || existing.required || !declaresAnyValue(existing),
    valuesOrigins: origins,
  };
}

function declaresAnyValue(setting: SettingSpec): boolean {
  return setting.value !== undefined || Object.keys(setting.perEnvironment).length > 0 || Object.keys(setting.perTier).length > 0;
}

function issue(
  at: Pick<BaselineIssue, 'file' | 'line' | 'column' | 'path'>,
  code: BaselineIssueCode,
  message: string,
  related?: DeclarationLocation,
): BaselineIssue {
  return { code, severity: 'error', ...at, message, ...(related === undefined ? {} : { related: [related] }) };
}

function show(value: string | null): string {
  return value === null ? 'absent' : JSON.stringify(value);
}
