import type { RunOutput, RunRecordResult, RunSink } from '../run-sink.js';
import type { OutboxMessage } from './history-items.js';
import type { HistoryStore } from './history-store.js';

/**
 * The DynamoDB history as a run sink: the one sink that records a run. It records the run's
 * transitions, the states it changed and every lane's outbox entry under the event's idempotency key,
 * then commits (`markRunComplete`); see {@link HistoryStore} for the order that keeps a crash undoable.
 * A duplicate of a recorded event writes nothing and is not committed again.
 */
export class HistorySink implements RunSink {
  readonly name = 'history';

  constructor(private readonly store: HistoryStore) {}

  async record(output: RunOutput, entries: readonly OutboxMessage[]): Promise<RunRecordResult> {
    const recorded = await this.store.recordRun(output.run, output.transitions, output.next, output.idempotencyKey, { alerts: entries });
    if (recorded.duplicate) return recorded;
    await this.store.markRunComplete(output.idempotencyKey);
    return recorded;
  }
}
