import type { PendingAlert } from '../history/history-items.js';
import type { EnqueueContext, OutboxEntry, RunOutput, RunSink } from '../run-sink.js';
import { buildChangeRequests } from './build-change-requests.js';
import type { ChangeRequestAction, ChangeRequestProvider, ChangeRequestResult } from './change-request-provider.js';

/** The outbox lane of pull requests; stored in the table, so never renamed. */
export const PULL_REQUEST_LANE = 'pull-requests';

/**
 * Pull requests from drift as a run sink. `enqueue` stores the run's change requests (one per
 * out-of-band drift opened, changed or resolved) in the `pull-requests` lane, committed with the run;
 * `deliver` sends them to the provider after the commit. It is `deferrable`: a rate limit or an API
 * error never fails the audit; the entry, and those of later runs behind it, wait in the lane and are
 * delivered by the next run, in order. Redelivery is harmless: the provider keys requests by finding id.
 */
export class PullRequestSink implements RunSink {
  readonly name = PULL_REQUEST_LANE;
  readonly deferrable = true;
  readonly destination: string;
  /** What the deliveries did, oldest first (for logs and tests). */
  readonly results: ChangeRequestResult[] = [];

  constructor(private readonly provider: ChangeRequestProvider) {
    this.destination = provider.destination;
  }

  enqueue(output: RunOutput, context: EnqueueContext): OutboxEntry | undefined {
    const actions = buildChangeRequests(output.transitions, context.links.report);
    if (actions.length === 0) return undefined;
    return { subject: `${actions.length} change request(s) from run ${output.run.runId}`, body: JSON.stringify(actions), attributes: {} };
  }

  async deliver(entry: PendingAlert): Promise<void> {
    this.results.push(...(await deliverChangeRequests(this.provider, JSON.parse(entry.body) as ChangeRequestAction[])));
  }
}

/**
 * Sends `actions` to `provider` in order and returns what each did; the first failure throws, and a
 * retry repeats the ones already done harmlessly (upserts and closes are idempotent).
 */
export async function deliverChangeRequests(provider: ChangeRequestProvider, actions: readonly ChangeRequestAction[]): Promise<ChangeRequestResult[]> {
  const results: ChangeRequestResult[] = [];
  for (const action of actions) results.push(action.kind === 'upsert' ? await provider.upsert(action) : await provider.close(action));
  return results;
}
