/**
 * The synthesized fan-out state machine, executed locally (aws-local-stepfunctions) with its task
 * states bound to the real handlers in-process, against s3rver, dynalite, the SNS stand-in and the
 * loopback SSM, EKS and Kubernetes stand-ins of the live estate.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import aslValidator from 'asl-validator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispatchAuditEvent } from '../../lambdas/audit/handler.js';
import { runAudit, type AuditDependencies } from '../../lambdas/audit/run-audit.js';
import { standardRunSinks } from '../../lambdas/audit/standard-run-sinks.js';
import { parseBaseline } from '../../lambdas/engine/baseline/parse-baseline.js';
import { collectTarget, type CollectTargetInput } from '../../lambdas/fanout/collect-target.js';
import type { RunOutput, RunSink } from '../../lambdas/sinks/run-sink.js';
import { AwsClientFactory } from '../../lambdas/sources/aws/aws-client-factory.js';
import { DEFAULT_REQUEST_RATES, RequestBudget, scaledRequestRates } from '../../lambdas/sources/aws/request-budget.js';
import { auditScopeFromBaseline } from '../../lib/audit-scope.js';
import { DriftAuditor, FANOUT_STATES } from '../../lib/drift-auditor.js';
import { rigDependencies } from '../lambdas/audit/audit-rig.js';
import { startDynaliteTable, type DynaliteTable } from '../support/dynalite.js';
import { LIVE_BASELINE_YAML, startLiveEstate, type LiveEstate } from '../support/live-estate.js';
import { itemReaderStateName, localDefinition, runLocally, s3Bindings, synthesizedDefinition, type TaskBinding } from '../support/local-state-machine.js';
import { startS3, type S3Standin } from '../support/s3rver.js';
import { startSnsServer, type SnsStandin } from '../support/sns-server.js';
import { FIXTURE_ENTRY } from './cdk-test-support.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const SCHEDULE = 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drift-audit';
const EKS_SOURCE = 'eks:prod-eu/api,payments';
const STAGING_SOURCE = 'ssm:us-east-1:/staging-us/api/';

type Definition = ReturnType<typeof synthesizedDefinition>;

describe('Construct: DriftAuditor with collection state-machine, executed locally', () => {
  let s3: S3Standin;
  let sns: SnsStandin;
  let estate: LiveEstate;
  let snsClient: SNSClient;
  const tables: DynaliteTable[] = [];
  const factories: AwsClientFactory[] = [];
  let synthesized: Definition;
  let bucketLogicalId: string;
  const clock = { now: Date.parse('2026-12-01T10:00:00Z') };

  const credentials = { accessKeyId: 'AKIDAUDIT', secretAccessKey: 'audit-secret' };
  function factory(share = 1): AwsClientFactory {
    const made = new AwsClientFactory({
      budget: new RequestBudget({ rates: scaledRequestRates(DEFAULT_REQUEST_RATES, share) }),
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? estate.eks.url : estate.ssm.url, credentials }),
    });
    factories.push(made);
    return made;
  }

  /** Dependencies of the audit function on a fresh history table, its run outputs captured. */
  async function auditDependencies(captured: RunOutput[], statePrefix: string): Promise<AuditDependencies> {
    const table = await startDynaliteTable();
    tables.push(table);
    const base = rigDependencies({ table, s3, snsClient, factory: factory() }, { clock, statePrefix, topicArn: TOPIC });
    const capture: RunSink = {
      name: 'capture',
      write: async (output) => {
        captured.push(output);
        return {};
      },
    };
    return { ...base, sinks: [...standardRunSinks(base), capture] };
  }

  const quiet = () => ({
    logger: new Logger({ serviceName: 'drift-audit-test' }),
    metrics: new Metrics({ namespace: 'DriftAudit', serviceName: 'drift-audit-test' }),
  });

  /** The execution of one scheduled run: every task state bound to what its Resource runs in AWS. */
  async function execute(
    deps: AuditDependencies,
    options: {
      readonly hang?: (input: CollectTargetInput) => boolean;
      readonly crash?: (input: CollectTargetInput) => boolean;
      readonly collectTimeoutSeconds?: number;
    } = {},
  ) {
    const definition = localDefinition(synthesized);
    const processor = (definition['States'] as Record<string, Record<string, unknown>>)[FANOUT_STATES.map]?.['ItemProcessor'] as {
      States: Record<string, Record<string, unknown>>;
    };
    // The deployed task timeout is the collector's (4 minutes) plus 30 s; a hung collector here needs only to outlast a shorter one.
    const collectState = processor.States[FANOUT_STATES.collect];
    if (options.collectTimeoutSeconds !== undefined && collectState !== undefined) collectState['TimeoutSeconds'] = options.collectTimeoutSeconds;
    const { getJsonItems, putObject } = s3Bindings(s3.client);
    const auditFunction: TaskBinding = async (input) =>
      (await dispatchAuditEvent(input, { awsRequestId: 'unused-by-steps' }, deps, quiet())) as unknown as Parameters<TaskBinding>[0];
    const collector: TaskBinding = async (input) => {
      const item = input as unknown as CollectTargetInput;
      // A collector that never answers, as an invocation stuck past its deadline does.
      if (options.hang?.(item)) return new Promise<never>(() => undefined);
      // A collector that dies, as an invocation out of memory does: Lambda reports Runtime.OutOfMemory.
      if (options.crash?.(item)) throw Object.assign(new Error('Runtime exited with error: signal: killed'), { name: 'Runtime.OutOfMemory' });
      const pointer = await collectTarget(item, { s3: s3.client, factory: factory(item.target.budgetShare), statePrefix: deps.statePrefix });
      return pointer as unknown as Parameters<TaskBinding>[0];
    };
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
    try {
      return await runLocally(
        definition,
        { source: 'drift-audit.schedule', scheduledTime: new Date(clock.now).toISOString(), scheduleArn: SCHEDULE, executionId: 'e-1', attemptNumber: '0' },
        {
          [FANOUT_STATES.plan]: auditFunction,
          [itemReaderStateName(FANOUT_STATES.map)]: getJsonItems,
          [FANOUT_STATES.collect]: collector,
          [FANOUT_STATES.recordFailure]: putObject,
          [FANOUT_STATES.finish]: auditFunction,
        },
        { executionId: `arn:aws:states:eu-west-1:123456789012:execution:fanout:run-${clock.now}` },
      );
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  beforeAll(async () => {
    [s3, sns] = await Promise.all([startS3(), startSnsServer()]);
    estate = await startLiveEstate();
    snsClient = new SNSClient({ endpoint: sns.url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const bundle = { schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text: LIVE_BASELINE_YAML }] };
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await s3.client.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: 'baseline/baseline.json', Body: JSON.stringify(bundle), ContentType: 'application/json' }),
    );

    const parsed = parseBaseline([{ name: 'baseline.yaml', text: LIVE_BASELINE_YAML }]);
    if (!parsed.ok) throw new Error('the live baseline does not parse');
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [], '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2': true } });
    const stack = new Stack(app, 'FanOutStack', { env: { account: '123456789012', region: 'eu-west-1' } });
    const auditor = new DriftAuditor(stack, 'Auditor', {
      scope: auditScopeFromBaseline(parsed.baseline),
      baselineFiles: [{ name: 'baseline.yaml', text: LIVE_BASELINE_YAML }],
      collection: 'state-machine',
      auditHandlerEntry: FIXTURE_ENTRY,
      collectorHandlerEntry: FIXTURE_ENTRY,
      notifierHandlerEntry: FIXTURE_ENTRY,
    });
    bucketLogicalId = stack.getLogicalId(auditor.bucket.node.defaultChild as CfnBucket);
    synthesized = synthesizedDefinition(Template.fromStack(stack).toJSON() as never, { refs: { [bucketLogicalId]: s3.bucket } });
  });

  afterAll(async () => {
    for (const made of factories) made.destroy();
    snsClient.destroy();
    await Promise.all([s3.stop(), sns.close(), estate.close(), ...tables.map((table) => table.stop())]);
  });

  it('synthesizes a definition the Amazon States Language validator accepts', () => {
    // Act
    const { isValid, errors } = aslValidator(synthesized);

    // Assess
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it('records one run in which the target whose collector timed out is a source-error and the others are audited', async () => {
    // Arrange
    const captured: RunOutput[] = [];
    const deps = await auditDependencies(captured, 'state-timeout/');

    // Act: the staging target's collector never answers.
    const output = await execute(deps, { hang: (item) => item.target.environment === 'staging-us', collectTimeoutSeconds: 8 });

    // Assess: the execution succeeded; its final step recorded a partial run.
    expect(output).toMatchObject({ status: 'partial' });
    expect(captured).toHaveLength(1);
    const [run] = captured;
    expect(run?.run.status).toBe('partial');
    expect(run?.run.sources.map((source) => `${source.id} ${source.status} ${source.error?.code ?? ''}`.trim())).toEqual([
      `${STAGING_SOURCE} error collector-timeout`,
      'ssm:eu-west-1:/production-eu/api/ ok',
      `${EKS_SOURCE} ok`,
    ]);
    const findings = (run?.analysed?.result.findings ?? []).map((finding) => finding.id).sort();
    // Production's targets were read: its drift is found as the single function finds it (see the next test).
    expect(findings).toEqual([
      'changed:production-eu:api:DB_TIMEOUT',
      'changed:production-eu:api:PAYMENT_TIMEOUT',
      'missing:production-eu:api:INVENTORY_SERVICE_URL',
      'shadowed:production-eu:api:PAYMENT_TIMEOUT',
      `source-error:staging-us:${STAGING_SOURCE}`,
    ]);
    const sourceError = run?.analysed?.result.findings.find((finding) => finding.type === 'source-error');
    expect(JSON.stringify(sourceError)).toContain('did not finish before its timeout (States.Timeout)');
  });

  it('records a target whose collector crashed as a source-error naming the error, and still publishes the run', async () => {
    // Arrange
    const captured: RunOutput[] = [];
    const deps = await auditDependencies(captured, 'state-crash/');

    // Act: the cluster's collector dies.
    await execute(deps, { crash: (item) => item.target.kind === 'eks' });

    // Assess
    const [run] = captured;
    const failed = run?.run.sources.filter((source) => source.status === 'error');
    expect(failed?.map((source) => [source.id, source.error?.code, source.layers])).toEqual([
      [EKS_SOURCE, 'collector-failed', ['env', 'configmap', 'secret', 'workload']],
    ]);
    expect(failed?.[0]?.error?.message).toContain('(Runtime.OutOfMemory)');
    // Its message stays out of the status: only the error name is recorded.
    expect(JSON.stringify(run?.run)).not.toContain('signal: killed');
    expect(sns.published.some((message) => message.message.includes(`source-error:production-eu:${EKS_SOURCE}`))).toBe(true);
  });

  it('finds exactly what the single function finds on the same estate', async () => {
    // Arrange
    const fannedOut: RunOutput[] = [];
    const single: RunOutput[] = [];
    const fanOutDeps = await auditDependencies(fannedOut, 'state-fanout/');
    const singleDeps = await auditDependencies(single, 'state-single/');

    // Act
    await execute(fanOutDeps);
    clock.now += 60_000;
    await runAudit({ idempotencyKey: `${SCHEDULE}#single` }, singleDeps);

    // Assess
    const comparable = (outputs: RunOutput[]) => ({
      status: outputs[0]?.run.status,
      sources: outputs[0]?.run.sources,
      findings: outputs[0]?.analysed?.result.findings,
    });
    expect(fannedOut).toHaveLength(1);
    expect(comparable(fannedOut).findings?.length).toBeGreaterThan(0);
    expect(comparable(fannedOut)).toEqual(comparable(single));
  });
});
