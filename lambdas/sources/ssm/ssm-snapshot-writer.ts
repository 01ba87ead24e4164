import type { SsmSourceSpec } from '../../engine/model.js';
import type { SnapshotWriter } from '../source-kind.js';
import { isRedacted, REDACTED_VALUE, type SsmParameterRecord } from './ssm-observations.js';
import { ssmKeysOf, ssmSecrecyOf } from './ssm-secret-keys.js';

/**
 * Writes an environment's SSM records as `ssm.json` (as `aws ssm get-parameters-by-path --output
 * json` prints it) and `ssm-describe.json` (as `aws ssm describe-parameters` prints it: who changed
 * what), and lists the prefixes read in the manifest so names map to keys offline as they did live.
 * SecureString records carry no value; a String or StringList parameter with a secret key is written
 * with the {@link REDACTED_VALUE} marker, a secret-shaped value with the write's fingerprinted marker.
 */
export const ssmSnapshotWriter: SnapshotWriter<SsmSourceSpec> = {
  write(specs, { baseline, state, withheld }) {
    const ssmSecret = ssmSecrecyOf(baseline);
    const ssmKeys = ssmKeysOf(baseline);
    const manifest = { ssmPrefixes: specs.map((spec) => ({ path: spec.path, keyStyle: spec.keyStyle })) };
    if (specs.length === 0) return { files: [], manifest };
    const records = Object.entries(state)
      // This kind's own state part: the records its reads returned.
      .flatMap(([id, list]) =>
        (list as readonly SsmParameterRecord[]).map((record) => {
          const secret = record.type !== 'SecureString' && (isRedacted(record) || ssmSecret(id, record.name));
          const marker = secret || record.value === undefined ? undefined : withheld(ssmKeys(id, record.name), record.value);
          return { record: marker === undefined ? record : { ...record, value: marker }, secret };
        }),
      )
      .sort((a, b) => a.record.name.localeCompare(b.record.name));
    return {
      files: [
        { name: 'ssm.json', json: { Parameters: records.map(({ record, secret }) => toExportParameter(record, secret)) } },
        { name: 'ssm-describe.json', json: { Parameters: records.map(({ record }) => toDescribeParameter(record)) } },
      ],
      manifest,
    };
  },
};

function toExportParameter(record: SsmParameterRecord, secret: boolean): Record<string, unknown> {
  return compact({
    Name: record.name,
    Type: record.type,
    // SecureString values are never read, so there is nothing to write; a secret key's value is withheld.
    Value: record.type === 'SecureString' ? undefined : secret ? REDACTED_VALUE : record.value,
    Version: record.version,
    LastModifiedDate: record.lastModifiedDate,
    ARN: record.arn,
    DataType: record.dataType,
  });
}

function toDescribeParameter(record: SsmParameterRecord): Record<string, unknown> {
  return compact({
    Name: record.name,
    ARN: record.arn,
    Type: record.type,
    LastModifiedDate: record.lastModifiedDate,
    LastModifiedUser: record.lastModifiedUser,
    Version: record.version,
    Tier: record.tier,
    DataType: record.dataType,
  });
}

function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
