import type { SlackMessage } from './slack-blocks.js';

/** Options for {@link postToWebhook}. */
export interface PostOptions {
  /** Attempts in all, the first included. @default 4 */
  readonly maxAttempts?: number;
  /** Longest wait we accept from a Retry-After before giving up (the Lambda has a timeout). @default 30_000 */
  readonly maxWaitMs?: number;
  /** Injected for tests. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Slack refused the message or stayed unavailable. The webhook URL is never part of the message. */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Posts to a Slack incoming webhook. 429 is retried after the Retry-After Slack sends (seconds), 5xx
 * and network errors with exponential backoff; 4xx other than 429 fail at once (a bad payload or a
 * revoked webhook will not get better).
 */
export async function postToWebhook(webhookUrl: string, message: SlackMessage, options: PostOptions = {}): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 4;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let lastError: SlackDeliveryError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    let response: Response;
    try {
      response = await doFetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      lastError = new SlackDeliveryError(`cannot reach the Slack webhook: ${(error as Error).message}`, undefined, { cause: error });
      await sleep(backoff(attempt));
      continue;
    }
    if (response.ok) return;
    const detail = (await response.text().catch(() => '')).slice(0, 200);
    lastError = new SlackDeliveryError(`Slack webhook answered ${response.status}: ${detail}`, response.status);
    if (response.status === 429) {
      const waitMs = retryAfterMs(response.headers.get('retry-after'), attempt);
      if (waitMs > maxWaitMs) throw new SlackDeliveryError(`Slack rate limit asks to wait ${waitMs} ms, longer than ${maxWaitMs} ms`, 429);
      await sleep(waitMs);
      continue;
    }
    if (response.status >= 500) {
      await sleep(backoff(attempt));
      continue;
    }
    throw lastError;
  }
  throw lastError ?? new SlackDeliveryError('Slack webhook failed', undefined);
}

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : backoff(attempt);
}

function backoff(attempt: number): number {
  return Math.min(8000, 250 * 2 ** (attempt - 1));
}
