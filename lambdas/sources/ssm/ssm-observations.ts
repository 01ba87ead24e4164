import type { KeyStyle, Observation, Provenance, SourceLayer } from '../../engine/model.js';

/**
 * One SSM parameter as read from the API (live) or from an `aws ssm` JSON export (offline).
 *
 * The live SSM source and the file source both reduce their input to this shape, so the mapping to
 * observations (and the secret handling) exists once.
 */
export interface SsmParameterRecord {
  readonly name: string;
  readonly type: 'String' | 'StringList' | 'SecureString';
  /**
   * Never read for SecureString; absent when only metadata is known (`describe-parameters`) or when
   * the value was withheld because the key is secret (`redacted`).
   */
  readonly value?: string;
  /**
   * The parameter exists with this version but its value was dropped before the record was stored,
   * because its key is secret (declared or secret-looking). Read back as a `{ kind: 'secret' }`
   * observation: a secret key is audited by presence only, so nothing is lost, and a stored state or
   * snapshot never holds the value of a plain `String` parameter named `db_password`.
   */
  readonly redacted?: boolean;
  readonly version?: number;
  /** ISO 8601. */
  readonly lastModifiedDate?: string;
  /** IAM principal ARN of the last writer (DescribeParameters only). */
  readonly lastModifiedUser?: string;
  readonly arn?: string;
  readonly tier?: string;
  readonly dataType?: string;
}

/** How {@link ssmParametersToObservations} maps names to keys and labels the observations. */
export interface SsmObservationOptions {
  /** Path prefix the parameters were read under: `/production-eu/api/` (the trailing slash is optional). */
  readonly prefix: string;
  readonly keyStyle: KeyStyle;
  /** Used when the parameter has no ARN to take them from. */
  readonly region?: string;
  readonly account?: string;
  /** The snapshot file the records came from, when offline. */
  readonly file?: string;
  /**
   * Layer the observations are placed in.
   * @default 'ssm'
   */
  readonly layer?: SourceLayer;
  /** The application that reads the tree; set on every observation. */
  readonly application?: string;
}

/**
 * Written in an exported snapshot (`Value` of `ssm.json`, literal env and ConfigMap values of
 * `kubernetes.json`) in place of a value whose key is secret. An SSM parameter holding it is read back
 * as a secret observation, so the key stays present (no false `missing`) and the marker is never
 * compared as if it were the value.
 */
export const REDACTED_VALUE = '[redacted by drift-audit]';

/** ARN partition, region and account: `arn:aws:ssm:eu-west-1:123456789012:parameter/...`. */
const SSM_ARN = /^arn:[^:]+:ssm:([^:]*):([^:]*):parameter\//;

/**
 * Turns a parameter name relative to its prefix into a logical key.
 *
 * `env` follows how applications expose parameters as environment variables (`database/pool_size`
 * -> `DATABASE_POOL_SIZE`); `relative` keeps the name so hierarchical baselines stay readable.
 */
export function toLogicalKey(relativeName: string, style: KeyStyle): string {
  if (style === 'relative') return relativeName;
  return relativeName.replace(/[./-]/g, '_').toUpperCase();
}

/** Normalises a path prefix to end with exactly one `/` (`/prod/api` and `/prod/api/` are the same tree). */
export function normaliseSsmPrefix(prefix: string): string {
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Maps SSM parameters under `prefix` to observations in the `ssm` layer.
 *
 * Parameters outside the prefix are skipped (a recursive read of a wider path must not invent keys).
 * SecureString parameters always become `{ kind: 'secret' }` whatever `value` holds, so a decrypted or
 * ciphertext value can never travel further; so do records whose value was withheld because their key
 * is secret (`redacted`, or the {@link REDACTED_VALUE} marker of an exported snapshot): the parameter
 * is there, and a secret key is audited by presence only. Other String parameters without a value
 * (metadata only) are skipped: there is nothing to compare, and an empty string would be a false drift.
 * Output is sorted by key for determinism.
 */
export function ssmParametersToObservations(params: readonly SsmParameterRecord[], options: SsmObservationOptions): Observation[] {
  const prefix = normaliseSsmPrefix(options.prefix);
  const observations: Observation[] = [];
  for (const param of params) {
    if (!param.name.startsWith(prefix) || param.name.length === prefix.length) continue;
    const secret = param.type === 'SecureString' || isRedacted(param);
    if (!secret && param.value === undefined) continue;
    const key = toLogicalKey(param.name.slice(prefix.length), options.keyStyle);
    observations.push({
      key,
      ...(options.application === undefined ? {} : { application: options.application }),
      value: secret ? { kind: 'secret' } : { kind: 'plain', value: param.value ?? '' },
      provenance: ssmProvenance(param, options),
    });
  }
  return observations.sort((a, b) => compare(a.key, b.key) || compare(a.provenance.location, b.provenance.location));
}

/** True when the record stands for a parameter whose value was withheld because its key is secret. */
export function isRedacted(param: Pick<SsmParameterRecord, 'redacted' | 'value'>): boolean {
  return param.redacted === true || param.value === REDACTED_VALUE;
}

function ssmProvenance(param: SsmParameterRecord, options: SsmObservationOptions): Provenance {
  const fromArn = param.arn === undefined ? undefined : SSM_ARN.exec(param.arn);
  const region = fromArn?.[1] || options.region;
  const account = fromArn?.[2] || options.account;
  const changedAt = normaliseTimestamp(param.lastModifiedDate);
  return {
    source: 'ssm',
    layer: options.layer ?? 'ssm',
    location: param.arn ?? param.name,
    ...(options.file === undefined ? {} : { file: options.file }),
    ...(param.version === undefined ? {} : { version: String(param.version) }),
    ...(changedAt === undefined ? {} : { changedAt }),
    ...(param.lastModifiedUser === undefined ? {} : { changedBy: param.lastModifiedUser }),
    ...(region === undefined ? {} : { region }),
    ...(account === undefined ? {} : { account }),
    target: { kind: 'ssm-parameter', name: param.name, type: param.type },
  };
}

/** `2026-07-02T03:14:07.000000+00:00` (AWS CLI) and `...Z` (SDK) compare equal once normalised. */
function normaliseTimestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
