import type { SNSClient } from '@aws-sdk/client-sns';
import type { OutboxMessage, PendingAlert } from '../history/history-items.js';
import { isRetriableAwsError } from '../../sources/aws/retriable-error.js';
import { describeAwsError } from '../../sources/aws/aws-read-error.js';
import type { RunSink } from '../run-sink.js';
import { CHATBOT_LANE, ChatbotSink, chatbotEntry } from './chatbot-sink.js';
import type { RunMessage } from './run-message.js';
import { TOPIC_LANE, TopicSink, topicEntry } from './topic-sink.js';

/** The alert lanes: one per destination topic. */
export type AlertLane = typeof TOPIC_LANE | typeof CHATBOT_LANE;

/** Where each lane delivers to; a lane without a topic (Chatbot not configured) is not delivered. */
export interface AlertDestinations {
  readonly topic: string;
  readonly chatbot?: string;
}

/** What delivery needs from the history store, which keeps the outbox with the runs. */
export interface AlertOutbox {
  pendingAlerts(lane: string): Promise<PendingAlert[]>;
  acknowledgeAlert(alert: Pick<PendingAlert, 'lane' | 'sk' | 'runId'>): Promise<void>;
}

/** What one delivery pass did. */
export interface DeliveryReport {
  /** Messages published (and acknowledged) in this pass, over every lane. */
  readonly delivered: number;
  /** Runs whose alert reached the main topic (the `alerting` sink) in this pass, oldest first. */
  readonly deliveredRuns: readonly string[];
  /** Messages still waiting after it. */
  readonly pending: number;
  /** Set when a publish (or an acknowledgement) failed: the message waits for the next pass. */
  readonly error?: AlertDeliveryError;
  /** Failures of `deferrable` sinks: their entries wait for the next run, and the invocation does not fail. */
  readonly deferred?: readonly AlertDeliveryError[];
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
  const messages: OutboxMessage[] = [{ lane: TOPIC_LANE, ...topicEntry(message) }];
  if (destinations.chatbot !== undefined) messages.push({ lane: CHATBOT_LANE, ...chatbotEntry(message) });
  return messages;
}

/** The alert sinks of `destinations`: the topic, then Chatbot when it is configured. */
export function alertSinks(sns: SNSClient, destinations: AlertDestinations): RunSink[] {
  return [
    new TopicSink({ sns, topicArn: destinations.topic }),
    ...(destinations.chatbot === undefined ? [] : [new ChatbotSink({ sns, topicArn: destinations.chatbot })]),
  ];
}

/** {@link deliverOutbox} for the alert lanes alone (the topic and Chatbot). */
export function deliverPendingAlerts(outbox: AlertOutbox, sns: SNSClient, destinations: AlertDestinations): Promise<DeliveryReport> {
  return deliverOutbox(outbox, alertSinks(sns, destinations));
}

/**
 * Delivers every committed entry waiting in the outbox, sink by sink (each drains its own lane), oldest
 * run first, acknowledging each once the sink's `deliver` has returned. A lane stops at its first
 * failure so it never delivers out of order; the other lanes still go, and the failure is reported,
 * not thrown, so the caller can finish its run first. Delivery is at least once: a crash between a
 * delivery and its acknowledgement delivers that entry again next time, and subscribers tell repeats
 * apart by the run id and the transitions' finding id, kind and time.
 */
export async function deliverOutbox(outbox: AlertOutbox, sinks: readonly RunSink[]): Promise<DeliveryReport> {
  let delivered = 0;
  let pending = 0;
  const deliveredRuns: string[] = [];
  let error: AlertDeliveryError | undefined;
  const deferred: AlertDeliveryError[] = [];
  for (const sink of sinks) {
    if (sink.deliver === undefined) continue;
    const destination = sink.destination ?? sink.name;
    const alerts = await outbox.pendingAlerts(sink.name);
    for (const [index, alert] of alerts.entries()) {
      try {
        await sink.deliver(alert);
      } catch (cause) {
        pending += alerts.length - index;
        const failure = new AlertDeliveryError(
          `cannot deliver the alert of run ${alert.runId} to ${destination}: ${describeAwsError(cause)}; the run is recorded and ${alerts.length - index} alert(s) stay in the ${sink.name} outbox for the next invocation`,
          alerts.length - index,
          { cause },
        );
        if (sink.deferrable === true) deferred.push(failure);
        else error ??= failure;
        break;
      }
      delivered += 1;
      if (sink.alerting === true) deliveredRuns.push(alert.runId);
      try {
        await outbox.acknowledgeAlert(alert);
      } catch (cause) {
        // Delivered but still listed: the next pass sends it again (at least once), then acknowledges it.
        pending += alerts.length - index;
        error ??= new AlertDeliveryError(
          `delivered the alert of run ${alert.runId} to ${destination} but cannot remove it from the ${sink.name} outbox: ${describeAwsError(cause)}`,
          alerts.length - index,
          { cause },
        );
        break;
      }
    }
  }
  return { delivered, deliveredRuns, pending, ...(error === undefined ? {} : { error }), ...(deferred.length === 0 ? {} : { deferred }) };
}
