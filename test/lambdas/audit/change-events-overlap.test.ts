/**
 * A targeted run and the hourly sweep never run at once in production (the audit function has
 * reserved concurrency 1), but nothing else depends on that: each finding state is written on the
 * condition that it is still as the run loaded it, so a run reconciling against states another run
 * has since moved fails instead of writing over them, and its redelivery alerts nothing twice.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runChangeBatch } from '../../../lambdas/audit/change-batch.js';
import { handleAudit } from '../../../lambdas/audit/handler.js';
import type { AuditDependencies } from '../../../lambdas/audit/run-audit.js';
import type { HistoryStore } from '../../../lambdas/sinks/history/history-store.js';
import { parameterStoreEvent, sqsBatch } from '../../support/change-events.js';
import {
  alertedTransitions,
  invokeAudit,
  invokeChangeBatch,
  rigDependencies,
  SMALL_BASELINE_YAML,
  SMALL_ESTATE,
  startAuditRig,
  type AuditRig,
} from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';

describe('change events: a targeted run overlapping a sweep', () => {
  let rig: AuditRig;
  let deps: AuditDependencies;
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };

  const quietly = async <T>(run: () => Promise<T>): Promise<T> => {
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
    try {
      return await run();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  };
  const observability = () => ({
    logger: new Logger({ serviceName: 'drift-audit-test' }),
    metrics: new Metrics({ namespace: 'DriftAudit', serviceName: 'drift-audit-test' }),
  });

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '30' },
      { name: SMALL_ESTATE.poolSize, value: '10' },
      { name: SMALL_ESTATE.logLevel, value: 'debug' },
      { name: '/production-eu/api/inventory/service_url', value: 'https://inventory.internal' },
    ]);
    await rig.uploadBaseline(SMALL_BASELINE_YAML);
    deps = rigDependencies(rig, { clock });
    await invokeAudit(deps, clock, '2026-11-23T10:00:00Z');
    expect(alertedTransitions(rig.sns, TOPIC)).toEqual(['opened LOG_LEVEL']);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('a sweep that commits while a targeted run reconciles makes the targeted run fail, and its redelivery alerts nothing again', async () => {
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'warn' });
    // The targeted run loads the open states, then the sweep runs to its commit before the targeted run records.
    const interleaved: HistoryStore = Object.assign(Object.create(deps.history) as HistoryStore, {
      async loadOpenStates() {
        const states = await deps.history.loadOpenStates();
        await invokeAudit(deps, clock, '2026-11-23T11:00:00Z', '2026-11-23T10:05:10Z');
        return states;
      },
    });
    const batch = sqsBatch([parameterStoreEvent(SMALL_ESTATE.logLevel)]);
    clock.now = Date.parse('2026-11-23T10:05:00Z');

    const overlapping = quietly(() => runChangeBatch(batch, { awsRequestId: 'r1' }, { ...deps, history: interleaved }, observability(), handleAudit));

    await expect(overlapping).rejects.toMatchObject({ name: 'HistoryConflictError' });
    expect(alertedTransitions(rig.sns, TOPIC)).toEqual(['opened LOG_LEVEL', 'resolved LOG_LEVEL']);

    // Lambda delivers the failed batch again: the crashed claim is rolled back, and nothing is left to say.
    const retried = await invokeChangeBatch(deps, clock, batch, '2026-11-23T10:06:00Z');
    expect(retried.outcome?.kind === 'recorded' && retried.outcome.transitions).toEqual([]);
    expect(alertedTransitions(rig.sns, TOPIC)).toEqual(['opened LOG_LEVEL', 'resolved LOG_LEVEL']);
    const open = (await deps.history.loadOpenStates()).filter((state) => state.status === 'open');
    expect(open).toEqual([]);
  });
});
