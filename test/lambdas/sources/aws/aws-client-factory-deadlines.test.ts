import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import { DescribeParametersCommand } from '@aws-sdk/client-ssm';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClientFactory, type AwsTarget } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { classifyAwsError, describeAwsError } from '../../../../lambdas/sources/aws/aws-read-error.js';
import { RequestBudget } from '../../../../lambdas/sources/aws/request-budget.js';
import { startFaultProxy, type Fault, type FaultProxy, type ProxiedRequest } from '../../../support/fault-proxy.js';
import { startSsmServer, type SsmServer } from '../../../support/ssm-server.js';
import { startEksEndpoint, type EksEndpoint } from '../eks/eks-endpoint.js';

const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'AKIDDEADLINETEST', secretAccessKey: 'deadline-test-secret' };
const ROLE = 'arn:aws:iam::210987654321:role/drift-audit-read';

/**
 * The SDK's Node handler stops its `requestTimeout` when the headers arrive (aws/aws-sdk-js-v3#8098)
 * and its `socketTimeout` only fires on silence. These tests hold every client the factory builds to
 * the promise the factory makes: an idle connection ends at the socket timeout, and an answer dripped
 * slower than it can be read ends at the request deadline, however long the body would take.
 */
describe('Class: AwsClientFactory (deadlines)', () => {
  let ssm: SsmServer;
  let eks: EksEndpoint;
  let ssmProxy: FaultProxy;
  let eksProxy: FaultProxy;
  let factory: AwsClientFactory | undefined;

  /** One attempt a call, the deadlines under test, every client pointed at the proxies. */
  function factoryWith(deadlines: { requestTimeoutMs: number; socketTimeoutMs: number }): AwsClientFactory {
    factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(1, () => 0),
      budget: new RequestBudget({ rates: {} }),
      ...deadlines,
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eksProxy.url : ssmProxy.url, credentials: CREDENTIALS }),
    });
    return factory;
  }

  beforeEach(async () => {
    ssm = await startSsmServer({ parameters: { [REGION]: [{ name: '/production/api/a', value: '1' }] } });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: 'https://127.0.0.1:1', caPem: 'PEM' }]);
    ssmProxy = await startFaultProxy({ target: ssm.url });
    eksProxy = await startFaultProxy({ target: eks.url });
  });

  afterEach(async () => {
    factory?.destroy();
    factory = undefined;
    await Promise.all([ssmProxy.close(), eksProxy.close(), ssm.close(), eks.close()]);
  });

  const clients: readonly {
    name: string;
    proxy: () => FaultProxy;
    match: (request: ProxiedRequest) => boolean;
    call: (factory: AwsClientFactory) => Promise<unknown>;
  }[] = [
    {
      name: 'the SSM client',
      proxy: () => ssmProxy,
      match: (request) => request.operation === 'DescribeParameters',
      call: (built) => built.ssm({ region: REGION }).send(new DescribeParametersCommand({})),
    },
    {
      name: 'the EKS client',
      proxy: () => eksProxy,
      match: (request) => request.path.startsWith('/clusters/'),
      call: (built) => built.eks({ region: REGION }).send(new DescribeClusterCommand({ name: 'prod-eu' })),
    },
    {
      name: 'the STS client that assumes the role',
      proxy: () => ssmProxy,
      match: (request) => request.body.includes('Action=AssumeRole'),
      call: (built) => built.ssm({ region: REGION, roleArn: ROLE } satisfies AwsTarget).send(new DescribeParametersCommand({})),
    },
  ];

  // Each row makes the other limit too long to be the one that fires: a stall meets a 100 ms idle
  // timeout under a 5 s deadline; a drip (a byte every 40 ms, seconds to finish) is never silent for
  // the 2 s idle timeout, and only the 400 ms deadline ends it.
  const faults: readonly { name: string; fault: Fault; deadlines: { requestTimeoutMs: number; socketTimeoutMs: number }; ends: RegExp }[] = [
    {
      name: 'headers then silence ends at the socket timeout',
      fault: { kind: 'stall' },
      deadlines: { requestTimeoutMs: 5_000, socketTimeoutMs: 100 },
      ends: /timed out after 100 ms of inactivity/,
    },
    {
      name: 'a body dripped a byte every 40 ms ends at the request deadline',
      fault: { kind: 'drip', intervalMs: 40 },
      deadlines: { requestTimeoutMs: 400, socketTimeoutMs: 2_000 },
      ends: /did not arrive in full within the 400 ms request deadline/,
    },
  ];

  for (const client of clients) {
    describe(client.name, () => {
      for (const { name, fault, deadlines, ends } of faults) {
        it(`fails as a timeout: ${name}`, async () => {
          // Prepare
          client.proxy().inject(fault, { match: client.match });
          const built = factoryWith(deadlines);

          // Act
          const error = await client.call(built).then(
            () => undefined,
            (thrown: unknown) => thrown,
          );

          // Assess
          expect(client.proxy().exchanges.some((exchange) => exchange.fault === fault.kind)).toBe(true);
          expect(classifyAwsError(error)).toBe('timeout');
          expect(describeAwsError(error)).toMatch(ends);
        });
      }
    });
  }

  it('times each attempt on its own: a client keeps answering long after its first deadline would have passed', async () => {
    // Prepare
    const client = factoryWith({ requestTimeoutMs: 1_000, socketTimeoutMs: 1_000 }).ssm({ region: REGION });

    // Act: three calls over more than the 1 s deadline in all
    const answers = [];
    for (let i = 0; i < 3; i++) {
      answers.push(await client.send(new DescribeParametersCommand({})));
      await new Promise((resolve) => setTimeout(resolve, 600));
    }

    // Assess
    expect(answers.map((answer) => answer.Parameters?.map((p) => p.Name))).toEqual([['/production/api/a'], ['/production/api/a'], ['/production/api/a']]);
  });
});
