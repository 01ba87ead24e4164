import type { Baseline } from '../../engine/model.js';
import { secretValueOf } from '../../collect/secret-keys.js';
import type { SsmParameterRecord } from './ssm-observations.js';
import { ssmKeysOf, ssmSecrecyOf } from './ssm-secret-keys.js';

/**
 * The SSM part of the live state as it may be stored between scheduled runs: no record holds the value
 * of a secret key. A record whose key is secret (declared `secret: true`, or a secret-looking name the
 * baseline does not declare `secret: false`) keeps what the incremental read needs, its name, type,
 * version, dates and writer (plus the ARN, tier and data type, which are not secret), and is marked
 * `redacted`: the next read reuses it unfetched while its version holds and sees the parameter as a
 * present secret. A record whose key is not secret but whose *value* is secret-shaped
 * (`postgres://app:PASSWORD@db/app`, an `AKIA...` key) is stored the same way, and since its key is
 * not secret the next read fetches its value again: the engine compares such values by a fingerprint
 * that is never stored, so it needs the value each run.
 */
export function persistSsmRecords(part: Readonly<Record<string, unknown>>, baseline: Baseline): Record<string, readonly SsmParameterRecord[]> {
  const isSecret = ssmSecrecyOf(baseline);
  const keysOf = ssmKeysOf(baseline);
  const secretValue = secretValueOf(baseline);
  const withheld = (id: string, record: SsmParameterRecord): boolean =>
    record.type !== 'SecureString' &&
    (isSecret(id, record.name) || (record.value !== undefined && secretValue(keysOf(id, record.name), record.value) !== undefined));
  const ssm: Record<string, readonly SsmParameterRecord[]> = {};
  // This kind's own state part: the records its reads returned.
  for (const [id, records] of Object.entries(part as Readonly<Record<string, readonly SsmParameterRecord[]>>)) {
    ssm[id] = records.map((record) => (withheld(id, record) ? redactSsmRecord(record) : record));
  }
  return ssm;
}

/** The record without its value, marked `redacted`; SecureString records never hold one anyway. */
export function redactSsmRecord(record: SsmParameterRecord): SsmParameterRecord {
  const { value: _value, ...rest } = record;
  return { ...rest, redacted: true };
}
