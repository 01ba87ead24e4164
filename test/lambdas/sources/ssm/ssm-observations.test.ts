import { describe, expect, it } from 'vitest';
import { REDACTED_VALUE, ssmParametersToObservations, type SsmParameterRecord } from '../../../../lambdas/sources/ssm/ssm-observations.js';

describe('Function: ssmParametersToObservations (values withheld for secrecy)', () => {
  it('observes a record stored without its value because its key is secret as a present secret', () => {
    // Prepare: a stored state drops the value of a plain String parameter whose key is secret.
    const params: SsmParameterRecord[] = [
      { name: '/prod/api/db/password', type: 'String', version: 4, redacted: true, lastModifiedUser: 'arn:aws:iam::123456789012:user/dba' },
      { name: '/prod/api/dsn', type: 'StringList', version: 1, redacted: true },
    ];

    // Act
    const observations = ssmParametersToObservations(params, { prefix: '/prod/api/', keyStyle: 'env', region: 'eu-west-1' });

    // Assess: present (no false `missing`), secret (never compared), with its provenance.
    expect(observations.map((o) => [o.key, o.value])).toEqual([
      ['DB_PASSWORD', { kind: 'secret' }],
      ['DSN', { kind: 'secret' }],
    ]);
    expect(observations[0]?.provenance).toMatchObject({
      version: '4',
      changedBy: 'arn:aws:iam::123456789012:user/dba',
      target: { kind: 'ssm-parameter', type: 'String' },
    });
  });

  it('observes the redaction marker of an exported snapshot as a present secret, never as a value', () => {
    // Prepare
    const params: SsmParameterRecord[] = [{ name: '/prod/api/dsn', type: 'String', value: REDACTED_VALUE, version: 2 }];

    // Act
    const observations = ssmParametersToObservations(params, { prefix: '/prod/api/', keyStyle: 'env' });

    // Assess
    expect(observations.map((o) => [o.key, o.value])).toEqual([['DSN', { kind: 'secret' }]]);
  });

  it('still skips a String record that has no value and was not redacted (metadata only)', () => {
    // Prepare
    const params: SsmParameterRecord[] = [
      { name: '/prod/api/db/password', type: 'String', version: 3 },
      { name: '/prod/api/pool_size', type: 'String', version: 3, redacted: false },
    ];

    // Act
    const observations = ssmParametersToObservations(params, { prefix: '/prod/api/', keyStyle: 'env' });

    // Assess
    expect(observations).toEqual([]);
  });
});
