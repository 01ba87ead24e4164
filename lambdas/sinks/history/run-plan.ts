import { distinct } from './dynamo-operations.js';
import { expiresAt } from './history-items.js';
import { historyKeys } from './table-schema.js';
import type { ItemKey } from './table-writer.js';

/**
 * Every item key a run may write besides its claim, marker, run item and outbox entries (which the
 * claim locates): the finding states it changes and its transitions. Written before any of them, so a
 * rollback can fence a write that has not landed yet, not only the ones it can find.
 */
export interface RunPlan {
  /** Finding ids whose state the run writes. */
  readonly states: readonly string[];
  /** Keys of the run's transition items. */
  readonly transitions: readonly ItemKey[];
}

/** Bytes of plan entries per chunk item: far inside DynamoDB's 400 KB item limit. */
const CHUNK_BYTES = 256 * 1024;

/** The union of two plans, sorted, so what is stored is the same on every attempt. */
export function mergePlans(a: RunPlan, b: RunPlan): RunPlan {
  const transitions = new Map<string, ItemKey>();
  for (const key of [...a.transitions, ...b.transitions]) transitions.set(`${key.pk}\u0000${key.sk}`, key);
  return {
    states: distinct([...a.states, ...b.states]),
    transitions: [...transitions.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, key]) => key),
  };
}

/** The chunk items holding `plan`, under the claim's partition. */
export function planItems(plan: RunPlan, idempotencyKey: string, run: { readonly runId: string; readonly startedAt: string }, retentionDays: number): object[] {
  const entries = [...plan.states.map((id) => JSON.stringify(['state', id])), ...plan.transitions.map((key) => JSON.stringify(['transition', key.pk, key.sk]))];
  const chunks: string[][] = [[]];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry) + 1;
    if (bytes + size > CHUNK_BYTES && (chunks.at(-1)?.length ?? 0) > 0) {
      chunks.push([]);
      bytes = 0;
    }
    chunks.at(-1)?.push(entry);
    bytes += size;
  }
  return chunks.map((chunk, index) => ({
    pk: historyKeys.claimPk(idempotencyKey),
    sk: historyKeys.planSk(run.runId, index),
    itemType: 'plan',
    runId: run.runId,
    entries: chunk,
    expiresAt: expiresAt(run.startedAt, retentionDays),
  }));
}

/** The plan held by chunk items (any order; unknown entries are skipped). */
export function parsePlan(items: readonly Record<string, unknown>[]): RunPlan {
  const states: string[] = [];
  const transitions: ItemKey[] = [];
  for (const item of items) {
    for (const raw of Array.isArray(item['entries']) ? item['entries'] : []) {
      const entry = JSON.parse(String(raw)) as unknown[];
      if (entry[0] === 'state' && typeof entry[1] === 'string') states.push(entry[1]);
      if (entry[0] === 'transition' && typeof entry[1] === 'string' && typeof entry[2] === 'string') transitions.push({ pk: entry[1], sk: entry[2] });
    }
  }
  return mergePlans({ states, transitions }, { states: [], transitions: [] });
}
