import type { SNSClient } from '@aws-sdk/client-sns';
import type { OutboxMessage, PendingAlert } from '../history/history-items.js';
import { isRetriableAwsError } from '../../sources/aws/retriable-error.js';
import { describeAwsError } from '../../sources/aws/aws-read-error.js';
import { buildChatbotMessage } from './chatbot-message.js';
import type { RunMessage, RunMessageAttributes, RunMessageBody } from './run-message.js';
import { publishRunMessage } from './sns-publisher.js';

/** The outbox lanes: one per destination topic. */
export type AlertLane = 'topic' | 'chatbot';

/** Where each lane delivers to; a lane without a topic (Chatbot not configured) is not delivered. */
export interface AlertDestinations {
  readonly topic: string;
  readonly chatbot?: string;
}

/** What the outbox needs from the history store. */
export interface AlertOutbox {
  pendingAlerts(lane: string): Promise<PendingAlert[]>;
  acknowledgeAlert(alert: Pick<PendingAlert, 'lane' | 'sk' | 'runId'>): Promise<void>;
}

/** What one delivery pass did. */
export interface DeliveryReport {
  /** Messages published (and acknowledged) in this pass, over every lane. */
  readonly delivered: number;
  /** Runs whose alert reached the main topic in this pass, oldest first. */
  readonly deliveredRuns: readonly string[];
  /** Messages still waiting after it. */
  readonly pending: number;
  /** Set when a publish (or an acknowledgement) failed: the message waits for the next pass. */
  readonly error?: AlertDeliveryError;
}

/**
 * Alerts that could not be delivered now: the run that made them is recorded, and they wait in the
 * outbox for the next invocation (a Lambda retry of this one, or the next scheduled run).
 */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
  readonly code = 'ALERT_DELIVERY_FAILED';
  /** Whether trying again later can help (SNS down, throttled, timed out) rather than repeat a refusal. */
  readonly retriable: boolean;

  constructor(
    message: string,
    /** Alerts still waiting. */
    readonly pending: number,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.retriable = isRetriableAwsError(options.cause);
  }
}

/** The outbox messages of one run alert: the JSON body for the topic, and Chatbot's format when it is configured. */
export function outboxMessagesFor(message: RunMessage, destinations: AlertDestinations): OutboxMessage[] {
  const attributes = message.attributes as unknown as OutboxMessage['attributes'];
  const messages: OutboxMessage[] = [{ lane: 'topic', subject: message.subject, body: message.body, attributes }];
  if (destinations.chatbot !== undefined) {
    const body = buildChatbotMessage(message.subject, JSON.parse(message.body) as RunMessageBody);
    messages.push({ lane: 'chatbot', subject: message.subject, body, attributes });
  }
  return messages;
}

/**
 * Publishes every committed alert waiting in the outbox, lane by lane, oldest run first, acknowledging
 * each once SNS has accepted it. A lane stops at its first failure so it never delivers out of order;
 * the failure is reported, not thrown, so the caller can finish its run first. Delivery is at least
 * once: a crash between a publish and its acknowledgement sends that message again next time, and
 * subscribers tell repeats apart by the run id and the transitions' finding id, kind and time.
 */
export async function deliverPendingAlerts(outbox: AlertOutbox, sns: SNSClient, destinations: AlertDestinations): Promise<DeliveryReport> {
  let delivered = 0;
  let pending = 0;
  const deliveredRuns: string[] = [];
  let error: AlertDeliveryError | undefined;
  const lanes: [AlertLane, string | undefined][] = [
    ['topic', destinations.topic],
    ['chatbot', destinations.chatbot],
  ];
  for (const [lane, topicArn] of lanes) {
    if (topicArn === undefined) continue;
    const alerts = await outbox.pendingAlerts(lane);
    for (const [index, alert] of alerts.entries()) {
      try {
        await publishRunMessage(sns, topicArn, asRunMessage(alert));
      } catch (cause) {
        pending += alerts.length - index;
        error ??= new AlertDeliveryError(
          `cannot deliver the alert of run ${alert.runId} to ${topicArn}: ${describeAwsError(cause)}; the run is recorded and ${alerts.length - index} alert(s) stay in the ${lane} outbox for the next invocation`,
          alerts.length - index,
          { cause },
        );
        break;
      }
      delivered += 1;
      if (lane === 'topic') deliveredRuns.push(alert.runId);
      try {
        await outbox.acknowledgeAlert(alert);
      } catch (cause) {
        // Published but still listed: the next pass sends it again (at least once), then acknowledges it.
        pending += alerts.length - index;
        error ??= new AlertDeliveryError(
          `delivered the alert of run ${alert.runId} to ${topicArn} but cannot remove it from the ${lane} outbox: ${describeAwsError(cause)}`,
          alerts.length - index,
          { cause },
        );
        break;
      }
    }
  }
  return { delivered, deliveredRuns, pending, ...(error === undefined ? {} : { error }) };
}

function asRunMessage(alert: PendingAlert): RunMessage {
  return {
    subject: alert.subject,
    body: alert.body,
    attributes: alert.attributes as unknown as RunMessageAttributes,
    truncated: false,
  };
}
