import type { SNSClient } from '@aws-sdk/client-sns';
import type { AlertOutbox } from '../alerts/alert-outbox.js';
import { publishRunMessage } from '../alerts/sns-publisher.js';
import { buildReminderEmailText } from './reminder-email-text.js';
import type { RunMessageAttributes } from '../alerts/run-message.js';
import type { PendingAlert } from '../history/history-items.js';
import type { ReminderLog } from '../history/reminder-log.js';
import type { EnqueueContext, OutboxEntry, RunLinks, RunOutput, RunSink } from '../run-sink.js';
import {
  buildReminder,
  dayOf,
  reminderAttributes,
  reminderSubject,
  REMINDER_MESSAGE_SCHEMA,
  type Announced,
  type ReminderMessageBody,
  type ReminderOptions,
} from './reminder-message.js';

/** The outbox lane of reminders; stored in the table, so never renamed. */
export const REMINDER_LANE = 'reminders';

/** What the reminder sink reads, records and publishes with. */
export interface ReminderSinkOptions {
  readonly sns: SNSClient;
  /** The alerts topic: the Slack notifier and every other subscriber get reminders there. */
  readonly topicArn: string;
  /** The reminders waiting in the outbox (committed, not yet delivered). */
  readonly outbox: Pick<AlertOutbox, 'pendingAlerts'>;
  /** What was delivered before. */
  readonly log: ReminderLog;
  readonly options: ReminderOptions;
  /** When a reminder counts as sent. @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Reminders as a run sink: at most one digest a day of drift open longer than `staleAfterDays`, and
 * each exception announced once when it enters its last `exceptionWarningDays`, on the alerts topic.
 *
 * Once, across runs, retries and redeliveries, from three facts: a redelivered event is a duplicate
 * and enqueues nothing; a crashed run's entry is rolled back before the next run decides; and a run
 * decides (in its `write` stage, the only asynchronous one before the commit) from what the reminder
 * log says was delivered plus what waits committed in the lane. That last read is sound because the
 * audit runs one invocation at a time (reserved concurrency 1). A crash between the publish and its
 * log record publishes that reminder again: SNS standard topics are at least once as well.
 */
export class ReminderSink implements RunSink {
  readonly name = REMINDER_LANE;
  readonly destination: string;
  private readonly config: ReminderSinkOptions;
  /** The reminder decided in `write`, by run id, until `enqueue` takes it. */
  private readonly decided = new Map<string, ReminderMessageBody>();

  constructor(options: ReminderSinkOptions) {
    this.config = options;
    this.destination = options.topicArn;
  }

  async write(output: RunOutput): Promise<RunLinks> {
    const { run } = output;
    this.decided.delete(run.runId);
    const announced = await this.announced(run.startedAt);
    const body = buildReminder({
      runId: run.runId,
      now: run.startedAt,
      states: output.next,
      exceptions: output.analysed?.baseline.exceptions ?? [],
      options: this.config.options,
      announced,
    });
    if (body !== undefined) this.decided.set(run.runId, body);
    return {};
  }

  enqueue(output: RunOutput, _context: EnqueueContext): OutboxEntry | undefined {
    const body = this.decided.get(output.run.runId);
    this.decided.delete(output.run.runId);
    if (body === undefined) return undefined;
    return { subject: reminderSubject(body), body: JSON.stringify(body), attributes: reminderAttributes(body) };
  }

  async deliver(entry: PendingAlert): Promise<void> {
    const body = JSON.parse(entry.body) as ReminderMessageBody;
    await publishRunMessage(
      this.config.sns,
      this.destination,
      {
        subject: entry.subject,
        body: entry.body,
        // The publisher sends every attribute as it is: strings, and lists as String.Array.
        attributes: entry.attributes as unknown as RunMessageAttributes,
        truncated: false,
      },
      { email: buildReminderEmailText(entry.subject, body) },
    );
    await this.config.log.record({
      day: body.day,
      runId: entry.runId,
      sentAt: (this.config.now ?? (() => new Date()))().toISOString(),
      digest: body.digest !== undefined,
      findings: body.digest?.findings.map((finding) => finding.findingId) ?? [],
      exceptions: body.expiring.exceptions.map((exception) => exception.exceptionId),
    });
  }

  /**
   * What was announced already: digests of today, and exceptions announced within their warning
   * window (an exception is only announced inside it, so looking back that far finds it).
   */
  private async announced(startedAt: string): Promise<Announced> {
    const today = dayOf(startedAt);
    const from = dayOf(new Date(Date.parse(`${today}T00:00:00Z`) - (this.config.options.exceptionWarningDays + 1) * 86_400_000).toISOString());
    const sent = await this.config.log.between(from, today);
    const waiting = (await this.config.outbox.pendingAlerts(REMINDER_LANE))
      .map((entry) => JSON.parse(entry.body) as Partial<ReminderMessageBody>)
      .filter((body): body is ReminderMessageBody => body.schema === REMINDER_MESSAGE_SCHEMA);
    return {
      digestDays: new Set([
        ...sent.filter((record) => record.digest).map((record) => record.day),
        ...waiting.filter((body) => body.digest !== undefined).map((body) => body.day),
      ]),
      exceptions: new Set([
        ...sent.flatMap((record) => record.exceptions),
        ...waiting.flatMap((body) => body.expiring.exceptions.map((exception) => exception.exceptionId)),
      ]),
    };
  }
}
