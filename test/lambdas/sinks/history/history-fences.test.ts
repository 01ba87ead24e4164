import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import { HistoryConflictError } from '../../../../lambdas/sinks/history/history-errors.js';
import { HistoryStore } from '../../../../lambdas/sinks/history/history-store.js';
import { audit, finding, runSummary } from '../../engine/lifecycle/lifecycle-fixtures.js';
import { startDynaliteTable, type DynaliteTable } from '../../../support/dynalite.js';
import { auditRun, intercept, itemsOf, liveItems, type SentCommand } from './history-harness.js';

const RUN1 = '2026-11-01T10:00:00.000Z';
const RUN2 = '2026-11-01T11:00:00.000Z';
const RUN3 = '2026-11-01T11:01:00.000Z';

const dbTimeout = finding();
const pool = finding({ type: 'parity', key: 'DB_POOL_SIZE', severity: 'critical' });
const logLevel = finding({ type: 'exception-expired', key: 'LOG_LEVEL', severity: 'low', environment: 'production-us' });

const sortItems = (items: Record<string, unknown>[]) =>
  liveItems(items).sort((x, y) => `${String(x['pk'])}|${String(x['sk'])}`.localeCompare(`${String(y['pk'])}|${String(y['sk'])}`));

const isStateWrite = (command: SentCommand) =>
  command.constructor.name === 'UpdateCommand' && (command.input['Key'] as { sk?: string } | undefined)?.sk === 'STATE';

/**
 * Writes of a crashed run that land after (or while) a later invocation rolls it back: a request the
 * client gave up on that DynamoDB still applies, or a write a frozen Lambda sends when it is thawed.
 */
