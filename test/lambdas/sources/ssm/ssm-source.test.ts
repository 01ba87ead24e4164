import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SsmSourceSpec } from '../../../../lambdas/engine/model.js';
import { AwsClientFactory, type AwsClientFactoryOptions } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget, SSM_DESCRIBE_GROUP, SSM_GET_GROUP } from '../../../../lambdas/sources/aws/request-budget.js';
import { createSsmSource, SsmSource } from '../../../../lambdas/sources/ssm/ssm-source.js';
import { startFaultProxy, type FaultProxy } from '../../../support/fault-proxy.js';
import { startSsmServer, type FakeSsmParameter, type SsmServer } from '../../../support/ssm-server.js';

const REGION = 'eu-west-1';
const SPEC: SsmSourceSpec = { kind: 'ssm', path: '/production/api/', keyStyle: 'env' };
const CREDENTIALS = { accessKeyId: 'AKIDLOOPBACKTEST', secretAccessKey: 'loopback-secret' };
const SECRET_CANARY = 'CANARY-7f3a-db-password-never-shown';

/** A fresh factory per test (the SDK's retry-token budget lives in each client), with instant retries. */
function factoryFor(server: SsmServer, options: AwsClientFactoryOptions = {}): AwsClientFactory {
  return new AwsClientFactory({
    retryStrategy: () => new ConfiguredRetryStrategy(3, () => 0),
    budget: new RequestBudget({ rates: {} }),
    overrides: { endpoint: server.url, credentials: CREDENTIALS },
    ...options,
  });
}

function sourceFor(factory: AwsClientFactory, previous?: ConstructorParameters<typeof SsmSource>[0]['previous']): SsmSource {
  return new SsmSource({
    spec: SPEC,
    region: REGION,
    client: factory.ssm({ region: REGION }),
    ...(previous === undefined ? {} : { previous }),
  });
}

