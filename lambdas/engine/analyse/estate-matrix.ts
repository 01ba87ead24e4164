/**
 * The estate as a keys x environments matrix: the value each application reads for each key in each
 * environment, with what the baseline declares there and what the audit found. Pure: the report
 * renders it, nothing here knows of HTML or AWS.
 */
import type { AuditResult, Baseline, Finding, SettingSpec, Severity, ShownValue, Snapshot, SourceLayer } from '../model.js';
import { SEVERITIES } from '../model.js';
import { settingIsSecret } from '../secrets/setting-secrecy.js';
import { withSecretsDetected } from '../secrets/detect-observations.js';
import { buildEnvironmentContexts, compareText, isBlocked, observationsOf, type EnvironmentContext } from './environment-context.js';
import { resolveExpected } from './expected-value.js';
import { settingFor } from './setting-for.js';
import { ABSENT_SHOWN, SECRET_SHOWN, shownText } from './show-value.js';

/**
 * What one cell says: `ok` (as declared, or undeclared and no finding), `declared` (a declared
 * expected difference holds: the environment's or tier's own value), `drift` (a finding is about
 * this key here), `absent` (every source was read and none holds it), `unknown` (a source that
 * could hold it, or override it, was not read: never drift, never absent).
 */
export type MatrixCellState = 'ok' | 'declared' | 'drift' | 'absent' | 'unknown';

/** One key in one environment. */
export interface MatrixCell {
  readonly state: MatrixCellState;
  /** The effective value (the winning observation); absent when no source holds the key. */
  readonly value?: ShownValue;
  /** The layer the effective value came from. */
  readonly layer?: SourceLayer;
  /** What the baseline wants here, when it declares something (`(absent)` for "must be absent"). */
  readonly expected?: ShownValue;
  /** True when the expectation is this environment's or tier's own: a declared expected difference. */
  readonly declaredDifference: boolean;
  /** Worst severity of the findings about this cell (drift only). */
  readonly severity?: Severity;
  /** Ids of the findings about this cell, sorted. */
  readonly findingIds: readonly string[];
}

/** One application's key across the audited environments. */
export interface MatrixRow {
  readonly key: string;
  readonly application?: string;
  /** Values are `[secret]` everywhere in the row: the key is secret, or some environment holds it as one. */
  readonly secret: boolean;
  /** True when the row is not plainly the same everywhere: drift, a declared difference, unknown, or unequal values. */
  readonly differing: boolean;
  /** By environment name, one per column. */
  readonly cells: Readonly<Record<string, MatrixCell>>;
}

/** A column of the matrix. */
export interface MatrixColumn {
  readonly environment: string;
  readonly tier: string;
  readonly region?: string;
}

/** The keys x environments matrix of one audit. */
export interface EstateMatrix {
  /** In baseline declaration order. */
  readonly columns: readonly MatrixColumn[];
  /** By application, then key; when rows were left out, the differing ones are kept first. */
  readonly rows: readonly MatrixRow[];
  /** Rows left out to keep the report bounded (plain rows first, never a differing one before them). */
  readonly omittedRows: number;
}

/** What {@link estateMatrix} reads: the audit's inputs and its verdict. */
export interface EstateMatrixInput {
  readonly baseline: Baseline;
  readonly snapshots: readonly Snapshot[];
  readonly result: Pick<AuditResult, 'findings'>;
  /** Most rows kept; an estate of many thousand keys still gives a report a browser opens. @default 2000 */
  readonly maxRows?: number;
}

/** Default bound on the matrix rows of one report. */
export const DEFAULT_MATRIX_ROWS = 2000;

/** Finding types that are about one key's value in an environment (not an image, a pod or a source). */
const KEY_FINDING_TYPES: ReadonlySet<Finding['type']> = new Set([
  'changed',
  'missing',
  'unmanaged',
  'parity',
  'invalid',
  'shadowed',
  'secret-version',
  'exception-expired',
]);

/**
 * Builds the matrix: one row per (application, key) that any environment's sources hold or any
 * key finding names, one column per declared environment. Secret values are withheld exactly as
 * the engine withholds them (declared secret, secret-looking name, or a secret-shaped value seen in
 * any environment), so the matrix shows `[secret]` wherever a finding would.
 */
