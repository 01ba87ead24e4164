import { explainPods, type ExplainedPod } from './explain-pods.js';
import type {
  Baseline,
  Constraints,
  DeclarationLocation,
  Finding,
  Provenance,
  SettingSpec,
  Severity,
  ShownValue,
  Snapshot,
  SourceLayer,
  SourceStatus,
} from '../model.js';
import { analyse, type AnalyseInput } from './analyse.js';
import { attribute } from './attribution.js';
import { buildEnvironmentContexts, observationsOf, singleSettingIndex } from './environment-context.js';
import { UnknownEnvironmentError } from './errors.js';
import { exceptionCovers, indexExceptions } from './exception-index.js';
import { resolveExpected, type ExpectedSource } from './expected-value.js';
import { lookUpKey, UnknownKeyError } from './key-lookup.js';
import { didYouMean } from '../baseline/did-you-mean.js';
import { constraintsFor } from './setting-plan.js';
import { ABSENT_SHOWN, SECRET_SHOWN, shownText } from './show-value.js';
import { withSecretsDetected } from '../secrets/detect-observations.js';
import type { SecretFormat } from '../secrets/secret-format.js';
import { settingIsSecret } from '../secrets/setting-secrecy.js';
import { settingFor } from './setting-for.js';

/** Where the expected value shown in an explanation comes from; `exception` when an active exception applies. */
export type ExpectedFrom = ExpectedSource | 'exception';

/** One source's value for the key, as the application would see it. */
export interface ExplainedObservation {
  readonly layer: SourceLayer;
  readonly value: ShownValue;
  /** With `outOfBand` set by the engine. */
  readonly provenance: Provenance;
  /** True for the one observation the application reads. */
  readonly effective: boolean;
  /**
   * Set when the platform, not the declared precedence, decided that the process never sees this value:
   * the rule that did (Kubernetes: an env entry beats envFrom; a later envFrom source wins).
   */
  readonly overriddenBy?: string;
}

/** What the baseline declares about the key (or that it declares nothing). */
export interface ExplainedSetting {
  readonly declared: boolean;
  /** Values are shown as `[secret]`: declared secret, a secret observation, or a secret-looking name. */
  readonly secret: boolean;
  /**
   * The secret shape an observed value has, when that (rather than a declaration, the source or the
   * name) is why its values are withheld: tells people why, and that `secret: false` opts out.
   */
  readonly detected?: SecretFormat;
  readonly required: boolean;
  readonly parity: SettingSpec['parity'];
  readonly severity?: Severity;
  /** Global constraints merged with the tier's and the environment's. */
  readonly constraints: Constraints;
  readonly layer?: SourceLayer;
  readonly location?: DeclarationLocation;
}

/** An exception that covers the key in this environment. */
export interface ExplainedException {
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
  readonly active: boolean;
  /** The deviating value allowed; absent when any value is. */
  readonly value?: ShownValue;
  readonly location?: DeclarationLocation;
}

/** Everything known about one key in one environment: the seed's "hours of debugging in minutes". */
export interface Explanation {
  readonly environment: string;
  readonly tier: string;
  /** The application whose key is explained; absent for a key of no application. */
  readonly application?: string;
  readonly key: string;
  readonly setting: ExplainedSetting;
  /** What the baseline (or an active exception) wants here; absent when nothing is declared. */
  readonly expected?: ShownValue;
  readonly expectedFrom: ExpectedFrom;
  /** The environment's layers, highest precedence first (the order `observations` are in). */
  readonly precedence: readonly SourceLayer[];
  /** Every source's value, highest precedence first; the winner is marked `effective`. */
  readonly observations: readonly ExplainedObservation[];
  /** The value the application reads; absent when no source holds the key. */
  readonly effective?: ShownValue;
  /** Exceptions covering the key here, most specific first. */
  readonly exceptions: readonly ExplainedException[];
  /** False when a source of the environment failed (or it was not read): absence proves nothing then. */
  readonly complete: boolean;
  /** Sources of the environment that could not be read. */
  readonly failedSources: readonly SourceStatus[];
  /** Findings about the key in this environment, plus the environment's source errors. */
  readonly findings: readonly Finding[];
  /**
   * The application's running pods in the environment, when the snapshot holds them: when each
   * started and whether it can still hold the value its source had then (env is read at start).
   */
  readonly pods: readonly ExplainedPod[];
}

/** What `explain` needs: an audit's inputs plus the environment and key to explain. */
export interface ExplainInput extends AnalyseInput {
  readonly environment: string;
  readonly key: string;
  /** The application whose key to explain; needed only when several applications read or declare the key. */
  readonly application?: string;
}

/** Several applications read or declare the key, and the caller did not say which one it means. */
export class AmbiguousApplicationError extends Error {
  readonly key: string;
  readonly applications: readonly string[];

