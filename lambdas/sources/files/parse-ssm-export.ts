import { asRecord } from '../kubernetes/unknown-shape.js';
import type { SsmParameterRecord } from '../ssm/ssm-observations.js';
import { parseJsonText } from './parse-structured-text.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { positionOfPath } from './text-position.js';

const PARAMETER_TYPES = new Set<string>(['String', 'StringList', 'SecureString']);

/**
 * Reads `aws ssm get-parameters-by-path --recursive --output json` output into parameter records.
 *
 * SecureString values are dropped here, at the edge: whether the export holds ciphertext or (with
 * `--with-decryption`) clear text, it is never held past this function. `LastModifiedDate` may be an
 * ISO string (AWS CLI v2) or epoch seconds (CLI v1, raw API JSON).
 * @throws SnapshotFileError `parse-error` or `invalid-content`, located by line and column
 */
export function parseSsmExport(text: string, file: string): SsmParameterRecord[] {
  return ssmParametersFromJson(parseJsonText(text, file), file, text, 'export');
}

/**
 * Reads `aws ssm describe-parameters --output json` output: metadata only (no values), notably
 * `LastModifiedUser`, which the export lacks.
 * @throws SnapshotFileError `parse-error` or `invalid-content`, located by line and column
 */
export function parseSsmDescribe(text: string, file: string): SsmParameterRecord[] {
  return ssmParametersFromJson(parseJsonText(text, file), file, text, 'describe');
}

/**
 * Validates a parsed export (`kind: 'export'`) or describe output and returns its records sorted by name.
 *
 * Every invalid entry is reported at once, the first one located.
 * @param text the source, used only to locate errors
 */
export function ssmParametersFromJson(value: unknown, file: string, text: string | undefined, kind: 'export' | 'describe'): SsmParameterRecord[] {
  const root = asRecord(value);
  const parameters = root?.['Parameters'];
  if (!Array.isArray(parameters)) {
    const command = kind === 'export' ? 'get-parameters-by-path' : 'describe-parameters';
    const reason = `expected {"Parameters": [...]} as \`aws ssm ${command} --output json\` writes it`;
    throw new SnapshotFileError('invalid-content', file, reason, { ...locate(text, ['Parameters']) });
  }
  const records: SsmParameterRecord[] = [];
  const problems: { index: number; field: string; reason: string }[] = [];
  parameters.forEach((item, index) => {
    const record = toRecord(item, kind, (field, reason) => problems.push({ index, field, reason }));
    if (record !== undefined) records.push(record);
  });
  const first = problems[0];
  if (first !== undefined) {
    const listed = problems.map((problem) => `Parameters[${problem.index}]${problem.field ? `.${problem.field}` : ''} ${problem.reason}`).join('; ');
    const path = first.field ? ['Parameters', first.index, first.field] : ['Parameters', first.index];
    throw new SnapshotFileError('invalid-content', file, listed, { ...locate(text, path) });
  }
  return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Result of {@link mergeSsmRecords}. */
export interface MergedSsmRecords {
  /** Value records enriched with metadata, then metadata-only records, sorted by name. */
  readonly records: SsmParameterRecord[];
  readonly warnings: string[];
}

/**
 * Merges describe-parameters metadata into exported values by name.
 *
 * The export supplies value and version; the describe output supplies `LastModifiedUser` and `Tier`.
 * When both name a version and they differ, the two were taken at different times: the describe
 * output's user and date belong to another version, so they are not used (a warning says so) rather
 * than blaming the wrong person. If either says SecureString, the parameter is a secret.
 * Metadata-only records (no export entry) are kept: a SecureString needs no value to be audited.
 */
export function mergeSsmRecords(values: readonly SsmParameterRecord[], metadata: readonly SsmParameterRecord[]): MergedSsmRecords {
  const byName = new Map(metadata.map((record) => [record.name, record]));
  const warnings: string[] = [];
  const records: SsmParameterRecord[] = values.map((valued) => {
    const described = byName.get(valued.name);
    if (described === undefined) return valued;
    byName.delete(valued.name);
    const secure = valued.type === 'SecureString' || described.type === 'SecureString';
    const type = secure ? 'SecureString' : valued.type;
    const sameVersion = valued.version === undefined || described.version === undefined || valued.version === described.version;
    if (!sameVersion) {
      warnings.push(`${valued.name}: export has version ${valued.version} but describe-parameters has ${described.version}; LastModifiedUser not used`);
    }
    const { value, ...rest } = valued;
    return {
      ...rest,
      type,
      ...(secure || value === undefined ? {} : { value }),
      ...(sameVersion && described.lastModifiedUser !== undefined ? { lastModifiedUser: described.lastModifiedUser } : {}),
      ...(valued.lastModifiedDate === undefined && sameVersion && described.lastModifiedDate !== undefined
        ? { lastModifiedDate: described.lastModifiedDate }
        : {}),
      ...(valued.version === undefined && described.version !== undefined ? { version: described.version } : {}),
      ...(valued.arn === undefined && described.arn !== undefined ? { arn: described.arn } : {}),
      ...(described.tier !== undefined ? { tier: described.tier } : {}),
    };
  });
  records.push(...byName.values());
  return { records: records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), warnings };
}

