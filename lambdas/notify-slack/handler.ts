import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { NOTIFY_SLACK_FUNCTION_ENV } from '../runtime/function-environment.js';
import { RUN_MESSAGE_SCHEMA, type RunMessageBody } from '../sinks/alerts/run-message.js';
import { REMINDER_MESSAGE_SCHEMA, type ReminderMessageBody } from '../sinks/reminders/reminder-message.js';
import { buildReminderSlackMessage } from './reminder-blocks.js';
import { buildSlackMessage } from './slack-blocks.js';
import { postToWebhook, type PostOptions } from './post-to-webhook.js';

/** Environment variable naming the Secrets Manager secret that holds the webhook URL (the construct sets it). */
export const SLACK_WEBHOOK_SECRET_ENV = NOTIFY_SLACK_FUNCTION_ENV.webhookSecretId;

const logger = new Logger({ serviceName: 'drift-audit-notify-slack' });

/** What the notifier needs from the outside world; injected in tests. */
export interface NotifierDeps {
  readonly webhookUrl: () => Promise<string>;
  readonly post?: PostOptions;
}

/**
 * Posts each drift-audit alert and reminder from the SNS topic to Slack as Block Kit. Messages of another schema
 * are skipped with a warning rather than failing (the topic may carry other publishers' messages).
 */
export async function notify(event: SNSEvent, deps: NotifierDeps): Promise<{ posted: number; skipped: number }> {
  let posted = 0;
  let skipped = 0;
  for (const record of event.Records) {
    const reminder = parseReminder(record.Sns.Message);
    if (reminder !== undefined) {
      await postToWebhook(
        await deps.webhookUrl(),
        buildReminderSlackMessage(record.Sns.Subject ?? `drift-audit reminder ${reminder.day}`, reminder),
        deps.post,
      );
      posted += 1;
      continue;
    }
    const body = parseBody(record.Sns.Message);
    if (body === undefined) {
      logger.warn('skipping a message that is not a drift-audit run alert', { messageId: record.Sns.MessageId });
      skipped += 1;
      continue;
    }
    const subject = record.Sns.Subject ?? `drift-audit run ${body.run.runId}`;
    await postToWebhook(await deps.webhookUrl(), buildSlackMessage(subject, body), deps.post);
    posted += 1;
  }
  return { posted, skipped };
}

function parseBody(message: string): RunMessageBody | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<RunMessageBody>;
    return parsed.schema === RUN_MESSAGE_SCHEMA && Array.isArray(parsed.transitions) ? (parsed as RunMessageBody) : undefined;
  } catch {
    return undefined;
  }
}

function parseReminder(message: string): ReminderMessageBody | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<ReminderMessageBody>;
    return parsed.schema === REMINDER_MESSAGE_SCHEMA && Array.isArray(parsed.expiring?.exceptions) ? (parsed as ReminderMessageBody) : undefined;
  } catch {
    return undefined;
  }
}

let cachedWebhookUrl: Promise<string> | undefined;
const secrets = new SecretsManagerClient({});

/** The webhook URL, read once per container. Never logged: whoever has it can post to the channel. */
function webhookUrlFromSecret(): Promise<string> {
  cachedWebhookUrl ??= (async () => {
    const secretId = process.env[SLACK_WEBHOOK_SECRET_ENV];
    if (secretId === undefined || secretId === '') throw new Error(`${SLACK_WEBHOOK_SECRET_ENV} is not set`);
    const response = await secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    const value = response.SecretString?.trim() ?? '';
    // Accept either the bare URL or a JSON secret {"url": "..."} / {"webhookUrl": "..."}.
    const url = value.startsWith('{')
      ? ((JSON.parse(value) as Record<string, string>).url ?? (JSON.parse(value) as Record<string, string>).webhookUrl ?? '')
      : value;
    if (!url.startsWith('https://')) throw new Error(`secret ${secretId} does not hold an https webhook URL`);
    return url;
  })();
  cachedWebhookUrl.catch(() => {
    cachedWebhookUrl = undefined;
  });
  return cachedWebhookUrl;
}

/** Lambda entry point (SNS subscription). */
export async function handler(event: SNSEvent): Promise<void> {
  const result = await notify(event, { webhookUrl: webhookUrlFromSecret });
  logger.info('slack notification done', result);
}
