import { createHash } from 'node:crypto';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse } from 'aws-lambda';
import { parseChangeBatch, type ChangeQueueRecord } from '../events/change-messages.js';
import { targetChanges, type EnvironmentTarget } from '../events/change-targets.js';
import type { AuditInvocationContext, AuditObservability } from './handler.js';
import { loadAuditBaseline } from './load-audit-baseline.js';
import type { AuditDependencies, AuditOutcome } from './run-audit.js';

/** The SQS event Lambda's event source mapping delivers (the fields read of aws-lambda's `SQSEvent`). */
export interface ChangeBatchEvent {
  readonly Records: readonly (ChangeQueueRecord & { readonly eventSource: 'aws:sqs' })[];
}

/** Whether an invocation is an SQS batch (the change queue) rather than a scheduled or manual run. */
export function isChangeBatch(event: unknown): event is ChangeBatchEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((record) => (record as { eventSource?: unknown })?.eventSource === 'aws:sqs');
}

/**
 * The idempotency key of a batch: a digest of its message ids. Lambda delivers a failed batch again
 * with the same messages (same ids), which is then the same run; a batch mixing new messages is a new
 * run, harmless because reconciling what is already recorded moves nothing.
 */
export function changeBatchKey(event: ChangeBatchEvent): string {
  const ids = event.Records.map((record) => record.messageId).sort();
  return `changes#${createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 32)}`;
}

/** The run a batch leads to, for tests and the benchmark: the targets and the audit's outcome. */
export interface ChangeBatchResult {
  readonly response: SQSBatchResponse;
  readonly targets: readonly EnvironmentTarget[];
  readonly outcome?: AuditOutcome;
}

/** Runs one audit (the handler's `handleAudit`), here a targeted one of `changes`. */
export type AuditRunner = (
  event: unknown,
  context: AuditInvocationContext,
  deps: AuditDependencies,
  observability: AuditObservability,
  changes: readonly EnvironmentTarget[],
) => Promise<AuditOutcome>;

/**
 * One SQS batch of change events, end to end: parse (unreadable messages dropped and counted), map
 * onto the baseline's environments and sources (changes under no declared source dropped and
 * counted), then one targeted audit of what they touched, through the same lifecycle, history and
 * alerts as a sweep. Messages whose environment could not be read come back as batch item failures,
 * so SQS delivers them again (then dead-letters them); a failed run throws, failing the whole batch.
 * Returns the SQS answer, with the targets and the outcome for tests and the benchmark.
 */
export async function runChangeBatch(
  event: ChangeBatchEvent,
  context: AuditInvocationContext,
  deps: AuditDependencies,
  observability: AuditObservability,
  audit: AuditRunner,
): Promise<ChangeBatchResult> {
  const { logger: log, metrics: measure } = observability;
  const parsed = parseChangeBatch(event.Records);
  if (parsed.dropped.length > 0) {
    const reasons: Record<string, number> = {};
    for (const { reason } of parsed.dropped) reasons[reason] = (reasons[reason] ?? 0) + 1;
    measure.addMetric('ChangeMessagesUnreadable', MetricUnit.Count, parsed.dropped.length);
    log.warn('change messages dropped: not a change event this auditor reads', { dropped: parsed.dropped.length, reasons });
  }
  const audited = await loadAuditBaseline(deps.s3, { bucket: deps.bucket, key: deps.baselineKey, lastValidKey: `${deps.statePrefix}last-valid-baseline.json` });
  // No usable baseline: nothing can be targeted; the run records the failure as a sweep would.
  const { targets, unmatched } = audited.kind === 'none' ? { targets: [], unmatched: [] } : targetChanges(audited.baseline, parsed.changes);
  measure.addMetric('ChangeEvents', MetricUnit.Count, parsed.changes.length);
  if (unmatched.length > 0) {
    measure.addMetric('ChangeEventsUndeclared', MetricUnit.Count, unmatched.length);
    // Counted, never listed: a parameter name can say more than its owner wants in a log.
    log.info('change events dropped: under no source the baseline declares', { dropped: unmatched.length });
  }
  if (targets.length === 0 && audited.kind !== 'none') {
    measure.publishStoredMetrics();
    return { response: { batchItemFailures: [] }, targets };
  }
  log.info('targeted audit of changed environments', {
    environments: targets.map((target) => target.environment),
    items: targets.reduce((sum, target) => sum + [...target.sources.values()].reduce((n, items) => n + items.length, 0), 0),
  });
  const outcome = await audit(event, context, deps, observability, targets);
  const failed = new Set(outcome.kind === 'recorded' ? (outcome.failedEnvironments ?? []) : []);
  const retry = [...new Set(targets.filter((target) => failed.has(target.environment)).flatMap((target) => target.messageIds))].sort();
  if (retry.length > 0)
    log.warn('changed environments could not be read; their messages are delivered again', { environments: [...failed].sort(), messages: retry.length });
  return { response: { batchItemFailures: retry.map((itemIdentifier) => ({ itemIdentifier })) }, targets, outcome };
}
