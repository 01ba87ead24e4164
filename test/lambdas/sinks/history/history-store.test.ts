import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import { HistoryConflictError, RunInProgressError } from '../../../../lambdas/sinks/history/history-errors.js';
import { HistoryStore } from '../../../../lambdas/sinks/history/history-store.js';
import { HISTORY_WRITER_ACTIONS } from '../../../../lambdas/sinks/history/table-schema.js';
import { startDynaliteTable, type DynaliteTable } from '../../../support/dynalite.js';
import { audit, finding, runSummary, SECRET_CANARY } from '../../engine/lifecycle/lifecycle-fixtures.js';
import { auditRun, intercept, itemsOf, liveItems } from './history-harness.js';

const RUN1 = '2026-11-01T10:00:00.000Z';
const RUN2 = '2026-11-01T11:00:00.000Z';
const RUN3 = '2026-11-01T12:00:00.000Z';
const DAY = 86_400;

const dbTimeout = finding();
const pool = finding({ type: 'parity', key: 'DB_POOL_SIZE', severity: 'critical' });
const logLevel = finding({ type: 'exception-expired', key: 'LOG_LEVEL', severity: 'low', environment: 'production-us' });

describe('Class: HistoryStore', () => {
  let table: DynaliteTable;
  let store: HistoryStore;

  beforeEach(async () => {
    table = await startDynaliteTable();
    store = new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, now: () => new Date(RUN3) });
  });

  afterEach(async () => {
    await table.stop();
  });

  describe('Method: recordRun', () => {
    it('records run 1: one transition item per new finding, open states, the run and its claim', async () => {
      // Act
      const { transitions, result } = await auditRun(store, audit([dbTimeout, pool, logLevel]), 'run-1', RUN1);

      // Assess
      expect(result).toEqual({ duplicate: false, runId: 'run-1', resumed: false, transitionsWritten: 3, statesWritten: 3 });
      expect(transitions.map((t) => t.kind)).toEqual(['opened', 'opened', 'opened']);
      const items = await table.scanAll();
      const recorded = itemsOf(items, 'transition');
      expect(recorded.map((i) => [i['pk'], i['sk']]).sort()).toEqual([
        [`FINDING#${dbTimeout.id}`, `T#${RUN1}#opened`],
        [`FINDING#${logLevel.id}`, `T#${RUN1}#opened`],
        [`FINDING#${pool.id}`, `T#${RUN1}#opened`],
      ]);
      const transition = recorded.find((i) => i['findingId'] === dbTimeout.id);
      expect(transition).toMatchObject({
        gsi1pk: 'REGION#eu-west-1',
        gsi1sk: `${RUN1}#${dbTimeout.id}`,
        gsi2pk: 'KEY#DB_TIMEOUT',
        gsi2sk: `${RUN1}#production-eu`,
        gsi3pk: 'ENV#production-eu',
        gsi3sk: `${RUN1}#${dbTimeout.id}`,
        runId: 'run-1',
        expiresAt: Date.parse(RUN1) / 1000 + 400 * DAY,
      });
      expect(JSON.parse(String(transition?.['transition']))).toMatchObject({ kind: 'opened', finding: dbTimeout });

      const states = itemsOf(items, 'state');
      expect(states).toHaveLength(3);
      for (const state of states) {
        expect(state).toMatchObject({ openpk: 'OPEN', lastRunId: 'run-1', status: 'open' });
        expect(state).not.toHaveProperty('expiresAt');
      }
      expect(itemsOf(items, 'run')).toEqual([
        expect.objectContaining({ pk: 'RUN#2026-11', sk: `${RUN1}#run-1`, recording: 'complete', expiresAt: Date.parse(RUN1) / 1000 + 400 * DAY }),
      ]);
      expect(await store.status(`schedule#${RUN1}`)).toMatchObject({ state: 'complete', runId: 'run-1', startedAt: RUN1 });
      // A complete run leaves no recording marker behind.
      expect(itemsOf(items, 'recording')).toEqual([]);
    });

    it('loads open states back worst severity first, from the open index', async () => {
      await auditRun(store, audit([logLevel, dbTimeout, pool]), 'run-1', RUN1);

      const open = await store.loadOpenStates();

      expect(open.map((s) => [s.severity, s.id])).toEqual([
        ['critical', pool.id],
        ['high', dbTimeout.id],
        ['low', logLevel.id],
      ]);
      expect(open[0]).toMatchObject({ status: 'open', firstSeen: RUN1, lastSeen: RUN1, lastRunId: 'run-1', finding: pool });
    });

    it('follows every page of the open index', async () => {
      // Prepare: 30 open findings, and a client that asks for pages of 4.
      const many = Array.from({ length: 30 }, (_, i) => finding({ key: `KEY_${String(i).padStart(2, '0')}` }));
      await auditRun(store, audit(many), 'run-1', RUN1);
      let pages = 0;
      const paged = new HistoryStore({
        tableName: table.tableName,
        documentClient: intercept(table.documentClient, (command, send) => {
          if (command.constructor.name === 'QueryCommand') {
            pages += 1;
            command.input['Limit'] = 4;
          }
          return send();
        }),
      });

      // Act
      const open = await paged.loadOpenStates();

      // Assess
      expect(open).toHaveLength(30);
      expect(pages).toBeGreaterThanOrEqual(8);
    });

    it('writes no transition for run 2 when nothing changed, and moves lastSeen on', async () => {
      // Prepare
      await auditRun(store, audit([dbTimeout, pool]), 'run-1', RUN1);

      // Act
      const { transitions, result } = await auditRun(store, audit([dbTimeout, pool]), 'run-2', RUN2);

      // Assess
      expect(transitions).toEqual([]);
      expect(result).toMatchObject({ duplicate: false, transitionsWritten: 0, statesWritten: 2 });
      const items = await table.scanAll();
      expect(itemsOf(items, 'transition')).toHaveLength(2);
      expect((await store.loadOpenStates()).map((s) => [s.firstSeen, s.lastSeen, s.lastRunId])).toEqual([
        [RUN1, RUN2, 'run-2'],
        [RUN1, RUN2, 'run-2'],
      ]);
      expect(itemsOf(items, 'run')).toHaveLength(2);
    });

    it('detects a duplicate delivery of the same event: nothing written, duplicate: true', async () => {
      // Prepare
      await auditRun(store, audit([dbTimeout]), 'run-1', RUN1, 'schedule#event-1');
      const before = await table.scanAll();

      // Act: the same event delivered again, audited as a new run with a fix in between.
      const { result } = await auditRun(store, audit([]), 'run-1-again', RUN2, 'schedule#event-1');

      // Assess
      expect(result).toEqual({ duplicate: true, runId: 'run-1' });
      expect(await table.scanAll()).toEqual(before);
    });

    it('resolves in run 3: a resolved transition, the state leaves the open index and gets a TTL', async () => {
      // Prepare
      await auditRun(store, audit([dbTimeout, pool]), 'run-1', RUN1);
      await auditRun(store, audit([dbTimeout, pool]), 'run-2', RUN2);

      // Act
      const { transitions } = await auditRun(store, audit([pool]), 'run-3', RUN3);

      // Assess
      expect(transitions.map((t) => [t.kind, t.finding.id])).toEqual([['resolved', dbTimeout.id]]);
      const items = await table.scanAll();
      const state = items.find((i) => i['pk'] === `FINDING#${dbTimeout.id}` && i['sk'] === 'STATE');
      expect(state).toMatchObject({ status: 'resolved', lastRunId: 'run-3', expiresAt: Date.parse(RUN3) / 1000 + 400 * DAY });
      expect(state).not.toHaveProperty('openpk');
      expect(state).not.toHaveProperty('opensk');
      expect((await store.loadOpenStates()).map((s) => s.id)).toEqual([pool.id]);
      expect(items.filter((i) => i['pk'] === `FINDING#${dbTimeout.id}` && String(i['sk']).startsWith('T#')).map((i) => i['sk'])).toEqual([
        `T#${RUN1}#opened`,
        `T#${RUN3}#resolved`,
      ]);
    });

    it('keeps history for the configured number of days', async () => {
      const shortLived = new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, retentionDays: 30 });

      await auditRun(shortLived, audit([dbTimeout]), 'run-1', RUN1);

      const items = await table.scanAll();
      expect(itemsOf(items, 'transition')[0]?.['expiresAt']).toBe(Date.parse(RUN1) / 1000 + 30 * DAY);
      expect(itemsOf(items, 'run')[0]?.['expiresAt']).toBe(Date.parse(RUN1) / 1000 + 30 * DAY);
    });

    it('never stores a secret value, even from a finding the engine failed to redact', async () => {
      const leaky = finding({
        key: 'DB_PASSWORD',
        actual: { text: SECRET_CANARY, secret: true },
        comparedWith: { 'production-us': { text: SECRET_CANARY, secret: true } },
      });
      const { transitions, next } = reconcile({ previous: [], current: audit([leaky]), runId: 'run-1', now: new Date(RUN1) });
      // Hand the store the unredacted finding directly, as a buggy caller would.
      const raw = transitions.map((t) => ({ ...t, finding: leaky }));
      const rawStates = next.map((s) => ({ ...s, finding: leaky }));

      await store.recordRun(runSummary('run-1', RUN1), raw, rawStates, 'schedule#leak');
      await store.markRunComplete('schedule#leak');

      const dump = JSON.stringify(await table.scanAll());
      expect(dump).toContain('DB_PASSWORD');
      expect(dump).not.toContain(SECRET_CANARY);
    });

    it("retries unprocessed batch items of the run's plan until all are written", async () => {
      // Prepare: the first BatchWrite (the plan of the run) answers that none of its items were processed.
      let batches = 0;
      const waits: number[] = [];
      const flaky = new HistoryStore({
        tableName: table.tableName,
        sleep: async (ms) => {
          waits.push(ms);
        },
        documentClient: intercept(table.documentClient, async (command, send) => {
          if (command.constructor.name !== 'BatchWriteCommand') return send();
          batches += 1;
          if (batches > 1) return send();
          return { UnprocessedItems: command.input['RequestItems'] };
        }),
      });
      const findings = Array.from({ length: 6 }, (_, i) => finding({ key: `K${i}` }));

      // Act
      await auditRun(flaky, audit(findings), 'run-1', RUN1);

      // Assess
      expect(batches).toBe(2);
      expect(waits).toHaveLength(1);
      const items = await table.scanAll();
      expect(itemsOf(items, 'transition')).toHaveLength(6);
      expect(itemsOf(items, 'plan')).toHaveLength(1);
    });

    it('resumes after a crash mid-way without doubling transitions', async () => {
      // Prepare: the second state write fails as a crashed attempt would.
      await auditRun(store, audit([dbTimeout]), 'run-1', RUN1);
      let stateWrites = 0;
      const crashing = new HistoryStore({
        tableName: table.tableName,
        documentClient: intercept(table.documentClient, (command, send) => {
          if (command.constructor.name === 'UpdateCommand' && (command.input['Key'] as { sk: string }).sk === 'STATE') {
            stateWrites += 1;
            if (stateWrites === 2) return Promise.reject(new Error('socket hang up'));
          }
          return send();
        }),
      });
      const previous = await store.loadOpenStates();
      const changed = finding({ actual: { text: '90', secret: false } });
      const plan = reconcile({ previous, current: audit([changed, pool, logLevel]), runId: 'run-2', now: new Date(RUN2) });
      await expect(crashing.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2')).rejects.toThrow(
        /cannot write state of finding .* socket hang up/,
      );

      // Act: the handler retries the same call.
      const retried = await store.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2');

      // Assess
      expect(retried).toMatchObject({ duplicate: false, resumed: true, transitionsWritten: 3, statesWritten: 3 });
      const transitions = itemsOf(await table.scanAll(), 'transition');
      expect(transitions.map((t) => `${String(t['findingId'])} ${String(t['kind'])}`).sort()).toEqual([
        `${dbTimeout.id} changed`,
        `${dbTimeout.id} opened`,
        `${logLevel.id} opened`,
        `${pool.id} opened`,
      ]);
      expect((await store.loadOpenStates()).every((s) => s.lastRunId === 'run-2')).toBe(true);
    });

    it('refuses to overwrite a state another run moved since it was loaded', async () => {
      // Prepare: two runs reconcile from the same loaded states; run-b records first.
      await auditRun(store, audit([dbTimeout]), 'run-1', RUN1);
      const previous = await store.loadOpenStates();
      const a = reconcile({ previous, current: audit([finding({ actual: { text: '1', secret: false } })]), runId: 'run-a', now: new Date(RUN3) });
      const b = reconcile({ previous, current: audit([finding({ actual: { text: '2', secret: false } })]), runId: 'run-b', now: new Date(RUN2) });
      await store.recordRun(runSummary('run-b', RUN2), b.transitions, b.next, 'schedule#b');

      // Act
      const late = store.recordRun(runSummary('run-a', RUN3), a.transitions, a.next, 'schedule#a');

      // Assess
      await expect(late).rejects.toBeInstanceOf(HistoryConflictError);
      expect((await store.loadOpenStates())[0]?.finding.actual?.text).toBe('2');
    });

    it('refuses a second run under a key another run is still recording', async () => {
      const plan = reconcile({ previous: [], current: audit([dbTimeout]), runId: 'run-1', now: new Date(RUN1) });
      await store.recordRun(runSummary('run-1', RUN1), plan.transitions, plan.next, 'schedule#1');

      const other = store.recordRun(runSummary('run-other', RUN1), plan.transitions, plan.next, 'schedule#1');

      await expect(other).rejects.toBeInstanceOf(RunInProgressError);
    });
  });

  describe('Method: status', () => {
    it('tells an unseen key, a recording run and a complete one apart', async () => {
      const plan = reconcile({ previous: [], current: audit([dbTimeout]), runId: 'run-1', now: new Date(RUN1) });

      const unseen = await store.status('schedule#1');
      await store.recordRun(runSummary('run-1', RUN1), plan.transitions, plan.next, 'schedule#1');
      const recording = await store.status('schedule#1');
      await store.markRunComplete('schedule#1');
      const complete = await store.status('schedule#1');

      expect(unseen).toEqual({ state: 'absent' });
      expect(recording).toMatchObject({ state: 'recording', runId: 'run-1' });
      expect(complete).toMatchObject({ state: 'complete', runId: 'run-1', completedAt: RUN3 });
    });
  });

  describe('Method: rollbackRun', () => {
    it('undoes a crashed run exactly, so its retry records and alerts as a first attempt', async () => {
      // Prepare: run 1 complete; run 2 crashes after its transitions and one of its states.
      await auditRun(store, audit([dbTimeout, pool]), 'run-1', RUN1);
      const before = await table.scanAll();
      let stateWrites = 0;
      const crashing = new HistoryStore({
        tableName: table.tableName,
        now: () => new Date(RUN2),
        documentClient: intercept(table.documentClient, (command, send) => {
          if (command.constructor.name === 'UpdateCommand' && (command.input['Key'] as { sk: string }).sk === 'STATE') {
            stateWrites += 1;
            if (stateWrites === 3) return Promise.reject(new Error('Task timed out'));
          }
          return send();
        }),
      });
      // Run 2 changes DB_TIMEOUT, resolves the pool parity and opens LOG_LEVEL.
      const current = audit([finding({ actual: { text: '90', secret: false } }), logLevel]);
      const crashedPlan = reconcile({ previous: await store.loadOpenStates(), current, runId: 'run-2', now: new Date(RUN2) });
      await expect(crashing.recordRun(runSummary('run-2', RUN2), crashedPlan.transitions, crashedPlan.next, 'schedule#2')).rejects.toThrow();
      const later = new HistoryStore({
        documentClient: table.documentClient,
        tableName: table.tableName,
        now: () => new Date(Date.parse(RUN2) + 20 * 60_000),
      });
      const soon = new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, now: () => new Date(RUN2) });

      // Act
      await expect(soon.rollbackRun('schedule#2')).rejects.toBeInstanceOf(RunInProgressError);
      const rollback = await later.rollbackRun('schedule#2');

      // Assess: the table is exactly as run 1 left it.
      expect(rollback).toEqual({ rolledBack: true, runId: 'run-2', statesRestored: 2, transitionsDeleted: 3 });
      const sortItems = (items: Record<string, unknown>[]) =>
        [...items].sort((x, y) => `${String(x['pk'])}|${String(x['sk'])}`.localeCompare(`${String(y['pk'])}|${String(y['sk'])}`));
      expect(sortItems(liveItems(await table.scanAll()))).toEqual(sortItems(liveItems(before)));
      expect(await later.status('schedule#2')).toEqual({ state: 'absent' });

      // Act again: the retry is an ordinary first attempt (a new run, as every attempt is: run ids carry
      // their start time) and makes the same three moves.
      const redo = await auditRun(later, current, 'run-2-retry', RUN2, 'schedule#2');
      expect(redo.transitions.map((t) => `${t.kind} ${t.finding.id}`)).toEqual(crashedPlan.transitions.map((t) => `${t.kind} ${t.finding.id}`));
      expect(itemsOf(await table.scanAll(), 'transition')).toHaveLength(5);
    });

    it('may go past the lease when the caller states the single-concurrency guarantee', async () => {
      // Prepare: run 2 recorded but never completed, a minute ago.
      await auditRun(store, audit([dbTimeout]), 'run-1', RUN1);
      const before = await table.scanAll();
      const plan = reconcile({ previous: await store.loadOpenStates(), current: audit([pool]), runId: 'run-2', now: new Date(RUN2) });
      const atRun2 = new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, now: () => new Date(RUN2) });
      await atRun2.recordRun(runSummary('run-2', RUN2), plan.transitions, plan.next, 'schedule#2');
      const minuteLater = new HistoryStore({
        documentClient: table.documentClient,
        tableName: table.tableName,
        now: () => new Date(Date.parse(RUN2) + 60_000),
      });

      // Act
      await expect(minuteLater.rollbackRun('schedule#2')).rejects.toBeInstanceOf(RunInProgressError);
      const forced = await minuteLater.rollbackRun('schedule#2', { singleConcurrency: true });

      // Assess
      expect(forced).toMatchObject({ rolledBack: true, runId: 'run-2', transitionsDeleted: 2 });
      expect(liveItems(await table.scanAll())).toHaveLength(liveItems(before).length);
      expect(itemsOf(await table.scanAll(), 'recording')).toEqual([]);
    });

    it('does nothing for a complete run', async () => {
      await auditRun(store, audit([dbTimeout]), 'run-1', RUN1, 'schedule#1');
      const before = await table.scanAll();

      const result = await store.rollbackRun('schedule#1');

      expect(result.rolledBack).toBe(false);
      expect(await table.scanAll()).toEqual(before);
    });
  });
  describe('Method: recoverCrashedRuns', () => {
    const sortItems = (items: Record<string, unknown>[]) =>
      liveItems(items).sort((x, y) => `${String(x['pk'])}|${String(x['sk'])}`.localeCompare(`${String(y['pk'])}|${String(y['sk'])}`));

    /** Records run `runId` of `key` at `at` and stops before completing it, as a crash after recordRun would. */
    async function crashAfterRecording(key: string, runId: string, at: string, findings: Parameters<typeof audit>[0]): Promise<void> {
      const atRun = new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, now: () => new Date(at) });
      const plan = reconcile({ previous: await atRun.loadOpenStates(), current: audit(findings), runId, now: new Date(at) });
      await atRun.recordRun(runSummary(runId, at), plan.transitions, plan.next, key);
    }

    it("rolls back another event's crashed run at the start of the next one, within the lease", async () => {
      // Prepare: 11:00 changes DB_TIMEOUT and opens LOG_LEVEL, then dies before completing.
      await auditRun(store, audit([dbTimeout, pool]), 'run-1', RUN1, 'schedule#10');
      const before = await table.scanAll();
      await crashAfterRecording('schedule#11', 'run-2', RUN2, [finding({ actual: { text: '90', secret: false } }), pool, logLevel]);
      const next = new HistoryStore({
        documentClient: table.documentClient,
        tableName: table.tableName,
        now: () => new Date(Date.parse(RUN2) + 60_000),
      });

      // Act: the 12:00 event starts (a minute is well inside the default 15-minute lease).
      const recovered = await next.recoverCrashedRuns({ idempotencyKey: 'schedule#12', singleConcurrency: true });

      // Assess: the table is as the 10:00 run left it; the 11:00 moves will be made (and alerted) again.
      expect(recovered).toEqual([{ rolledBack: true, runId: 'run-2', idempotencyKey: 'schedule#11', statesRestored: 3, transitionsDeleted: 2 }]);
      expect(sortItems(await table.scanAll())).toEqual(sortItems(before));
      expect(await next.status('schedule#11')).toEqual({ state: 'absent' });
      const redo = await auditRun(next, audit([finding({ actual: { text: '90', secret: false } }), pool, logLevel]), 'run-3', RUN3, 'schedule#12');
      expect(redo.transitions.map((t) => `${t.kind} ${t.finding.id}`)).toEqual([`changed ${dbTimeout.id}`, `opened ${logLevel.id}`]);
    });

    it('without the guarantee, leaves a claim inside the lease and every older one, and refuses its own', async () => {
      // Prepare: two runs left recording (a caller that skipped recovery); a 30-minute lease.
      await crashAfterRecording('schedule#a', 'run-a', RUN1, [dbTimeout]);
      await crashAfterRecording('schedule#b', 'run-b', RUN2, [logLevel]);
      const at = (ms: number) =>
        new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, leaseMs: 30 * 60_000, now: () => new Date(ms) });
      const soon = at(Date.parse(RUN2) + 60_000);

      // Act
      const whileAlive = await soon.recoverCrashedRuns({ idempotencyKey: 'schedule#c' });
      const ownRefused = soon.recoverCrashedRuns({ idempotencyKey: 'schedule#b' });
      await expect(ownRefused).rejects.toBeInstanceOf(RunInProgressError);
      const afterLease = await at(Date.parse(RUN3)).recoverCrashedRuns({ idempotencyKey: 'schedule#c' });

      // Assess: run-a is past the lease from the start, but waits behind run-b, which may be alive.
      expect(whileAlive).toEqual([]);
      expect(afterLease.map((r) => r.runId)).toEqual(['run-b', 'run-a']);
      expect(liveItems(await table.scanAll())).toEqual([]);
    });

    it('drops a marker whose claim is gone or complete, and touches nothing else', async () => {
      // Prepare: a complete run, then markers left by crashes between two writes.
      await auditRun(store, audit([dbTimeout]), 'run-1', RUN1, 'schedule#1');
      const before = await table.scanAll();
      await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'RECORDING', sk: 'schedule#1', itemType: 'recording' } }));
      await table.documentClient.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'RECORDING', sk: 'schedule#gone', itemType: 'recording' } }));

      // Act
      const recovered = await store.recoverCrashedRuns({ singleConcurrency: true });

      // Assess
      expect(recovered).toEqual([]);
      expect(await table.scanAll()).toEqual(before);
    });

    it('sends only the DynamoDB actions the audit role is granted, and needs each of them', async () => {
      // Prepare: every path of the store: record (batched and resumed), complete, a duplicate, a crash and its recovery.
      const sent = new Set<string>();
      const ACTION_OF: Record<string, string> = {
        BatchWriteCommand: 'dynamodb:BatchWriteItem',
        DeleteCommand: 'dynamodb:DeleteItem',
        GetCommand: 'dynamodb:GetItem',
        PutCommand: 'dynamodb:PutItem',
        QueryCommand: 'dynamodb:Query',
        UpdateCommand: 'dynamodb:UpdateItem',
      };
      const watched = new HistoryStore({
        tableName: table.tableName,
        now: () => new Date(RUN3),
        documentClient: intercept(table.documentClient, (command, send) => {
          sent.add(ACTION_OF[command.constructor.name] ?? `unmapped ${command.constructor.name}`);
          return send();
        }),
      });

      // Act
      await auditRun(watched, audit([dbTimeout, pool]), 'run-1', RUN1, 'schedule#1');
      await auditRun(watched, audit([dbTimeout]), 'run-1-again', RUN1, 'schedule#1');
      await crashAfterRecording('schedule#2', 'run-2', RUN2, [logLevel]);
      await watched.recordRun(runSummary('run-2', RUN2), [], [], 'schedule#2');
      await watched.recoverCrashedRuns({ idempotencyKey: 'schedule#3', singleConcurrency: true });
      await watched.loadOpenStates();

      // Assess
      expect([...sent].sort()).toEqual([...HISTORY_WRITER_ACTIONS]);
    });
  });
});