export function estateMatrix(input: EstateMatrixInput): EstateMatrix {
  const { baseline } = input;
  const snapshots = withSecretsDetected(input.snapshots, baseline);
  // Every row is a "declared" key of the grouping index, so grouping a million observations puts each
  // in an array slot by two Map lookups and allocates no key string per observation.
  const index = new Map<string | undefined, Map<string, { readonly index: number }>>();
  const rowKeys: { key: string; application: string | undefined }[] = [];
  const addRow = (application: string | undefined, key: string): void => {
    let keys = index.get(application);
    if (keys === undefined) {
      keys = new Map();
      index.set(application, keys);
    }
    if (!keys.has(key)) {
      keys.set(key, { index: rowKeys.length });
      rowKeys.push({ key, application });
    }
  };
  for (const snapshot of snapshots) for (const o of snapshot.observations) addRow(o.application, o.key);
  const findingsByCell = new Map<string, Finding[]>();
  for (const finding of input.result.findings) {
    if (!KEY_FINDING_TYPES.has(finding.type)) continue;
    addRow(finding.application, finding.key);
    for (const environment of finding.environment.split('+')) {
      const id = cellId(environment, finding.application, finding.key);
      const list = findingsByCell.get(id) ?? [];
      list.push(finding);
      findingsByCell.set(id, list);
    }
  }

  const contexts = new Map<string, EnvironmentContext>();
  for (const context of buildEnvironmentContexts(baseline, snapshots, index)) contexts.set(context.spec.name, context);
  const columns: MatrixColumn[] = baseline.environments.map((env) => ({
    environment: env.name,
    tier: env.tier,
    ...(env.region === undefined ? {} : { region: env.region }),
  }));
  const environments = baseline.environments.map((env) => ({ env, context: contexts.get(env.name) }));
  const withFindings = new Set<string>();
  for (const id of findingsByCell.keys()) withFindings.add(id.slice(id.indexOf('\u0000') + 1));

  // Two passes: whether each row differs (no allocation per cell: a clean estate of a million values
  // allocates nothing here), then the cells of the rows kept, at most `maxRows` of them.
  const plans = [...rowKeys].sort(compareRows).map(({ key, application }) => {
    const setting = settingFor(baseline, key, application);
    const secret = settingIsSecret(key, setting) || environments.some(({ context }) => context !== undefined && hasSecret(context, application, key));
    const differing = withFindings.has(rowId(application, key)) || differs(environments, application, key, setting, secret);
    return { key, application, setting, secret, differing };
  });
  const maxRows = input.maxRows ?? DEFAULT_MATRIX_ROWS;
  const differingCount = plans.filter((plan) => plan.differing).length;
  let plainLeft = Math.max(0, maxRows - differingCount);
  let differingLeft = maxRows;
  const rows: MatrixRow[] = [];
  for (const plan of plans) {
    if (plan.differing ? differingLeft-- <= 0 : plainLeft-- <= 0) continue;
    const { key, application, setting, secret } = plan;
    const cells: Record<string, MatrixCell> = {};
    for (const { env, context } of environments) {
      const winner = context === undefined ? undefined : observationsOf(context, application, key)[0];
      const declared = setting === undefined ? undefined : resolveExpected(setting, env);
      const expected = declared?.value === undefined ? undefined : declared.value === null ? ABSENT_SHOWN : shownText(declared.value, secret);
      const findings = findingsByCell.get(cellId(env.name, application, key)) ?? [];
      const severity = worst(findings);
      const declaredDifference = declared?.from === 'environment' || declared?.from === 'tier';
      const unknown = context === undefined || (winner === undefined ? !context.complete : isBlocked(context, winner));
      const state: MatrixCellState =
        findings.length > 0
          ? 'drift'
          : unknown
            ? 'unknown'
            : winner === undefined && declared?.value !== null
              ? 'absent'
              : declaredDifference
                ? 'declared'
                : 'ok';
      cells[env.name] = {
        state,
        ...(winner === undefined
          ? {}
          : { value: secret || winner.value.kind === 'secret' ? SECRET_SHOWN : shownText(winner.value.value, false), layer: winner.provenance.layer }),
        ...(expected === undefined ? {} : { expected }),
        declaredDifference,
        ...(severity === undefined ? {} : { severity }),
        findingIds: findings.map((f) => f.id).sort(compareText),
      };
    }
    rows.push({ key, ...(application === undefined ? {} : { application }), secret, differing: plan.differing, cells });
  }
  return { columns, rows, omittedRows: plans.length - rows.length };
}

type Column = { readonly env: Baseline['environments'][number]; readonly context: EnvironmentContext | undefined };

function hasSecret(context: EnvironmentContext, application: string | undefined, key: string): boolean {
  for (const o of observationsOf(context, application, key)) if (o.value.kind === 'secret') return true;
  return false;
}

/**
 * A row without findings differs when a cell is unknown or a declared difference, or when the
 * effective values are not all the same (secrets: present in some environments only).
 */
function differs(columns: readonly Column[], application: string | undefined, key: string, setting: SettingSpec | undefined, secret: boolean): boolean {
  let first: string | undefined;
  for (const [i, { env, context }] of columns.entries()) {
    if (context === undefined) return true;
    const winner = observationsOf(context, application, key)[0];
    if (winner === undefined ? !context.complete : isBlocked(context, winner)) return true;
    if (setting !== undefined) {
      const from = resolveExpected(setting, env).from;
      if (from === 'environment' || from === 'tier') return true;
    }
    const text = winner === undefined ? '\u0000absent' : secret || winner.value.kind === 'secret' ? '\u0000secret' : winner.value.value;
    if (i === 0) first = text;
    else if (text !== first) return true;
  }
  return false;
}

function worst(findings: readonly Finding[]): Severity | undefined {
  let best: Severity | undefined;
  for (const f of findings) if (best === undefined || SEVERITIES.indexOf(f.severity) > SEVERITIES.indexOf(best)) best = f.severity;
  return best;
}

function rowId(application: string | undefined, key: string): string {
  return `${application ?? ''}\u0000${key}`;
}

function cellId(environment: string, application: string | undefined, key: string): string {
  return `${environment}\u0000${rowId(application, key)}`;
}

function compareRows(a: { key: string; application: string | undefined }, b: { key: string; application: string | undefined }): number {
  return compareText(a.application ?? '', b.application ?? '') || compareText(a.key, b.key);
}