describe('Class: HistoryStore, against writes of a rolled-back run that land late', () => {
  let table: DynaliteTable;

  beforeEach(async () => {
    table = await startDynaliteTable();
  });

  afterEach(async () => {
    await table.stop();
  });

  const storeAt = (at: string, documentClient: Parameters<typeof intercept>[0] | ReturnType<typeof intercept> = table.documentClient) =>
    new HistoryStore({ documentClient, tableName: table.tableName, now: () => new Date(at), sleep: async () => undefined });

  it('refuses a state write of the run that lands after its rollback, so the next run reads history as before', async () => {
    // Prepare: run 1 complete. Run 2 opens LOG_LEVEL and changes DB_TIMEOUT; the client of run 2 gives
    // up on its writes of the DB_TIMEOUT state (a timeout), but the requests are still on their way.
    await auditRun(storeAt(RUN1), audit([dbTimeout, pool]), 'run-1', RUN1, 'schedule#1');
    const before = await table.scanAll();
    const late: (() => Promise<unknown>)[] = [];
    const crashing = storeAt(
      RUN2,
      intercept(table.documentClient, (command, send) => {
        if (isStateWrite(command) && (command.input['Key'] as { pk: string }).pk === `FINDING#${dbTimeout.id}`) {
          late.push(send);
          return Promise.reject(Object.assign(new Error('request timed out'), { name: 'TimeoutError' }));
        }
        return send();
      }),
    );
    const plan = reconcile({
      previous: await crashing.loadOpenStates(),
      current: audit([finding({ actual: { text: '90', secret: false } }), pool, logLevel]),
      runId: 'run-2',
      now: new Date(RUN2),
    });
    await expect(crashing.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2')).rejects.toThrow(/timed out/);

    // Act: the retry rolls run 2 back; then the abandoned requests arrive.
    const retry = storeAt(RUN3);
    await retry.recoverCrashedRuns({ idempotencyKey: 'schedule#2', singleConcurrency: true });
    const landed = await Promise.allSettled(late.map((send) => send()));

    // Assess: DynamoDB refused them; the table reads as run 1 left it, and the retry sees what run 1 saw.
    expect(late.length).toBeGreaterThan(0);
    expect(landed.map((result) => (result.status === 'rejected' ? (result.reason as Error).name : 'applied'))).toEqual(
      late.map(() => 'ConditionalCheckFailedException'),
    );
    expect(sortItems(await table.scanAll())).toEqual(sortItems(before));
    expect((await retry.loadOpenStates()).map((state) => `${state.id} ${state.lastRunId ?? ''}`).sort()).toEqual([`${dbTimeout.id} run-1`, `${pool.id} run-1`]);
  });

  it('refuses a transition of the run that had not landed when the rollback ran', async () => {
    // Prepare: the put of LOG_LEVEL's opened transition is abandoned by its client, still in flight.
    await auditRun(storeAt(RUN1), audit([dbTimeout]), 'run-1', RUN1, 'schedule#1');
    const late: (() => Promise<unknown>)[] = [];
    const crashing = storeAt(
      RUN2,
      intercept(table.documentClient, (command, send) => {
        const item = command.input['Item'] as { itemType?: string; findingId?: string } | undefined;
        if (command.constructor.name === 'PutCommand' && item?.itemType === 'transition' && item.findingId === logLevel.id) {
          late.push(send);
          return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        }
        return send();
      }),
    );
    const plan = reconcile({ previous: await crashing.loadOpenStates(), current: audit([dbTimeout, logLevel]), runId: 'run-2', now: new Date(RUN2) });
    await expect(crashing.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2')).rejects.toThrow();

    // Act
    await storeAt(RUN3).recoverCrashedRuns({ idempotencyKey: 'schedule#2', singleConcurrency: true });
    await Promise.allSettled(late.map((send) => send()));

    // Assess: no transition of run 2 is left in history.
    expect(late).toHaveLength(1);
    expect(itemsOf(await table.scanAll(), 'transition').map((item) => `${String(item['runId'])} ${String(item['findingId'])}`)).toEqual([
      `run-1 ${dbTimeout.id}`,
    ]);
  });

  it('refuses a commit of the run that arrives once its rollback has begun, so no alert goes out for an undone run', async () => {
    // Prepare: run 2 recorded, not committed; its commit will arrive while a retry rolls it back.
    await auditRun(storeAt(RUN1), audit([dbTimeout]), 'run-1', RUN1, 'schedule#1');
    const before = await table.scanAll();
    const atRun2 = storeAt(RUN2);
    const plan = reconcile({ previous: await atRun2.loadOpenStates(), current: audit([logLevel]), runId: 'run-2', now: new Date(RUN2) });
    await atRun2.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2');
    let lateCommit: Promise<unknown> | undefined;
    const rollingBack = storeAt(
      RUN3,
      intercept(table.documentClient, async (command, send) => {
        const result = await send();
        // Right after the rollback's first write, the crashed invocation's commit finally goes out.
        lateCommit ??= atRun2.markRunComplete('schedule#2').then(
          () => 'committed',
          (error: Error) => error,
        );
        if (command.constructor.name !== 'GetCommand' && command.constructor.name !== 'QueryCommand') await lateCommit;
        return result;
      }),
    );

    // Act
    const [rollback] = await rollingBack.recoverCrashedRuns({ idempotencyKey: 'schedule#2', singleConcurrency: true });

    // Assess: the rollback won; the commit was refused, so its caller never alerts run 2.
    expect(rollback).toMatchObject({ rolledBack: true, runId: 'run-2' });
    expect(await lateCommit).toBeInstanceOf(HistoryConflictError);
    expect(await storeAt(RUN3).status('schedule#2')).toEqual({ state: 'absent' });
    expect(sortItems(await table.scanAll())).toEqual(sortItems(before));
  });

  it('lets a new attempt of the event record after a rollback, and never the rolled-back run again', async () => {
    // Prepare: run 2 recorded, then rolled back.
    await auditRun(storeAt(RUN1), audit([dbTimeout]), 'run-1', RUN1, 'schedule#1');
    const atRun2 = storeAt(RUN2);
    const plan = reconcile({ previous: await atRun2.loadOpenStates(), current: audit([logLevel]), runId: 'run-2', now: new Date(RUN2) });
    await atRun2.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2');
    await storeAt(RUN3).rollbackRun('schedule#2', { singleConcurrency: true });

    // Act: the rolled-back run tries again (a zombie), then the retry records.
    const zombie = atRun2.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2').catch((error: Error) => error);
    const retry = await auditRun(storeAt(RUN3), audit([logLevel]), 'run-2b', RUN3, 'schedule#2');

    // Assess
    expect(await zombie).toBeInstanceOf(HistoryConflictError);
    expect(retry.result).toMatchObject({ duplicate: false, runId: 'run-2b' });
    expect(
      itemsOf(await table.scanAll(), 'transition')
        .map((item) => `${String(item['runId'])} ${String(item['kind'])} ${String(item['findingId'])}`)
        .sort(),
    ).toEqual([`run-1 opened ${dbTimeout.id}`, `run-2b opened ${logLevel.id}`, `run-2b resolved ${dbTimeout.id}`]);
  });

  describe('Method: pendingAlerts', () => {
    const alert = (subject: string) => ({
      lane: 'topic',
      subject,
      body: `{"subject":"${subject}"}`,
      attributes: { schema: 'drift-audit.run/1', severities: ['high'] },
    });

    it('lists the alerts of committed runs, oldest first, until acknowledged', async () => {
      // Prepare: two committed runs with an alert each, and one run still recording.
      const first = storeAt(RUN1);
      let plan = reconcile({ previous: [], current: audit([dbTimeout]), runId: 'run-1', now: new Date(RUN1) });
      await first.recordRun(runSummary('run-1', RUN1), plan.transitions, plan.next, 'schedule#1', { alerts: [alert('first')] });
      await first.markRunComplete('schedule#1');
      const second = storeAt(RUN2);
      plan = reconcile({ previous: await second.loadOpenStates(), current: audit([dbTimeout, pool]), runId: 'run-2', now: new Date(RUN2) });
      await second.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2', { alerts: [alert('second')] });
      await second.markRunComplete('schedule#2');
      const third = storeAt(RUN3);
      plan = reconcile({ previous: await third.loadOpenStates(), current: audit([pool]), runId: 'run-3', now: new Date(RUN3) });
      await third.recordRun(runSummary('run-3', RUN3), plan.transitions, plan.next, 'schedule#3', { alerts: [alert('third')] });

      // Act
      const pending = await third.pendingAlerts('topic');
      await third.acknowledgeAlert(pending[0]!);
      const after = await third.pendingAlerts('topic');

      // Assess
      expect(pending.map((entry) => [entry.subject, entry.runId])).toEqual([
        ['first', 'run-1'],
        ['second', 'run-2'],
      ]);
      expect(pending[0]?.attributes).toEqual({ schema: 'drift-audit.run/1', severities: ['high'] });
      expect(after.map((entry) => entry.subject)).toEqual(['second']);
    });

    it('never lists the alert of a run that was rolled back', async () => {
      // Prepare
      const crashed = storeAt(RUN2);
      const plan = reconcile({ previous: [], current: audit([logLevel]), runId: 'run-2', now: new Date(RUN2) });
      await crashed.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2', { alerts: [alert('undone')] });

      // Act
      await storeAt(RUN3).recoverCrashedRuns({ singleConcurrency: true });

      // Assess
      expect(await storeAt(RUN3).pendingAlerts('topic')).toEqual([]);
      expect(itemsOf(await table.scanAll(), 'outbox')).toEqual([]);
    });
  });
});
