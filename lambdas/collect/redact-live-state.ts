import type { Baseline } from '../engine/model.js';
import type { SsmParameterRecord } from '../sources/ssm/ssm-observations.js';
import type { LiveState } from './live-state.js';
import { secretValueOf, ssmKeysOf, ssmSecrecyOf } from './secret-keys.js';

/**
 * The live state as it may be stored between scheduled runs: SSM records only, and none holding the
 * value of a secret key.
 *
 * Kubernetes objects are dropped: the next run reads only the SSM records back (EKS is always read in
 * full), and the objects carry literal env values, ConfigMap data and the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation. An SSM record whose key is secret
 * (declared `secret: true`, or a secret-looking name the baseline does not declare `secret: false`)
 * keeps what the incremental read needs, its name, type, version, dates and writer (plus the ARN,
 * tier and data type, which are not secret), and is marked `redacted`: the next read reuses it
 * unfetched while its version holds and sees the parameter as a present secret. A record whose key is
 * not secret but whose *value* is secret-shaped (`postgres://app:PASSWORD@db/app`, an `AKIA...` key)
 * is stored the same way, and since its key is not secret the next read fetches its value again: the
 * engine compares such values by a fingerprint that is never stored, so it needs the value each run.
 */
export function redactLiveState(state: LiveState, baseline: Baseline): LiveState {
  const isSecret = ssmSecrecyOf(baseline);
  const keysOf = ssmKeysOf(baseline);
  const secretValue = secretValueOf(baseline);
  const withheld = (id: string, record: SsmParameterRecord): boolean =>
    record.type !== 'SecureString' &&
    (isSecret(id, record.name) || (record.value !== undefined && secretValue(keysOf(id, record.name), record.value) !== undefined));
  const ssm: Record<string, readonly SsmParameterRecord[]> = {};
  for (const [id, records] of Object.entries(state.ssm)) {
    ssm[id] = records.map((record) => (withheld(id, record) ? redactSsmRecord(record) : record));
  }
  return { schema: state.schema, takenAt: state.takenAt, ssm, kubernetes: {} };
}

/** The record without its value, marked `redacted`; SecureString records never hold one anyway. */
export function redactSsmRecord(record: SsmParameterRecord): SsmParameterRecord {
  const { value: _value, ...rest } = record;
  return { ...rest, redacted: true };
}
