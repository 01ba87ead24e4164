import { isScalar, type Document } from 'yaml';
import {
  DEFAULT_PRECEDENCE,
  type ApplicationSpec,
  type Baseline,
  type Constraints,
  type EnvironmentSpec,
  type ExceptionSpec,
  type SettingSpec,
  type SourceSpec,
} from '../model.js';
import { sourceKinds } from '../../sources/registry.js';
import { SECRET_KEY_PATTERN } from '../analyse/show-value.js';
import { locate, nodeAt, type BaselineDocument, type DocumentPath } from './baseline-document.js';
import type {
  ApplicationInput,
  AttributionInput,
  ConstraintsInput,
  DefaultsInput,
  EnvironmentInput,
  ExceptionInput,
  ImagesInput,
  ScalarInput,
  SettingInput,
  SettingObjectInput,
} from './baseline-schema.js';
import { applicationSection, type Declared, type MergedBaseline } from './merge-baseline-files.js';
import { normaliseFedFrom } from './normalise-fed-from.js';

/** Kubernetes field managers that mean "changed by hand", unless the baseline says otherwise. */
export const DEFAULT_OUT_OF_BAND_MANAGERS: readonly string[] = ['kubectl-set', 'kubectl-edit', 'kubectl-patch', 'kubectl-scale'];

/**
 * Builds the engine's `Baseline` from merged sections that passed validation: shorthands expanded,
 * expected differences routed to environments or tiers, defaults filled, scalars turned into strings
 * as written (`1.50` stays `1.50`), settings sorted by key, environments in declaration order.
 * A setting's `secret` is always resolved here: as written, else whether its name looks secret, so
 * the engine never has to guess from a declared key's name.
 *
 * Only call it when validation found no error: it trusts the shapes the schema checked.
 */
export function normaliseBaseline(merged: MergedBaseline, files: readonly string[]): Baseline {
  // Validated by baselineFileSchema before this runs; the casts restate what the schema proved.
  const defaults = sectionObject(merged.defaults) as DefaultsInput;
  const attribution = sectionObject(merged.attribution) as AttributionInput;
  const images = sectionObject(merged.images) as ImagesInput;
  const precedence = defaults.precedence ?? DEFAULT_PRECEDENCE;

  const environmentNames = new Set(merged.environments.keys());
  const applications = new Map<string, ApplicationSpec>();
  for (const entry of merged.applications.values()) {
    applications.set(entry.name, normaliseApplication(entry, environmentNames));
  }
  const workloadApplications = containerApplications(applications);
  const environments = [...merged.environments.values()].map((entry) =>
    normaliseEnvironment(entry.name, entry.value as EnvironmentInput, precedence, [...applications.keys()], workloadApplications),
  );
  const settings = normaliseSettings(merged.settings, merged.expected_differences, environmentNames);
  const policy = defaults.unmanaged ?? 'compare';

  return {
    environments,
    settings,
    ignore: merged.ignore.map((entry) => entry.value as string),
    unmanaged: {
      policy,
      // A difference from the contract is drift someone must look at; an unowned key is a smell.
      severity: defaults.unmanaged_severity ?? (policy === 'report' ? 'low' : 'medium'),
    },
    exceptions: merged.exceptions.map(normaliseException),
    defaultSeverity: defaults.severity ?? 'medium',
    attribution: {
      outOfBandManagers: attribution.out_of_band_managers ?? DEFAULT_OUT_OF_BAND_MANAGERS,
      pipelinePrincipals: attribution.pipeline_principals ?? [],
    },
    files,
    images: { parity: images.parity ?? 'all' },
    applications,
  };
}

function normaliseSettings(
  declared: ReadonlyMap<string, Declared>,
  differences: ReadonlyMap<string, Declared>,
  environmentNames: ReadonlySet<string>,
  application?: string,
): Map<string, SettingSpec> {
  const keys = [...new Set([...declared.keys(), ...differences.keys()])].sort(compareText);
  const settings = new Map<string, SettingSpec>();
  for (const key of keys) {
    const setting = normaliseSetting(key, declared.get(key), differences.get(key), environmentNames);
    settings.set(key, application === undefined ? setting : { ...setting, application });
  }
  return settings;
}

function normaliseApplication(entry: Declared, environmentNames: ReadonlySet<string>): ApplicationSpec {
  const input = (entry.value ?? {}) as ApplicationInput;
  return {
    name: entry.name,
    workloads: input.workloads ?? [],
    settings: normaliseSettings(applicationSection(entry, 'settings'), applicationSection(entry, 'expected_differences'), environmentNames, entry.name),
    location: locate(entry.document, entry.path, 'key'),
  };
}

/** `deployment/api-server[/container]` -> application, from every declared application's workloads. */
function containerApplications(applications: ReadonlyMap<string, ApplicationSpec>): Readonly<Record<string, string>> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const application of applications.values()) {
    for (const workload of application.workloads) out[workload] = application.name;
  }
  return out;
}

function sectionObject(section: ReadonlyMap<string, Declared>): Record<string, unknown> {
  return Object.fromEntries([...section].map(([name, entry]) => [name, entry.value]));
}

