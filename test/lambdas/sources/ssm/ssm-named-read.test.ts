import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClientFactory } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { AwsReadError } from '../../../../lambdas/sources/aws/aws-read-error.js';
import { RequestBudget } from '../../../../lambdas/sources/aws/request-budget.js';
import { mergeNamedRecords, readSsmParametersByName } from '../../../../lambdas/sources/ssm/ssm-named-read.js';
import { startSsmServer, type SsmServer } from '../../../support/ssm-server.js';

const REGION = 'eu-west-1';
const CANARY = 'CANARY-named-read-securestring';

describe('Function: readSsmParametersByName', () => {
  let server: SsmServer;
  let factory: AwsClientFactory;

  beforeEach(async () => {
    server = await startSsmServer({
      parameters: {
        [REGION]: [
          { name: '/production/api/log/level', value: 'warn', lastModifiedUser: 'arn:aws:iam::123456789012:user/console-bob' },
          { name: '/production/api/db/password', value: CANARY, type: 'SecureString' },
        ],
      },
    });
    factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      budget: new RequestBudget({ rates: {} }),
      overrides: { endpoint: server.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } },
    });
  });

  afterEach(async () => {
    factory.destroy();
    await server.close();
  });

  it('reads the named parameters with their writer, SecureStrings by metadata alone, and names the deleted ones', async () => {
    const read = await readSsmParametersByName(
      factory.ssm({ region: REGION }),
      ['/production/api/log/level', '/production/api/db/password', '/production/api/gone'],
      REGION,
    );

    expect(read.records.map((record) => [record.name, record.type, record.value, record.lastModifiedUser])).toEqual([
      ['/production/api/db/password', 'SecureString', undefined, 'arn:aws:iam::123456789012:user/deployer'],
      ['/production/api/log/level', 'String', 'warn', 'arn:aws:iam::123456789012:user/console-bob'],
    ]);
    expect(read.gone).toEqual(['/production/api/gone']);
    // One DescribeParameters for the three names; GetParameters for the one String only (never decrypting).
    expect(server.requests.map((request) => request.operation)).toEqual(['DescribeParameters', 'GetParameters']);
    expect(server.requests[1]?.body).toEqual({ Names: ['/production/api/log/level'], WithDecryption: false });
    expect(JSON.stringify(read)).not.toContain(CANARY);
  });

  it('asks DescribeParameters 50 names at a time and GetParameters 10', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `/production/api/flag_${String(i).padStart(2, '0')}`);
    for (const name of names) server.put(REGION, { name, value: 'on' });
    const read = await readSsmParametersByName(factory.ssm({ region: REGION }), names, REGION);
    expect(read.records).toHaveLength(60);
    expect(server.count('DescribeParameters')).toBe(2);
    expect(server.count('GetParameters')).toBe(6);
    expect(read.calls).toBe(8);
  });

  it('fails as a whole, naming the call and region, when a call is refused: a partial answer would read as deletions', async () => {
    server.denyPath('/production/api', REGION);
    const read = readSsmParametersByName(factory.ssm({ region: REGION }), ['/production/api/log/level'], REGION);
    await expect(read).rejects.toBeInstanceOf(AwsReadError);
    await expect(read).rejects.toMatchObject({
      code: 'access-denied',
      message: expect.stringMatching(/^cannot describe SSM parameters \/production\/api\/log\/level in eu-west-1/),
    });
  });
});

describe('Function: mergeNamedRecords', () => {
  it('replaces the named records with what was read and drops the named ones that are gone', () => {
    const previous = [
      { name: '/a/1', type: 'String' as const, value: 'old', version: 1 },
      { name: '/a/2', type: 'String' as const, value: 'kept', version: 1 },
      { name: '/a/3', type: 'String' as const, value: 'deleted', version: 1 },
    ];
    const merged = mergeNamedRecords(
      previous,
      ['/a/1', '/a/3', '/a/4'],
      [
        { name: '/a/1', type: 'String', value: 'new', version: 2 },
        { name: '/a/4', type: 'String', value: 'created', version: 1 },
      ],
    );
    expect(merged.map((record) => `${record.name}=${record.value}`)).toEqual(['/a/1=new', '/a/2=kept', '/a/4=created']);
  });
});
