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
import { buildEnvironmentContexts, observationsOf } from './environment-context.js';
import { UnknownEnvironmentError } from './errors.js';
import { exceptionCovers, indexExceptions } from './exception-index.js';
import { resolveExpected, type ExpectedSource } from './expected-value.js';
import { constraintsFor } from './setting-plan.js';
import { ABSENT_SHOWN, isSecretKey, SECRET_SHOWN, shownText } from './show-value.js';
import { withSecretsDetected } from '../secrets/detect-observations.js';
import type { SecretFormat } from '../secrets/secret-format.js';
import { declaresSecretValue } from '../secrets/setting-secrecy.js';

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
}

/** What `explain` needs: an audit's inputs plus the environment and key to explain. */
export interface ExplainInput extends AnalyseInput {
  readonly environment: string;
  readonly key: string;
}

/**
 * Explains one key in one environment: every source's value in precedence order, the effective one,
 * what the baseline expects and from where, the exceptions, and the findings.
 *
 * Runs the real analysis narrowed to the key (every environment kept, so parity and shadowing are
 * judged exactly as `analyse` judges them), so an explanation can never disagree with a scan.
 *
 * @throws UnknownEnvironmentError listing the known environments when `environment` is not declared.
 */
export function explain(input: ExplainInput): Explanation {
  const { baseline, environment, key } = input;
  const spec = baseline.environments.find((env) => env.name === environment);
  if (spec === undefined) throw new UnknownEnvironmentError(environment, baseline.environments.map((env) => env.name));
  const setting = baseline.settings.get(key);
  const narrowed: Baseline = {
    ...baseline,
    settings: new Map(setting === undefined ? [] : [[key, setting]]),
    exceptions: baseline.exceptions.filter((exception) => exception.key === key),
  };
  // Detected here as in `analyse`, so the observations listed are the ones the findings were judged on.
  const snapshots: readonly Snapshot[] = withSecretsDetected(
    input.snapshots.map((snapshot) => ({
      ...snapshot,
      observations: snapshot.observations.filter((observation) => observation.key === key),
      images: [],
    })),
    narrowed,
  );
  const result = analyse({ baseline: narrowed, snapshots, now: input.now });
  const findings = result.findings.filter(
    (finding) => finding.environment === environment && (finding.key === key || finding.type === 'source-error'),
  );

  const env = buildEnvironmentContexts(narrowed, snapshots, new Map(setting === undefined ? [] : [[key, { index: 0 }]])).find((context) => context.spec.name === environment);
  const ordered = env === undefined ? [] : observationsOf(env, key);
  const secret =
    isSecretKey(key, setting) || (setting !== undefined && declaresSecretValue(setting)) || ordered.some((o) => o.value.kind === 'secret');
  const detected = ordered.map((o) => (o.value.kind === 'secret' ? o.value.detected : undefined)).find((format) => format !== undefined);
  const observations: ExplainedObservation[] = ordered.map((observation, index) => ({
    layer: observation.provenance.layer,
    value: secret || observation.value.kind === 'secret' ? SECRET_SHOWN : shownText(observation.value.value, false),
    provenance: attribute(observation.provenance, baseline.attribution),
    effective: index === 0,
  }));

  const exceptions = [...(indexExceptions(narrowed.exceptions, input.now).get(key) ?? [])].filter((e) =>
    exceptionCovers(e.spec, spec),
  );
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
  return {
    environment,
    tier: spec.tier,
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
      ...(setting?.location === undefined ? {} : { location: setting.location }),
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
    findings,
  };
}