  constructor(key: string, applications: readonly string[]) {
    super(`${key} is read or declared by ${applications.length} applications (${applications.join(', ')}); say which one with --app`);
    this.name = 'AmbiguousApplicationError';
    this.key = key;
    this.applications = applications;
  }
}

/**
 * The applications that read `key` in any snapshot or declare it (sorted; undefined stands for
 * observations of no application), so a caller can resolve or suggest one.
 */
export function applicationsOfKey(baseline: Baseline, snapshots: readonly Snapshot[], key: string): (string | undefined)[] {
  const found = new Set<string | undefined>();
  for (const snapshot of snapshots) for (const o of snapshot.observations) if (o.key === key) found.add(o.application);
  for (const application of baseline.applications?.values() ?? []) if (application.settings.has(key)) found.add(application.name);
  return [...found].sort((a, b) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0));
}

/**
 * Explains one key in one environment: every source's value in precedence order, the effective one,
 * what the baseline expects and from where, the exceptions, and the findings.
 *
 * Runs the real analysis narrowed to the key (every environment kept, so parity and shadowing are
 * judged exactly as `analyse` judges them), so an explanation can never disagree with a scan.
 *
 * @throws UnknownEnvironmentError listing the known environments when `environment` is not declared.
 * @throws UnknownKeyError with the closest known key when `key` is neither declared nor held by any
 *   source (see {@link lookUpKey}); a declared key absent everywhere is explained as absent.
 */
export function explain(input: ExplainInput): Explanation {
  const { baseline, environment, key } = input;
  const spec = baseline.environments.find((env) => env.name === environment);
  if (spec === undefined)
    throw new UnknownEnvironmentError(
      environment,
      baseline.environments.map((env) => env.name),
    );
  const lookup = lookUpKey(input, key);
  if (!lookup.known) {
    const unread = input.snapshots.flatMap((snapshot) => snapshot.sources).filter((source) => source.status !== 'ok').length;
    throw new UnknownKeyError(key, lookup.suggestion, unread);
  }
  const application = resolveApplication(input);
  const own = application === undefined ? undefined : baseline.applications?.get(application)?.settings.get(key);
  const shared = baseline.settings.get(key);
  const setting = settingFor(baseline, key, application);
  const narrowedApplications = new Map(
    [...(baseline.applications ?? new Map())].map(([name, app]) => [
      name,
      { ...app, settings: new Map(name === application && own !== undefined ? [[key, own]] : []) },
    ]),
  );
  const narrowed: Baseline = {
    ...baseline,
    settings: new Map(
      shared === undefined || own !== undefined ? [] : [[key, application === undefined ? shared : { ...shared, applications: [application] }]],
    ),
    applications: narrowedApplications,
    exceptions: baseline.exceptions.filter(
      (exception) => exception.key === key && (exception.application === undefined || exception.application === application),
    ),
  };
  // Detected here as in `analyse`, so the observations listed are the ones the findings were judged on.
  const snapshots: readonly Snapshot[] = withSecretsDetected(
    input.snapshots.map((snapshot) => ({
      ...snapshot,
      observations: snapshot.observations.filter((observation) => observation.key === key && observation.application === application),
      images: [],
    })),
    narrowed,
  );
  const result = analyse({ baseline: narrowed, snapshots, now: input.now });
  const findings = result.findings.filter(
    (finding) =>
      finding.environment.split('+').includes(environment) && ((finding.key === key && finding.application === application) || finding.type === 'source-error'),
  );

  const index = setting === undefined ? new Map() : singleSettingIndex(application, key);
  const env = buildEnvironmentContexts(narrowed, snapshots, index).find((context) => context.spec.name === environment);
  const ordered = env === undefined ? [] : observationsOf(env, application, key);
  const secret = settingIsSecret(key, setting) || ordered.some((o) => o.value.kind === 'secret');
  const detected = ordered.map((o) => (o.value.kind === 'secret' ? o.value.detected : undefined)).find((format) => format !== undefined);
  const observations: ExplainedObservation[] = ordered.map((observation, index) => ({
    layer: observation.provenance.layer,
    value: secret || observation.value.kind === 'secret' ? SECRET_SHOWN : shownText(observation.value.value, false),
    provenance: attribute(observation.provenance, baseline.attribution),
    effective: index === 0,
    ...(observation.overriddenBy === undefined ? {} : { overriddenBy: observation.overriddenBy }),
  }));

  const exceptions = [...(indexExceptions(narrowed.exceptions, input.now).get(key) ?? [])].filter((e) => exceptionCovers(e.spec, spec));
  const declared = setting === undefined ? undefined : resolveExpected(setting, spec);
  const activeException = exceptions.find((e) => e.active);
  let expected: ShownValue | undefined;
  let expectedFrom: ExpectedFrom = declared?.from ?? 'undeclared';
  if (declared !== undefined && declared.value !== undefined) {
    expected = declared.value === null ? ABSENT_SHOWN : shownText(declared.value, secret);
  }
  if (activeException !== undefined) {
    expectedFrom = 'exception';
    if (activeException.spec.value !== undefined) expected = shownText(activeException.spec.value, secret);
  }

  const effective = observations[0]?.value;
  const pods = explainPods(
    baseline,
    spec,
    input.snapshots.find((snapshot) => snapshot.environment === environment),
    application,
    key,
  );
  return {
    environment,
    tier: spec.tier,
    ...(application === undefined ? {} : { application }),
    key,
    setting: {
      declared: setting !== undefined,
      secret,
      ...(detected === undefined ? {} : { detected }),
      required: setting?.required ?? false,
      parity: setting?.parity ?? 'none',
      ...(setting === undefined ? {} : { severity: setting.severity ?? baseline.defaultSeverity }),
      constraints: setting === undefined ? {} : constraintsFor(setting, spec.name, spec.tier),
      ...(setting?.layer === undefined ? {} : { layer: setting.layer }),
      // Where this environment's expectation is written: its values file (`config/production.yaml:12`) when one holds it.
      ...optionalLocation(declaredAt(setting, spec.name, expectedFrom)),
    },
    ...(expected === undefined ? {} : { expected }),
    expectedFrom,
    precedence: [...spec.precedence].reverse(),
    observations,
    ...(effective === undefined ? {} : { effective }),
    exceptions: exceptions.map((e) => ({
      owner: e.spec.owner,
      reason: e.spec.reason,
      expires: e.spec.expires,
      active: e.active,
      ...(e.spec.value === undefined ? {} : { value: shownText(e.spec.value, secret) }),
      ...(e.spec.location === undefined ? {} : { location: e.spec.location }),
    })),
    complete: env?.complete ?? false,
    failedSources: env === undefined ? [] : env.sources.filter((source) => source.status !== 'ok'),
    findings: [...findings, ...staleFindingsOf(result.findings, environment, application, pods)],
    pods,
  };
}

