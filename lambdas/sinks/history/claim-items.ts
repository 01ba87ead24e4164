/** The history store's shared context, and the claim and recording-marker items every part of it reads. */
import type pLimit from 'p-limit';
import type { ClaimStatus } from './history-items.js';
import { historyKeys } from './table-schema.js';
import type { ItemKey, TableWriter } from './table-writer.js';

/** What every part of the history store works with: the table and the store's settings. */
export interface StoreContext {
  readonly table: TableWriter;
  readonly tableName: string;
  readonly retentionDays: number;
  readonly leaseMs: number;
  readonly now: () => Date;
  readonly limit: ReturnType<typeof pLimit>;
  readonly maxBatchAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A claim as read from the table. */
export type ClaimItem = Record<string, unknown>;

/** The key of `idempotencyKey`'s claim. */
export function claimKey(idempotencyKey: string): ItemKey {
  return { pk: historyKeys.claimPk(idempotencyKey), sk: historyKeys.claimSk };
}

/** The key of `idempotencyKey`'s recording marker, which recovery finds crashed runs by. */
export function markerKey(idempotencyKey: string): ItemKey {
  return { pk: historyKeys.recordingPk, sk: historyKeys.recordingSk(idempotencyKey) };
}

/** Drops the recording marker of a key; unconditional, since only its claim says what it is worth. */
export async function deleteMarker(ctx: StoreContext, idempotencyKey: string): Promise<void> {
  await ctx.table.delete({ Key: markerKey(idempotencyKey) }, `recording marker of ${idempotencyKey}`);
}

/** `idempotencyKey`'s claim item (a strongly consistent read); undefined when none was ever taken. */
export async function getClaim(ctx: StoreContext, idempotencyKey: string): Promise<ClaimItem | undefined> {
  return ctx.table.get(claimKey(idempotencyKey), `claim ${idempotencyKey}`);
}

/** A `recording` claim inside the lease may belong to a live invocation; a rollback already under way is resumed. */
export function mayBeAlive(ctx: StoreContext, claim: ClaimItem): boolean {
  return claimStatus(claim) === 'recording' && ctx.now().getTime() - Date.parse(String(claim['claimedAt'])) < ctx.leaseMs;
}

/** A claim item's status; claims written before rollbacks kept one are `recording` or `complete`. */
export function claimStatus(claim: ClaimItem | undefined): ClaimStatus | undefined {
  if (claim === undefined) return undefined;
  const status = claim['status'];
  return status === 'complete' || status === 'rolling-back' || status === 'rolled-back' ? status : 'recording';
}