function manyParameters(count: number, prefix = '/production/api'): FakeSsmParameter[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}/setting_${String(i).padStart(4, '0')}`,
    value: `value-${i}`,
  }));
}

describe('Class: SsmSource', () => {
  let server: SsmServer;
  let factory: AwsClientFactory | undefined;

  beforeEach(async () => {
    server = await startSsmServer();
  });

  afterEach(async () => {
    factory?.destroy();
    factory = undefined;
    vi.unstubAllEnvs();
    await server.close();
  });

  describe('Method: read (full)', () => {
    it('follows NextToken across every page of both listings and joins values with metadata', async () => {
      // Prepare: 137 parameters -> 14 value pages of 10 and 3 metadata pages of 50
      for (const p of manyParameters(137)) server.put(REGION, p);
      server.put(REGION, { name: '/production/api/setting_0005', value: 'changed-by-hand', lastModifiedUser: 'arn:aws:iam::123456789012:user/alice' });
      server.put(REGION, { name: '/staging/api/setting_0001', value: 'not ours' });
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status).toEqual({ id: 'ssm:eu-west-1:/production/api/', kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: 137 });
      expect(server.count('GetParametersByPath')).toBe(14);
      expect(server.count('DescribeParameters')).toBe(3);
      expect(server.count('GetParameters')).toBe(0);
      expect(result.records).toHaveLength(137);
      expect(result.observations.map((o) => o.key)).toEqual(Array.from({ length: 137 }, (_, i) => `SETTING_${String(i).padStart(4, '0')}`));
      const edited = result.records.find((r) => r.name === '/production/api/setting_0005');
      expect(edited).toMatchObject({
        value: 'changed-by-hand',
        version: 2,
        lastModifiedUser: 'arn:aws:iam::123456789012:user/alice',
        tier: 'Standard',
        arn: 'arn:aws:ssm:eu-west-1:123456789012:parameter/production/api/setting_0005',
      });
      const observed = result.observations.find((o) => o.key === 'SETTING_0005');
      expect(observed?.provenance).toMatchObject({ changedBy: 'arn:aws:iam::123456789012:user/alice', version: '2', region: REGION });
      const byPath = server.requests.filter((r) => r.operation === 'GetParametersByPath');
      expect(byPath.every((r) => r.body['Path'] === '/production/api' && r.body['Recursive'] === true && r.body['MaxResults'] === 10)).toBe(true);
      const described = server.requests.filter((r) => r.operation === 'DescribeParameters');
      expect(described[0]?.body).toMatchObject({
        ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/production/api'] }],
        MaxResults: 50,
      });
    });

    it('follows short and empty DescribeParameters pages until the NextToken runs out', async () => {
      // Prepare: a server that pages over the whole region and filters afterwards
      await server.close();
      server = await startSsmServer({ describeFiltersAfterPaging: true });
      for (const p of manyParameters(120, '/aaa/other')) server.put(REGION, p);
      for (const p of manyParameters(30)) server.put(REGION, p);
      for (const p of manyParameters(80, '/zzz/other')) server.put(REGION, p);
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess: 230 parameters in the region -> 5 metadata pages, three of them empty
      expect(server.count('DescribeParameters')).toBe(5);
      expect(result.status.status).toBe('ok');
      expect(result.records).toHaveLength(30);
      expect(result.records.every((r) => r.lastModifiedUser !== undefined)).toBe(true);
    });

    it('reads nested paths recursively and maps them to keys', async () => {
      // Prepare
      server.put(REGION, { name: '/production/api/database/pool_size', value: '20' });
      server.put(REGION, { name: '/production/api/LOG_LEVEL', value: 'warn', type: 'StringList' });
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.observations.map((o) => [o.key, o.value])).toEqual([
        ['DATABASE_POOL_SIZE', { kind: 'plain', value: '20' }],
        ['LOG_LEVEL', { kind: 'plain', value: 'warn' }],
      ]);
    });

    it('never asks for decryption and never keeps a SecureString value, plaintext or ciphertext', async () => {
      // Prepare
      server.put(REGION, { name: '/production/api/db/password', value: SECRET_CANARY, type: 'SecureString' });
      server.put(REGION, { name: '/production/api/DB_TIMEOUT', value: '30' });
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      const valueReads = server.requests.filter((r) => r.operation === 'GetParametersByPath' || r.operation === 'GetParameters');
      expect(valueReads.length).toBeGreaterThan(0);
      expect(valueReads.every((r) => r.body['WithDecryption'] !== true)).toBe(true);
      const secret = result.records.find((r) => r.name === '/production/api/db/password');
      expect(secret).toMatchObject({ type: 'SecureString', version: 1 });
      expect(secret).not.toHaveProperty('value');
      expect(result.observations.find((o) => o.key === 'DB_PASSWORD')?.value).toEqual({ kind: 'secret' });
      const everything = JSON.stringify(result);
      expect(everything).not.toContain(SECRET_CANARY);
      expect(everything).not.toContain('AQICAH'); // the ciphertext the API hands back in its place
    });

    it('reads a parameter written between the two listings by name instead of reporting it absent', async () => {
      // Prepare: DescribeParameters sees version 2, the value pages had only version 1
      server.put(REGION, { name: '/production/api/DB_TIMEOUT', value: '30' });
      factory = factoryFor(server);
      const client = factory.ssm({ region: REGION });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const out = await next(args);
          if (context.commandName === 'GetParametersByPathCommand') {
            server.put(REGION, { name: '/production/api/DB_TIMEOUT', value: '45' });
            server.put(REGION, { name: '/production/api/NEW_FLAG', value: 'on' });
          }
          return out;
        },
        { step: 'initialize', name: 'writeDuringListing' },
      );
      const source = new SsmSource({ spec: SPEC, region: REGION, client });
      server.stall('DescribeParameters', 100);

      // Act
      const result = await source.read();

      // Assess
      expect(result.status.status).toBe('ok');
      expect(result.records.map((r) => [r.name, r.value, r.version])).toEqual([
        ['/production/api/DB_TIMEOUT', '45', 2],
        ['/production/api/NEW_FLAG', 'on', 1],
      ]);
      expect(server.count('GetParameters')).toBe(1);
    });
  });

  describe('Method: read (incremental)', () => {
    it('reads metadata pages only, plus values of new and re-versioned parameters in batches of 10', async () => {
      // Prepare: a full read of 120 parameters, then 12 changed, 3 new, 2 deleted, 1 secret rotated
      for (const p of manyParameters(120)) server.put(REGION, p);
      server.put(REGION, { name: '/production/api/zz/secret', value: SECRET_CANARY, type: 'SecureString' });
      factory = factoryFor(server);
      const first = await sourceFor(factory).read();
      for (let i = 0; i < 12; i += 1) server.put(REGION, { name: `/production/api/setting_${String(i * 7).padStart(4, '0')}`, value: `new-${i}` });
      for (let i = 0; i < 3; i += 1) server.put(REGION, { name: `/production/api/added_${i}`, value: `added-${i}` });
      server.delete(REGION, '/production/api/setting_0001');
      server.delete(REGION, '/production/api/setting_0119');
      server.put(REGION, { name: '/production/api/zz/secret', value: `${SECRET_CANARY}-rotated`, type: 'SecureString' });
      server.clearRequests();

      // Act
      const result = await sourceFor(factory, first.records).read();

      // Assess: ceil(122/50) = 3 metadata pages, ceil(15/10) = 2 value batches, no path listing
      expect(result.status.status).toBe('ok');
      expect(server.count('DescribeParameters')).toBe(3);
      expect(server.count('GetParameters')).toBe(2);
      expect(server.count('GetParametersByPath')).toBe(0);
      expect(result.stats).toEqual({ mode: 'incremental', described: 122, valuesRead: 15, valuesReused: 106 });
      const fetchedNames = server.requests.filter((r) => r.operation === 'GetParameters').flatMap((r) => r.body['Names'] as string[]);
      expect(fetchedNames).toHaveLength(15);
      expect(fetchedNames).not.toContain('/production/api/zz/secret');
      expect(server.requests.every((r) => r.body['WithDecryption'] !== true)).toBe(true);
      const names = result.records.map((r) => r.name);
      expect(names).not.toContain('/production/api/setting_0001');
      expect(names).not.toContain('/production/api/setting_0119');
      expect(names).toContain('/production/api/added_2');
      expect(result.records.find((r) => r.name === '/production/api/setting_0007')).toMatchObject({ value: 'new-1', version: 2 });
      expect(result.records.find((r) => r.name === '/production/api/setting_0008')).toMatchObject({ value: 'value-8', version: 1 });
      expect(result.records.find((r) => r.name === '/production/api/zz/secret')).toMatchObject({ type: 'SecureString', version: 2 });
      expect(JSON.stringify(result)).not.toContain(SECRET_CANARY);
      // Same answer as a full read of the same state
      const full = await sourceFor(factoryFor(server)).read();
      expect(result.records.map((r) => [r.name, r.value, r.version])).toEqual(full.records.map((r) => [r.name, r.value, r.version]));
    });

    it('reads a parameter deleted and created again anew: version 1 again, but written later', async () => {
      // Prepare: AWS restarts a re-created parameter at version 1 and stamps the time of the new write
      for (const p of manyParameters(3)) server.put(REGION, p);
      factory = factoryFor(server);
      const first = await sourceFor(factory).read();
      server.delete(REGION, '/production/api/setting_0001');
      server.put(REGION, { name: '/production/api/setting_0001', value: 'recreated', lastModifiedDate: new Date('2026-11-30T08:00:00Z') });
      server.clearRequests();

      // Act
      const result = await sourceFor(factory, first.records).read();

      // Assess: the same version number is not the same revision; the new value is read, not reused
      expect(result.records.find((r) => r.name === '/production/api/setting_0001')).toMatchObject({ value: 'recreated', version: 1 });
      expect(result.stats).toMatchObject({ valuesRead: 1, valuesReused: 2 });
    });

    it('costs only the metadata pages when nothing changed', async () => {
      // Prepare
      for (const p of manyParameters(60)) server.put(REGION, p);
      factory = factoryFor(server);
      const first = await sourceFor(factory).read();
      server.clearRequests();

      // Act
      const result = await sourceFor(factory, first.records).read();

      // Assess
      expect(server.requests.map((r) => r.operation)).toEqual(['DescribeParameters', 'DescribeParameters']);
      expect(result.observations).toEqual(first.observations);
    });

    it('reuses a record stored without its value (secret key) while its version holds, as a present secret', async () => {
      // Prepare: a full read, stored with the value of the secret-keyed String parameter withheld.
      server.put(REGION, { name: '/production/api/db/password', value: SECRET_CANARY });
      server.put(REGION, { name: '/production/api/dsn', value: `${SECRET_CANARY}-dsn`, type: 'StringList' });
      server.put(REGION, { name: '/production/api/DB_TIMEOUT', value: '30' });
      factory = factoryFor(server);
      const secretKey = (key: string) => key === 'DB_PASSWORD' || key === 'DSN';
      const first = await sourceFor(factory).read();
      const stored = first.records.map(({ value, ...rest }) =>
        rest.name.endsWith('/db/password') || rest.name.endsWith('/dsn') ? { ...rest, redacted: true } : { ...rest, ...(value === undefined ? {} : { value }) },
      );
      server.clearRequests();

      // Act
      const result = await new SsmSource({ spec: SPEC, region: REGION, client: factory.ssm({ region: REGION }), previous: stored, secretKey }).read();

      // Assess: no value fetched, the keys present as secrets, the records still without value.
      expect(server.requests.map((r) => r.operation)).toEqual(['DescribeParameters']);
      expect(result.stats).toEqual({ mode: 'incremental', described: 3, valuesRead: 0, valuesReused: 3 });
      expect(result.observations.map((o) => [o.key, o.value])).toEqual([
        ['DB_PASSWORD', { kind: 'secret' }],
        ['DB_TIMEOUT', { kind: 'plain', value: '30' }],
        ['DSN', { kind: 'secret' }],
      ]);
      expect(result.records.find((r) => r.name.endsWith('/db/password'))).toMatchObject({ type: 'String', version: 1, redacted: true });
      expect(result.records.find((r) => r.name.endsWith('/dsn'))).toMatchObject({ type: 'StringList', version: 1, redacted: true });
      expect(JSON.stringify(result)).not.toContain(SECRET_CANARY);
    });

    it('reads a withheld value again when its version moved or its key is no longer secret', async () => {
      // Prepare
      server.put(REGION, { name: '/production/api/db/password', value: 'old' });
      server.put(REGION, { name: '/production/api/dsn', value: 'postgres://db' });
      factory = factoryFor(server);
      const first = await sourceFor(factory).read();
      const stored = first.records.map(({ value: _value, ...rest }) => ({ ...rest, redacted: true }));
      server.put(REGION, { name: '/production/api/db/password', value: 'rotated' });
      server.clearRequests();

      // Act: DSN was declared secret when the state was stored; the baseline no longer says so.
      const result = await new SsmSource({
        spec: SPEC,
        region: REGION,
        client: factory.ssm({ region: REGION }),
        previous: stored,
        secretKey: (key) => key === 'DB_PASSWORD',
      }).read();

      // Assess
      const fetched = server.requests.filter((r) => r.operation === 'GetParameters').flatMap((r) => r.body['Names'] as string[]);
      expect(fetched.sort()).toEqual(['/production/api/db/password', '/production/api/dsn']);
      expect(result.observations.map((o) => [o.key, o.value])).toEqual([
        ['DB_PASSWORD', { kind: 'plain', value: 'rotated' }],
        ['DSN', { kind: 'plain', value: 'postgres://db' }],
      ]);
      expect(result.records.every((r) => r.redacted === undefined)).toBe(true);
    });

    it('drops a parameter that vanished between the listing and the value read (InvalidParameters)', async () => {
      // Prepare
      server.put(REGION, { name: '/production/api/GONE_SOON', value: 'x' });
      server.put(REGION, { name: '/production/api/STAYS', value: 'y' });
      factory = factoryFor(server);
      const client = factory.ssm({ region: REGION });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'GetParametersCommand') server.delete(REGION, '/production/api/GONE_SOON');
          return next(args);
        },
        { step: 'initialize', name: 'deleteBeforeValueRead' },
      );

      // Act
      const result = await new SsmSource({ spec: SPEC, region: REGION, client, previous: [] }).read();

      // Assess
      expect(result.status.status).toBe('ok');
      expect(result.records.map((r) => r.name)).toEqual(['/production/api/STAYS']);
    });
  });

  describe('Method: read (failures)', () => {
    it('turns AccessDenied into an error status naming the path, the region and the reason', async () => {
      // Prepare
      for (const p of manyParameters(5)) server.put(REGION, p);
      server.denyPath('/production/api');
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.status).toBe('error');
      expect(result.status.error?.code).toBe('access-denied');
      expect(result.status.error?.message).toMatch(
        /^cannot list SSM parameters under \/production\/api in eu-west-1: AccessDeniedException: User: .* is not authorized to perform: ssm:/,
      );
      expect(result.observations).toEqual([]);
      expect(result.records).toEqual([]);
    });

    it('yields nothing when a later page fails after earlier pages succeeded', async () => {
      // Prepare: page 3 of the value listing is refused
      for (const p of manyParameters(45)) server.put(REGION, p);
      server.failFrom('GetParametersByPath', 3, 'AccessDeniedException');
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(server.requests.filter((r) => r.operation === 'GetParametersByPath' && r.status === 200)).toHaveLength(2);
      expect(result.status).toMatchObject({ status: 'error', itemCount: 0, error: { code: 'access-denied' } });
      expect(result.observations).toEqual([]);
      expect(result.records).toEqual([]);
    });

    it('retries throttled requests with backoff and succeeds, counting the throttled attempts apart', async () => {
      // Prepare
      for (const p of manyParameters(25)) server.put(REGION, p);
      server.throttleNext('GetParametersByPath', 2);
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.status).toBe('ok');
      expect(result.observations).toHaveLength(25);
      const byPath = server.requests.filter((r) => r.operation === 'GetParametersByPath');
      expect(byPath.map((r) => [r.attempt, r.errorType ?? 'ok'])).toEqual([
        [1, 'ThrottlingException'],
        [2, 'ThrottlingException'],
        [3, 'ok'],
        [1, 'ok'],
        [1, 'ok'],
      ]);
      expect(factory.counter.stats()).toEqual({
        'eu-west-1:SSM.DescribeParameters': { calls: 1, throttled: 0 },
        'eu-west-1:SSM.GetParametersByPath': { calls: 5, throttled: 2 },
      });
    });

    it('reports throttling that outlasts the retries as a source error, never as an empty tree', async () => {
      // Prepare
      for (const p of manyParameters(5)) server.put(REGION, p);
      server.throttleNext('DescribeParameters', Number.POSITIVE_INFINITY);
      factory = factoryFor(server);

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.error).toEqual({
        code: 'throttled',
        message: 'cannot list SSM parameters under /production/api in eu-west-1: ThrottlingException: Rate exceeded (after 3 attempts)',
      });
      expect(result.observations).toEqual([]);
      expect(server.throttled('DescribeParameters')).toBe(3);
      expect(factory.counter.stats()['eu-west-1:SSM.DescribeParameters']).toEqual({ calls: 3, throttled: 3 });
    });

    it('reports a timeout when the endpoint does not answer in time', async () => {
      // Prepare
      server.put(REGION, { name: '/production/api/A', value: '1' });
      server.stall('GetParametersByPath', 5_000);
      factory = factoryFor(server, { requestTimeoutMs: 100 });

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.error?.code).toBe('timeout');
      expect(result.status.error?.message).toMatch(/^cannot list SSM parameters under \/production\/api in eu-west-1: TimeoutError/);
    });

    it('reports an unreachable endpoint', async () => {
      // Prepare: nothing listens on port 1 of the loopback
      factory = new AwsClientFactory({
        retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
        overrides: { endpoint: 'http://127.0.0.1:1', credentials: CREDENTIALS },
      });

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.error?.code).toBe('unreachable');
      expect(result.status.error?.message).toContain('ECONNREFUSED');
    });

    it('reports an aborted read as aborted, without throwing', async () => {
      // Prepare
      for (const p of manyParameters(30)) server.put(REGION, p);
      server.stall('GetParametersByPath', 2_000);
      factory = factoryFor(server);
      const controller = new AbortController();

      // Act
      const reading = sourceFor(factory).read(controller.signal);
      setTimeout(() => controller.abort(), 50);
      const result = await reading;

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'aborted' } });
      expect(result.observations).toEqual([]);
    });
  });

  describe('Pacing and counting', () => {
    it('keeps concurrent sources of one region under the shared budget: zero throttled where unpaced ones are throttled', async () => {
      // Prepare: the server allows 20 Get*/s and 10 Describe/s per region (a bucket of one second);
      // three trees of 100 parameters need 30 value pages, more than one second's worth at once.
      server.setRateLimits({ get: 20, describe: 10 });
      for (const tree of ['a', 'b', 'c']) for (const p of manyParameters(100, `/production/${tree}`)) server.put(REGION, p);
      const read = async (f: AwsClientFactory): Promise<string[]> => {
        const results = await Promise.all(
          ['a', 'b', 'c'].map((tree) =>
            createSsmSource(f, { name: 'production', region: REGION }, { kind: 'ssm', path: `/production/${tree}/`, keyStyle: 'relative' }).read(),
          ),
        );
        return results.map((r) => r.status.status);
      };

      // Act: once unpaced, once under a budget of half the server's limits
      const unpaced = factoryFor(server, { retryStrategy: () => new ConfiguredRetryStrategy(10, () => 100) });
      const unpacedStatuses = await read(unpaced);
      const unpacedThrottled = server.throttled();
      unpaced.destroy();
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // let the server's buckets refill
      server.clearRequests();
      factory = factoryFor(server, { budget: new RequestBudget({ rates: { [SSM_GET_GROUP]: 10, [SSM_DESCRIBE_GROUP]: 5 } }) });
      const pacedStatuses = await read(factory);

      // Assess
      expect(unpacedStatuses).toEqual(['ok', 'ok', 'ok']);
      expect(unpacedThrottled).toBeGreaterThan(0);
      expect(pacedStatuses).toEqual(['ok', 'ok', 'ok']);
      expect(server.throttled()).toBe(0);
      expect(factory.counter.total()).toEqual({ calls: 36, throttled: 0 }); // 3 x (10 value pages + 2 metadata pages)
    });

    it('counts every call per region and operation, matching what the server received', async () => {
      // Prepare
      const other = 'us-east-1';
      for (const p of manyParameters(23)) server.put(REGION, p);
      for (const p of manyParameters(7)) server.put(other, p);
      factory = factoryFor(server);

      // Act
      await Promise.all([
        createSsmSource(factory, { name: 'production-eu', region: REGION }, SPEC).read(),
        createSsmSource(factory, { name: 'production-us', region: other }, SPEC).read(),
      ]);

      // Assess
      expect(factory.counter.stats()).toEqual({
        'eu-west-1:SSM.DescribeParameters': { calls: server.count('DescribeParameters', REGION), throttled: 0 },
        'eu-west-1:SSM.GetParametersByPath': { calls: server.count('GetParametersByPath', REGION), throttled: 0 },
        'us-east-1:SSM.DescribeParameters': { calls: server.count('DescribeParameters', other), throttled: 0 },
        'us-east-1:SSM.GetParametersByPath': { calls: server.count('GetParametersByPath', other), throttled: 0 },
      });
      expect(factory.counter.stats()['eu-west-1:SSM.GetParametersByPath']?.calls).toBe(3);
      expect(factory.counter.stats()['us-east-1:SSM.GetParametersByPath']?.calls).toBe(1);
    });
  });

  describe('Answers that are not what SSM returns', () => {
    let proxy: FaultProxy;

    beforeEach(async () => {
      proxy = await startFaultProxy({ target: server.url });
    });

    afterEach(async () => {
      await proxy.close();
    });

    function proxiedFactory(): AwsClientFactory {
      return factoryFor(server, { overrides: { endpoint: proxy.url, credentials: CREDENTIALS } });
    }

    it('fails the read when a GetParameters answer drops a name it was asked for: the parameter would read as missing', async () => {
      // Prepare: an incremental read must fetch the re-versioned value, and the answer loses it
      server.put(REGION, { name: '/production/api/A', value: '1' });
      factory = proxiedFactory();
      const first = await sourceFor(factory).read();
      server.put(REGION, { name: '/production/api/A', value: '2' });
      proxy.inject(
        {
          kind: 'answer',
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ Parameters: [], InvalidParameters: [] }),
        },
        { match: (request) => request.operation === 'GetParameters' },
      );

      // Act
      const result = await sourceFor(factory, first.records).read();

      // Assess
      expect(result.status.error).toEqual({
        code: 'malformed-response',
        message:
          'cannot read SSM parameter values under /production/api in eu-west-1: MalformedResponseError: GetParameters answered without 1 of the 1 names asked for, in neither Parameters nor InvalidParameters',
      });
      expect(result.records).toEqual([]);
    });

    it('fails the read when a value comes without its type: a SecureString ciphertext must never pass for a value', async () => {
      // Prepare
      server.put(REGION, { name: '/production/api/DB_PASSWORD', value: SECRET_CANARY, type: 'SecureString' });
      proxy.inject(
        {
          kind: 'answer',
          status: 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ Parameters: [{ Name: '/production/api/DB_PASSWORD', Value: 'AQICAHhciphertext', Version: 1 }] }),
        },
        { match: (request) => request.operation === 'GetParametersByPath' },
      );
      factory = proxiedFactory();

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.error?.code).toBe('malformed-response');
      expect(result.status.error?.message).toContain('GetParametersByPath answered with 1 of 1 parameters without its Name, Type or Value');
      expect(JSON.stringify(result)).not.toContain('AQICAHhciphertext');
    });

    it('names the operation and the HTTP status of a body that is not JSON, and never quotes it', async () => {
      // Prepare: a plain String holding a secret, its opening quote corrupted (Node's parse error would quote the next 10 bytes)
      server.put(REGION, { name: '/production/api/API_TOKEN', value: 'tok_9fQ2xLmR7vW3' });
      proxy.inject({ kind: 'corrupt', before: 'tok_9fQ2xLmR7vW3' }, { match: (request) => request.operation === 'GetParametersByPath' });
      factory = proxiedFactory();

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.error).toEqual({
        code: 'malformed-response',
        message:
          'cannot list SSM parameters under /production/api in eu-west-1: MalformedResponseError: GetParametersByPath answered HTTP 200 with a body that is not valid JSON',
      });
      expect(JSON.stringify(result)).not.toContain('tok_9f');
    });

    it('reports a connection reset on every attempt as a reset, not a timeout', async () => {
      // Prepare
      proxy.inject({ kind: 'reset' }, { match: (request) => request.operation === 'DescribeParameters' });
      factory = proxiedFactory();

      // Act
      const result = await sourceFor(factory).read();

      // Assess
      expect(result.status.error).toEqual({
        code: 'connection-reset',
        message:
          'cannot list SSM parameters under /production/api in eu-west-1: ECONNRESET: the connection was reset before the answer was complete (after 3 attempts)',
      });
    });
  });
});

describe('Class: AwsClientFactory', () => {
  let server: SsmServer;

  beforeEach(async () => {
    server = await startSsmServer();
    server.put(REGION, { name: '/production/api/A', value: '1' });
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await server.close();
  });

  it('assumes the environment role through STS and signs SSM calls with the temporary credentials', async () => {
    // Prepare
    const factory = factoryFor(server);

    // Act
    const result = await createSsmSource(
      factory,
      { name: 'production-eu', region: REGION, roleArn: 'arn:aws:iam::210987654321:role/drift-audit-read' },
      SPEC,
    ).read();

    // Assess
    expect(result.status.status).toBe('ok');
    const assume = server.requests.filter((r) => r.operation === 'AssumeRole');
    expect(assume).toHaveLength(1);
    expect(assume[0]).toMatchObject({
      accessKeyId: CREDENTIALS.accessKeyId,
      body: { RoleArn: 'arn:aws:iam::210987654321:role/drift-audit-read', RoleSessionName: 'drift-audit' },
    });
    const ssmCalls = server.requests.filter((r) => r.operation !== 'AssumeRole');
    expect(ssmCalls.length).toBeGreaterThan(0);
    expect(ssmCalls.every((r) => r.accessKeyId === 'ASIAFAKEASSUMED')).toBe(true);
    expect(factory.counter.stats()['eu-west-1:STS.AssumeRole']).toEqual({ calls: 1, throttled: 0 });
    factory.destroy();
  });

  it('reuses one client per region and role', () => {
    // Prepare
    const factory = factoryFor(server);

    // Act / Assess
    expect(factory.ssm({ region: REGION })).toBe(factory.ssm({ region: REGION }));
    expect(factory.ssm({ region: REGION })).not.toBe(factory.ssm({ region: 'us-east-1' }));
    expect(factory.ssm({ region: REGION })).not.toBe(factory.ssm({ region: REGION, roleArn: 'arn:aws:iam::1:role/r' }));
    factory.destroy();
  });

  it('leaves endpoint resolution to the SDK, so AWS_ENDPOINT_URL_SSM points it at a stand-in', async () => {
    // Prepare: no endpoint override, only the standard variable
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', server.url);
    const factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      overrides: { credentials: CREDENTIALS },
    });

    // Act
    const result = await createSsmSource(factory, { name: 'production-eu', region: REGION }, SPEC).read();

    // Assess
    expect(result.status.status).toBe('ok');
    expect(result.observations.map((o) => o.key)).toEqual(['A']);
    expect(server.count('GetParametersByPath', REGION)).toBe(1);
    factory.destroy();
  });

  it('refuses to build a source whose region is declared nowhere', () => {
    const factory = factoryFor(server);
    expect(() => createSsmSource(factory, { name: 'production-eu' }, SPEC)).toThrow(/production-eu.*no region/);
    factory.destroy();
  });
});
