import { CopyObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { HistoryQueries } from '../../../lambdas/sinks/history/history-queries.js';
import type { HistoryDocumentClient } from '../../../lambdas/sinks/history/history-store.js';
import { intercept, type SentCommand } from '../sinks/history/history-harness.js';
import { alertedTransitions, invokeAudit, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

/**
 * How the one broken write of a run behaves, against dynalite:
 * - `refused`: it fails and never reaches the table (a connection reset before the request left);
 * - `late-during-rollback` / `late-after-rollback`: the client gives up on it at once (a timeout) but
 *   the request lands later, while the retry rolls the run back or just after;
 * - `frozen`: it fails, and every call the invocation still starts after its handler has returned is
 *   held, as Lambda holds a frozen execution environment, then released when the retry runs, so it
 *   races the retry (the production incident: 33 of 43 findings never alerted).
 */
type FaultMode = 'refused' | 'late-during-rollback' | 'late-after-rollback' | 'frozen';

const WRITE_COMMANDS = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);
const isWrite = (command: SentCommand): boolean => WRITE_COMMANDS.has(command.constructor.name);
/** The retry's read of what is open, after any rollback: `loadOpenStates` (the rollback filters by run). */
const isOpenStatesLoad = (command: SentCommand): boolean =>
  command.constructor.name === 'QueryCommand' && command.input['IndexName'] === 'open' && command.input['FilterExpression'] === undefined;

function networkError(): Error {
  return Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
}

/** The writes of the faulty invocation that have not reached the table yet, and when to let them. */
class HeldWrites {
  private readonly held: (() => Promise<unknown>)[] = [];
  /** Set once the faulty invocation has returned: what it starts from then on waits for the thaw. */
  frozen = false;

  hold(send: () => Promise<unknown>): Promise<unknown> {
    return new Promise((resolve, reject) => this.held.push(() => send().then(resolve, reject)));
  }

  holdLanding(send: () => Promise<unknown>): void {
    this.held.push(() => send());
  }

  /** Lets every held write land, and waits for them. */
  async release(): Promise<void> {
    this.frozen = false;
    while (this.held.length > 0) await Promise.allSettled(this.held.splice(0).map((send) => send()));
  }

  get size(): number {
    return this.held.length;
  }
}

/** The faulty invocation's client: counts its writes and breaks write `n` as `mode` says. */
function faultyClient(base: HistoryDocumentClient, mode: FaultMode, n: number, held: HeldWrites, counter: { writes: number }): HistoryDocumentClient {
  return intercept(base as never, async (command, send) => {
    if (held.frozen) return held.hold(send);
    if (!isWrite(command)) return send();
    counter.writes += 1;
    if (counter.writes !== n) return send();
    if (mode === 'late-during-rollback' || mode === 'late-after-rollback') {
      held.holdLanding(send);
      throw Object.assign(new Error('request timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    }
    throw networkError();
  });
}

/** The client of every later invocation: lets the held writes land at the point `mode` names. */
function laterClient(base: HistoryDocumentClient, mode: FaultMode, held: HeldWrites): HistoryDocumentClient {
  return intercept(base as never, async (command, send) => {
    const releaseNow = held.size > 0 && (mode === 'late-during-rollback' ? isWrite(command) : isOpenStatesLoad(command));
    if (releaseNow) await held.release();
    return send();
  });
}

const DAY = { since: new Date('2026-11-23T00:00:00Z'), until: new Date('2026-11-24T00:00:00Z') };
/** Run 0 (10:00): two values drifted, one setting never set. Recorded once, copied into every case. */
const BEFORE = ['opened DB_POOL_SIZE', 'opened INVENTORY_SERVICE_URL', 'opened PAYMENT_TIMEOUT'];
/** Run 1 (11:00, the one that breaks): a drift moves on, one is fixed, one appears; the missing one stays. */
const RUN_1 = ['changed PAYMENT_TIMEOUT', 'opened LOG_LEVEL', 'resolved DB_POOL_SIZE'];
/** Every transition, as history must hold it at the end. */
const EXPECTED = [...BEFORE, ...RUN_1].sort();
const TEMPLATE = 'history-run-0';

/**
 * "History exactly once, alerts at least once": for every write a run makes, a run whose N-th write
 * breaks is retried as Lambda retries it (up to two retries, a minute apart), then the next hourly run
 * comes. Whatever write broke, and however, history ends up holding each transition exactly once, the
 * open findings are the estate's, and every transition was alerted at least once.
 */
describe('Recording under a failure at every write', () => {
  let rig: AuditRig;
  let writesPerRun = 0;
  let tables = 0;

  beforeAll(async () => {
    rig = await startAuditRig();
    await rig.uploadBaseline(SMALL_BASELINE_YAML);
    // Run 0 once, on a table and state prefix every case starts from.
    await rig.table.createTable(TEMPLATE);
    estateBefore();
    const clock = { now: 0 };
    const topicArn = `arn:aws:sns:eu-west-1:123456789012:alerts-${TEMPLATE}`;
    await invokeAudit(rigDependencies(rig, { tableName: TEMPLATE, statePrefix: `${TEMPLATE}/`, topicArn, clock }), clock, '2026-11-23T10:00:00Z');
    expect(alertedTransitions(rig.sns, topicArn).sort()).toEqual(BEFORE);
    // Calibrate: how many writes the run that will break makes when nothing breaks.
    const counter = { writes: 0 };
    const outcome = await scenario({ mode: 'refused', n: 0, counter });
    expect(outcome.problems).toEqual([]);
    writesPerRun = counter.writes;
    expect(writesPerRun).toBeGreaterThan(5);
  });

  afterAll(async () => {
    await rig.close();
  });

  /** Estate before the faulty run: two drifts, INVENTORY_SERVICE_URL never set, LOG_LEVEL right. */
  function estateBefore(): void {
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.paymentTimeout, value: '60' });
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.poolSize, value: '20' });
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'warn' });
  }

  /** Estate of the faulty run and after: PAYMENT_TIMEOUT moves on, the pool is fixed, LOG_LEVEL drifts. */
  function estateAfter(): void {
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.paymentTimeout, value: '90' });
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.poolSize, value: '10' });
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'debug' });
  }

  /** Starts a case where run 0 left off: its table items and its state objects (so run 1 reads incrementally). */
  async function copyRunZero(tableName: string): Promise<void> {
    const items = await rig.table.scanAll(TEMPLATE);
    for (let i = 0; i < items.length; i += 25) {
      const chunk = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } }));
      await rig.table.documentClient.send(new BatchWriteCommand({ RequestItems: { [tableName]: chunk } }));
    }
    const listed = await rig.s3.client.send(new ListObjectsV2Command({ Bucket: rig.s3.bucket, Prefix: `${TEMPLATE}/` }));
    for (const object of listed.Contents ?? []) {
      const key = object.Key ?? '';
      await rig.s3.client.send(
        new CopyObjectCommand({ Bucket: rig.s3.bucket, CopySource: `${rig.s3.bucket}/${key}`, Key: `${tableName}/${key.slice(TEMPLATE.length + 1)}` }),
      );
    }
  }

  /** Runs the scenario on a fresh table and says what, if anything, is wrong with the end state. */
  async function scenario(fault: { mode: FaultMode; n: number; counter?: { writes: number } }): Promise<{ problems: string[] }> {
    tables += 1;
    const tableName = `history-${tables}`;
    await rig.table.createTable(tableName);
    const topicArn = `arn:aws:sns:eu-west-1:123456789012:alerts-${tableName}`;
    const clock = { now: 0 };
    const held = new HeldWrites();
    const counter = fault.counter ?? { writes: 0 };
    // One write in flight at a time (production: 8, with dozens of findings): a run of this size then has
    // writes still queued behind a request in flight when one fails, as the production run had.
    const base = { tableName, statePrefix: `${tableName}/`, topicArn, clock, concurrency: 1 };
    const later = rigDependencies(rig, { ...base, documentClient: laterClient(rig.table.documentClient, fault.mode, held) });
    const problems: string[] = [];

    await copyRunZero(tableName);
    estateAfter();
    const faulty = rigDependencies(rig, { ...base, documentClient: faultyClient(rig.table.documentClient, fault.mode, fault.n, held, counter) });
    const attempts: (AuditOutcome | Error)[] = [await invokeAudit(faulty, clock, '2026-11-23T11:00:00Z').catch((error: Error) => error)];
    if (fault.mode === 'frozen') held.frozen = true;
    // Lambda retries a failed asynchronous invocation twice, a minute or two later.
    for (let retry = 1; retry <= 2 && attempts.at(-1) instanceof Error; retry += 1) {
      attempts.push(await invokeAudit(later, clock, '2026-11-23T11:00:00Z', `2026-11-23T11:0${retry}:00Z`).catch((error: Error) => error));
    }
    const next = await invokeAudit(later, clock, '2026-11-23T12:00:00Z').catch((error: Error) => error);
    // Whatever is still held lands now, at the latest: it must change nothing.
    await held.release();
    if (next instanceof Error) problems.push(`the next hourly run failed: ${next.name}: ${next.message}`);
    if (attempts.at(-1) instanceof Error) {
      problems.push(`the 11:00 event never recorded: ${attempts.map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : a.kind)).join(' | ')}`);
    }

    const queries = new HistoryQueries({ documentClient: rig.table.documentClient, tableName, now: () => new Date('2026-11-23T13:00:00Z') });
    const history = (await queries.findingsByRegion('eu-west-1', DAY)).map((t) => `${t.kind} ${t.finding.key}`).sort();
    if (JSON.stringify(history) !== JSON.stringify(EXPECTED)) problems.push(`history holds ${JSON.stringify(history)}`);
    const items = await rig.table.scanAll(tableName);
    const stored = items.filter((item) => item['itemType'] === 'transition').length;
    if (stored !== EXPECTED.length) problems.push(`${stored} transition items stored, expected ${EXPECTED.length}`);
    const open = (await queries.openFindings()).map((state) => `${state.finding.key}=${state.finding.actual?.text ?? '(absent)'}`).sort();
    const expectedOpen = ['INVENTORY_SERVICE_URL=(absent)', 'LOG_LEVEL=debug', 'PAYMENT_TIMEOUT=90'];
    if (JSON.stringify(open) !== JSON.stringify(expectedOpen)) problems.push(`open findings are ${JSON.stringify(open)}`);
    const alerted = new Set(alertedTransitions(rig.sns, topicArn));
    const unalerted = RUN_1.filter((transition) => !alerted.has(transition));
    if (unalerted.length > 0) problems.push(`never alerted: ${unalerted.join(', ')}`);
    const recording = items.filter((item) => item['itemType'] === 'recording' || (item['itemType'] === 'claim' && item['status'] === 'recording'));
    if (recording.length > 0) problems.push(`${recording.length} claims or markers still recording`);
    return { problems };
  }

  for (const mode of ['refused', 'late-during-rollback', 'late-after-rollback', 'frozen'] as const) {
    it(`keeps history exactly once and alerts at least once when any one write is ${mode}`, async () => {
      // Act: break each write of the run in turn.
      const failures: string[] = [];
      for (let n = 1; n <= writesPerRun; n += 1) {
        const { problems } = await scenario({ mode, n });
        if (problems.length > 0) failures.push(`write ${n} of ${writesPerRun}: ${problems.join('; ')}`);
      }

      // Assess
      expect(failures).toEqual([]);
    });
  }
});