/**
 * The `stale` findings about the pods that need a restart to see this key's current value: a stale
 * finding is about a workload (its key names the workload and the changed source), so it is matched
 * by the pods it lists.
 */
function staleFindingsOf(findings: readonly Finding[], environment: string, application: string | undefined, pods: readonly ExplainedPod[]): Finding[] {
  const lagging = new Set(pods.filter((pod) => pod.restartNeeded).map((pod) => `pod/${pod.name}`));
  if (lagging.size === 0) return [];
  return findings.filter(
    (finding) =>
      finding.type === 'stale' &&
      finding.environment === environment &&
      finding.application === application &&
      finding.provenance.some((provenance) => lagging.has(provenance.location)),
  );
}

/** The values file line an environment's expected value comes from, else the setting's declaration. */
function declaredAt(setting: SettingSpec | undefined, environment: string, from: ExpectedFrom): DeclarationLocation | undefined {
  const origin = from === 'exception' ? undefined : setting?.valuesOrigins?.[environment];
  if (origin === undefined) return setting?.location;
  return { file: origin.file, line: origin.line, column: origin.column };
}

function optionalLocation(location: DeclarationLocation | undefined): { location?: DeclarationLocation } {
  return location === undefined ? {} : { location };
}

/** `--app` names an application that neither the baseline declares nor any source shows running. */
export class UnknownApplicationError extends Error {
  constructor(
    readonly application: string,
    suggestion: string | undefined,
  ) {
    super(`unknown application ${application}: neither declared nor running anywhere${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`);
    this.name = 'UnknownApplicationError';
  }
}

/** The application asked for, else the only one reading or declaring the key (undefined: none does). */
function resolveApplication(input: ExplainInput): string | undefined {
  if (input.application !== undefined) {
    const known = new Set<string>(input.baseline.applications?.keys() ?? []);
    for (const snapshot of input.snapshots) {
      for (const observation of snapshot.observations) if (observation.application !== undefined) known.add(observation.application);
      for (const image of snapshot.images) if (image.application !== undefined) known.add(image.application);
    }
    if (!known.has(input.application)) throw new UnknownApplicationError(input.application, didYouMean(input.application, [...known]));
    return input.application;
  }
  const candidates = applicationsOfKey(input.baseline, input.snapshots, input.key);
  if (candidates.length <= 1) return candidates[0];
  // Several read the key somewhere: the one that reads it in the environment asked about, if only one does.
  const here = new Set<string | undefined>();
  for (const snapshot of input.snapshots) {
    if (snapshot.environment !== input.environment) continue;
    for (const observation of snapshot.observations) if (observation.key === input.key) here.add(observation.application);
  }
  if (here.size === 1) return [...here][0];
  throw new AmbiguousApplicationError(
    input.key,
    candidates.map((candidate) => candidate ?? '(none)'),
  );
}
