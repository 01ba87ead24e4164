import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { mergeSsmRecords, parseSsmDescribe, parseSsmExport } from '../../../../lambdas/sources/files/parse-ssm-export.js';
import { SnapshotFileError } from '../../../../lambdas/sources/files/snapshot-file-error.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/snapshots/', import.meta.url));
const read = (path: string) => readFileSync(`${FIXTURES}${path}`, 'utf8');

function thrown(action: () => unknown): SnapshotFileError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotFileError);
    return error as SnapshotFileError;
  }
  throw new Error('expected a SnapshotFileError');
}

describe('Function: parseSsmExport', () => {
  const records = parseSsmExport(read('estate/production-eu/ssm.json'), 'production-eu/ssm.json');

  it('reads get-parameters-by-path output, sorted by name, with ISO dates normalised', () => {
    expect(records.map((record) => record.name)).toEqual([
      '/production-eu/api/allowed_origins',
      '/production-eu/api/database/pool_size',
      '/production-eu/api/database/timeout',
      '/production-eu/api/payment/gateway-url',
      '/production-eu/api/stripe/api_key',
      '/production-eu/worker/concurrency',
    ]);
    expect(records[1]).toEqual({
      name: '/production-eu/api/database/pool_size',
      type: 'String',
      value: '10',
      version: 3,
      lastModifiedDate: '2026-10-02T03:14:07.123Z',
      arn: 'arn:aws:ssm:eu-west-1:345678901234:parameter/production-eu/api/database/pool_size',
      dataType: 'text',
    });
  });

  it('accepts LastModifiedDate as epoch seconds', () => {
    expect(records[2]?.lastModifiedDate).toBe('2026-09-22T03:00:00.500Z');
  });

  it('drops the Value of a SecureString at once', () => {
    expect(records[4]).not.toHaveProperty('value');
    expect(JSON.stringify(records)).not.toContain('SECRET-CANARY-SSM');
  });

  it('reports a syntax error by file, line and column without quoting the file', () => {
    const error = thrown(() => parseSsmExport(read('broken/ssm-syntax.json'), 'broken/ssm-syntax.json'));

    expect(error.code).toBe('parse-error');
    expect(error.position).toEqual({ line: 7, column: 13 });
    expect(error.message).toBe("broken/ssm-syntax.json:7:13: cannot parse JSON: expected ',' or '}' after a property value");
    expect(error.message).not.toContain('SECRET-CANARY');
  });

  it('reports every invalid entry at once, locating the first', () => {
    const error = thrown(() => parseSsmExport(read('broken/ssm-invalid.json'), 'broken/ssm-invalid.json'));

    expect(error.code).toBe('invalid-content');
    expect(error.position).toEqual({ line: 8, column: 9 });
    expect(error.message).toBe(
      'broken/ssm-invalid.json:8:9: Parameters[1].Name must be a non-empty string; Parameters[2].Type must be String, StringList or SecureString',
    );
  });

  it('rejects a document that is not an export', () => {
    const error = thrown(() => parseSsmExport('{"Items": []}', 'x.json'));

    expect(error.code).toBe('invalid-content');
    expect(error.message).toContain('aws ssm get-parameters-by-path');
  });
});

describe('Function: mergeSsmRecords', () => {
  const exported = parseSsmExport(read('estate/production-eu/ssm.json'), 'ssm.json');
  const described = parseSsmDescribe(read('estate/production-eu/ssm-describe.json'), 'ssm-describe.json');

  it('adds LastModifiedUser and Tier from describe-parameters to exported values, by name', () => {
    const { records } = mergeSsmRecords(exported, described);

    expect(records.find((record) => record.name.endsWith('pool_size'))).toMatchObject({
      value: '10',
      version: 3,
      lastModifiedUser: 'arn:aws:iam::345678901234:user/oncall-bob',
      tier: 'Standard',
    });
  });

  it('does not blame the describe output user for another version of the value', () => {
    const { records, warnings } = mergeSsmRecords(exported, described);

    expect(records.find((record) => record.name.endsWith('database/timeout'))).not.toHaveProperty('lastModifiedUser');
    expect(warnings).toEqual(['/production-eu/api/database/timeout: export has version 2 but describe-parameters has 1; LastModifiedUser not used']);
  });

  it('keeps SecureStrings only the describe output knows, with no value', () => {
    const { records } = mergeSsmRecords(exported, described);

    expect(records.find((record) => record.name.endsWith('signing_secret'))).toMatchObject({ type: 'SecureString', version: 2, tier: 'Advanced' });
  });

  it('treats a parameter as secret when either file says SecureString, and drops its value', () => {
    const { records } = mergeSsmRecords(
      [{ name: '/a/b', type: 'String', value: 'leaked-if-kept', version: 1 }],
      [{ name: '/a/b', type: 'SecureString', version: 1 }],
    );

    expect(records).toEqual([{ name: '/a/b', type: 'SecureString', version: 1 }]);
  });
});