function normaliseEnvironment(
  name: string,
  input: EnvironmentInput,
  precedence: EnvironmentSpec['precedence'],
  declaredApplications: readonly string[],
  workloadApplications: Readonly<Record<string, string>>,
): EnvironmentSpec {
  const sources: SourceSpec[] = [];
  const environment = { name, tier: input.tier };
  const mapped = Object.keys(workloadApplications).length > 0 ? { workloadApplications } : {};
  // Each kind's section, in registry order; a kind may build on the specs of the kinds before it.
  const sections = (input.sources ?? {}) as Readonly<Record<string, readonly unknown[] | undefined>>;
  for (const kind of sourceKinds.all) {
    const parameterTreeApplications = sources.flatMap((spec) =>
      sourceKinds.of(spec)?.placementPrefix?.(spec) === undefined ? [] : ['application' in spec ? spec.application : undefined],
    );
    const context = { environment, declaredApplications, parameterTreeApplications, ...mapped };
    sources.push(...kind.baseline.normalise(sections[kind.baseline.section] ?? [], context));
  }
  return {
    name,
    tier: input.tier,
    ...optional('account', input.account === undefined ? undefined : String(input.account)),
    ...optional('region', input.region),
    ...optional('roleArn', input.role_arn),
    precedence: input.precedence ?? precedence,
    sources,
  };
}

function normaliseSetting(key: string, declared: Declared | undefined, difference: Declared | undefined, environmentNames: ReadonlySet<string>): SettingSpec {
  const raw = declared?.value as SettingInput | undefined;
  const isShorthand = raw !== undefined && raw !== null && typeof raw !== 'object';
  const spec: SettingObjectInput = raw === undefined || raw === null ? {} : typeof raw === 'object' ? raw : { value: raw };
  const document = declared?.document;
  const at = (...rest: (string | number)[]): DocumentPath => [...(declared?.path ?? []), ...rest];

  const value = spec.value === undefined || document === undefined ? undefined : scalarText(document, isShorthand ? at() : at('value'), spec.value);

  const perEnvironment: Record<string, string | null> = {};
  const perTier: Record<string, string | null> = {};
  for (const [name, expected] of Object.entries(spec.environments ?? {})) {
    perEnvironment[name] = nullableText(document, at('environments', name), expected);
  }
  for (const [name, expected] of Object.entries(spec.tiers ?? {})) {
    perTier[name] = nullableText(document, at('tiers', name), expected);
  }
  if (difference !== undefined) {
    for (const [name, expected] of Object.entries(difference.value as Record<string, ScalarInput | null>)) {
      const text = nullableText(difference.document, [...difference.path, name], expected);
      // An environment name wins over a tier of the same name: it is the more specific reading.
      if (environmentNames.has(name)) perEnvironment[name] = text;
      else perTier[name] = text;
    }
  }

  const scopedConstraints: Record<string, Constraints> = {};
  for (const [scope, constraints] of Object.entries(spec.constraints ?? {})) {
    scopedConstraints[scope] = normaliseConstraints(constraints, document, at('constraints', scope));
  }

  const declaresValue =
    value !== undefined || Object.values(perEnvironment).some((expected) => expected !== null) || Object.values(perTier).some((expected) => expected !== null);
  const location =
    declared !== undefined
      ? locate(declared.document, declared.path, 'key')
      : difference !== undefined
        ? locate(difference.document, difference.path, 'key')
        : undefined;

  return {
    key,
    ...optional('value', value),
    perEnvironment,
    perTier,
    constraints: normaliseConstraints(spec, document, at()),
    scopedConstraints,
    ...optional('severity', spec.severity),
    // Unsaid, a secret-looking name stays secret (the safe default); `secret: false` opts out.
    secret: spec.secret ?? SECRET_KEY_PATTERN.test(key),
    ...optional('secretDeclared', spec.secret === undefined ? undefined : true),
    required: spec.required ?? declaresValue,
    parity: spec.parity ?? 'tier',
    ...optional('layer', spec.layer),
    ...optional('fedFrom', normaliseFedFrom(spec.fed_from, document, at('fed_from'))),
    ...optional('applications', spec.applications),
    ...(declared === undefined && difference !== undefined ? { contractOnly: true } : {}),
    ...optional('location', location),
  };
}

function normaliseConstraints(input: ConstraintsInput, document: BaselineDocument | undefined, path: DocumentPath): Constraints {
  return {
    ...optional('type', input.type),
    ...optional(
      'enum',
      input.enum?.map((item, index) => (document === undefined ? String(item) : scalarText(document, [...path, 'enum', index], item))),
    ),
    ...optional('min', input.min),
    ...optional('max', input.max),
    ...optional('pattern', input.pattern),
  };
}

function normaliseException(entry: Declared): ExceptionSpec {
  const input = entry.value as ExceptionInput;
  return {
    key: input.key,
    ...optional('application', input.application),
    ...optional('environment', input.environment),
    ...optional('tier', input.tier),
    ...optional('value', input.value === undefined ? undefined : scalarText(entry.document, [...entry.path, 'value'], input.value)),
    owner: input.owner,
    reason: input.reason,
    expires: input.expires,
    location: locate(entry.document, entry.path, 'value'),
  };
}

function nullableText(document: BaselineDocument | undefined, path: DocumentPath, value: ScalarInput | null): string | null {
  if (value === null) return null;
  return document === undefined ? String(value) : scalarText(document, path, value);
}

/**
 * A scalar as the person wrote it: a plain `1.50` or `0x10` stays as typed rather than becoming
 * `1.5` or `16`, because live values are strings and are compared with what the baseline says.
 */
export function scalarText(document: { readonly doc: Document }, path: DocumentPath, value: ScalarInput): string {
  if (typeof value === 'string') return value;
  const node = nodeAt(document, path)?.node;
  if (isScalar(node) && node.type === 'PLAIN' && typeof node.source === 'string' && node.source !== '') return node.source;
  return String(value);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** Code-unit order: the same on every machine and locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
