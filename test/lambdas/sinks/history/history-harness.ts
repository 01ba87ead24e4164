import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { reconcile } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import type { AuditResult, Transition } from '../../../../lambdas/engine/model.js';
import type { HistoryDocumentClient, HistoryStore, RecordRunResult } from '../../../../lambdas/sinks/history/history-store.js';
import { audit, finding, runSummary } from '../../engine/lifecycle/lifecycle-fixtures.js';

/** A command as the document client sees it: its class name and input. */
export type SentCommand = { readonly constructor: { readonly name: string }; readonly input: Record<string, unknown> };

/**
 * A document client that passes every command to `hook` first, so a test can count, alter, fail or
 * answer commands while the real client (pointed at dynalite) does the rest.
 */
export function intercept(
  client: DynamoDBDocumentClient,
  hook: (command: SentCommand, send: () => Promise<unknown>) => Promise<unknown>,
): HistoryDocumentClient {
  // `send` is overloaded per command; the hook forwards the very command it was given.
  const send = (command: SentCommand) => hook(command, () => client.send(command as never));
  return { send } as unknown as HistoryDocumentClient;
}

/** What one scheduled audit does with history: load, reconcile, record, complete. */
export async function auditRun(
  store: HistoryStore,
  current: AuditResult,
  runId: string,
  at: string,
  idempotencyKey = `schedule#${at}`,
): Promise<{ transitions: Transition[]; result: RecordRunResult }> {
  const previous = await store.loadOpenStates();
  const { transitions, next } = reconcile({ previous, current, runId, now: new Date(at) });
  const result = await store.recordRun(runSummary(runId, at), transitions, next, idempotencyKey);
  if (!result.duplicate) await store.markRunComplete(idempotencyKey);
  return { transitions, result };
}

/** Items of one kind, by their `itemType` attribute. */
export function itemsOf(items: readonly Record<string, unknown>[], itemType: string): Record<string, unknown>[] {
  return items.filter((item) => item['itemType'] === itemType);
}

/**
 * The items a reader of history sees: without the recording protocol's bookkeeping (run plans, the
 * fences a rollback leaves, rolled-back claims) and without the `priorState` and `fencedRuns`
 * attributes of states. "The table is as run 1 left it" compares this view.
 */
export function liveItems(items: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return items
    .filter((item) => item['itemType'] !== 'fence' && item['itemType'] !== 'plan' && !(item['itemType'] === 'claim' && item['status'] === 'rolled-back'))
    .map(({ priorState: _prior, fencedRuns: _fences, ...rest }) => rest);
}

/** Run times of the seeded history. */
export const SEEDED = {
  october: '2026-10-15T09:00:00.000Z',
  run1: '2026-11-01T10:00:00.000Z',
  run2: '2026-11-01T11:00:00.000Z',
  run3: '2026-11-01T12:00:00.000Z',
  now: '2026-11-23T12:00:00.000Z',
} as const;

/** The findings of the seeded history. */
export const SEEDED_FINDINGS = {
  euTimeout: finding(),
  euTimeout90: finding({ actual: { text: '90', secret: false } }),
  euSensitive: finding({
    type: 'invalid',
    key: 'LOG_INCLUDE_SENSITIVE',
    severity: 'critical',
    expected: { text: 'false', secret: false },
    actual: { text: 'true', secret: false },
  }),
  usPool: finding({ type: 'parity', key: 'DB_POOL_SIZE', environment: 'production-us', severity: 'medium' }),
  usTimeout: finding({ environment: 'production-us' }),
} as const;

/**
 * Four runs of the seeds' estate: October opens the EU DB_TIMEOUT fix and the US pool parity; on
 * 1 November the EU timeout changes to 90 while LOG_INCLUDE_SENSITIVE and the US timeout open (10:00),
 * the EU timeout is reverted (11:00) and comes back (12:00).
 */
export async function seedHistory(store: HistoryStore): Promise<void> {
  const f = SEEDED_FINDINGS;
  await auditRun(store, audit([f.euTimeout, f.usPool]), 'run-0', SEEDED.october);
  await auditRun(store, audit([f.euTimeout90, f.euSensitive, f.usPool, f.usTimeout]), 'run-1', SEEDED.run1);
  await auditRun(store, audit([f.euSensitive, f.usPool, f.usTimeout]), 'run-2', SEEDED.run2);
  await auditRun(store, audit([f.euTimeout, f.euSensitive, f.usPool, f.usTimeout]), 'run-3', SEEDED.run3);
}
