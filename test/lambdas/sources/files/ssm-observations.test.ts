import { describe, expect, it } from 'vitest';
import { ssmParametersToObservations, toLogicalKey, type SsmParameterRecord } from '../../../../lambdas/sources/ssm/ssm-observations.js';

const SSM_CANARY = 'SECRET-CANARY-SSM-decrypted-value';

describe('Function: toLogicalKey', () => {
  it('keeps the relative name in relative style', () => {
    expect(toLogicalKey('database/pool_size', 'relative')).toBe('database/pool_size');
  });

  it('writes upper snake case in env style, turning . / - into _', () => {
    expect(toLogicalKey('database/pool_size', 'env')).toBe('DATABASE_POOL_SIZE');
    expect(toLogicalKey('payment.gateway-url', 'env')).toBe('PAYMENT_GATEWAY_URL');
  });
});

describe('Function: ssmParametersToObservations', () => {
  const params: SsmParameterRecord[] = [
    {
      name: '/prod/api/database/pool_size',
      type: 'String',
      value: '25',
      version: 2,
      lastModifiedDate: '2026-05-20T14:02:00.000000+00:00',
      lastModifiedUser: 'arn:aws:iam::123456789012:user/dba-ravi',
      arn: 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api/database/pool_size',
    },
    { name: '/prod/api/stripe/api_key', type: 'SecureString', value: SSM_CANARY, version: 5 },
    { name: '/prod/worker/threads', type: 'String', value: '8' },
    { name: '/prod/api', type: 'String', value: 'the prefix itself is not a key' },
    { name: '/prod/api/metadata_only', type: 'String', version: 3 },
  ];

  it('maps names under the prefix to env-style keys with full provenance', () => {
    // Act
    const observations = ssmParametersToObservations(params, { prefix: '/prod/api/', keyStyle: 'env', region: 'eu-west-1', file: 'prod/ssm.json' });

    // Assess
    expect(observations.map((o) => o.key)).toEqual(['DATABASE_POOL_SIZE', 'STRIPE_API_KEY']);
    expect(observations[0]).toEqual({
      key: 'DATABASE_POOL_SIZE',
      value: { kind: 'plain', value: '25' },
      provenance: {
        source: 'ssm',
        layer: 'ssm',
        location: 'arn:aws:ssm:us-east-1:123456789012:parameter/prod/api/database/pool_size',
        file: 'prod/ssm.json',
        version: '2',
        changedAt: '2026-05-20T14:02:00.000Z',
        changedBy: 'arn:aws:iam::123456789012:user/dba-ravi',
        // The ARN is the truth about where the parameter lives.
        region: 'us-east-1',
        account: '123456789012',
        target: { kind: 'ssm-parameter', name: '/prod/api/database/pool_size', type: 'String' },
      },
    });
  });

  it('turns a SecureString into a secret whatever value it carries, located by name without an ARN', () => {
    const observations = ssmParametersToObservations(params, { prefix: '/prod/api', keyStyle: 'relative', region: 'eu-west-1', account: '345678901234' });
    const secret = observations.find((o) => o.key === 'stripe/api_key');

    expect(secret?.value).toEqual({ kind: 'secret' });
    expect(secret?.provenance).toMatchObject({ location: '/prod/api/stripe/api_key', version: '5', region: 'eu-west-1', account: '345678901234' });
    expect(JSON.stringify(observations)).not.toContain(SSM_CANARY);
  });

  it('skips parameters outside the prefix and String parameters with no value known', () => {
    const keys = ssmParametersToObservations(params, { prefix: '/prod/api/', keyStyle: 'relative' }).map((o) => o.key);

    expect(keys).not.toContain('metadata_only');
    expect(keys.some((key) => key.includes('threads'))).toBe(false);
  });
});