function toRecord(item: unknown, kind: 'export' | 'describe', problem: (field: string, reason: string) => void): SsmParameterRecord | undefined {
  const entry = asRecord(item);
  if (entry === undefined) {
    problem('', 'is not an object');
    return undefined;
  }
  const name = entry['Name'];
  const type = entry['Type'];
  if (typeof name !== 'string' || name === '') problem('Name', 'must be a non-empty string');
  if (typeof type !== 'string' || !PARAMETER_TYPES.has(type)) problem('Type', 'must be String, StringList or SecureString');
  const value = optionalString(entry, 'Value', problem);
  if (kind === 'export' && type !== 'SecureString' && value === undefined) problem('Value', 'is missing');
  const version = entry['Version'];
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version))) {
    problem('Version', 'must be an integer');
  }
  const lastModifiedDate = toIsoDate(entry['LastModifiedDate'], problem);
  const lastModifiedUser = optionalString(entry, 'LastModifiedUser', problem);
  const arn = optionalString(entry, 'ARN', problem);
  const tier = optionalString(entry, 'Tier', problem);
  const dataType = optionalString(entry, 'DataType', problem);
  if (typeof name !== 'string' || typeof type !== 'string' || !PARAMETER_TYPES.has(type)) return undefined;
  const parameterType = type as SsmParameterRecord['type'];
  return {
    name,
    type: parameterType,
    // Never keep a SecureString value, ciphertext or not.
    ...(parameterType !== 'SecureString' && value !== undefined ? { value } : {}),
    ...(typeof version === 'number' ? { version } : {}),
    ...(lastModifiedDate === undefined ? {} : { lastModifiedDate }),
    ...(lastModifiedUser === undefined ? {} : { lastModifiedUser }),
    ...(arn === undefined ? {} : { arn }),
    ...(tier === undefined ? {} : { tier }),
    ...(dataType === undefined ? {} : { dataType }),
  };
}

function optionalString(entry: Readonly<Record<string, unknown>>, field: string, problem: (field: string, reason: string) => void): string | undefined {
  const value = entry[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problem(field, 'must be a string');
    return undefined;
  }
  return value;
}

/** ISO strings as the AWS CLI v2 prints them, or epoch seconds as CLI v1 and the raw API JSON do. */
function toIsoDate(value: unknown, problem: (field: string, reason: string) => void): string | undefined {
  if (value === undefined || value === null) return undefined;
  const time = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(time)) {
    problem('LastModifiedDate', 'must be an ISO 8601 date or epoch seconds');
    return undefined;
  }
  return new Date(time).toISOString();
}

function locate(text: string | undefined, path: readonly (string | number)[]) {
  const position = text === undefined ? undefined : positionOfPath(text, path);
  return position === undefined ? {} : { position };
}
