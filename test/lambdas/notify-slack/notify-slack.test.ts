import { afterEach, describe, expect, it } from 'vitest';
import type { KnownBlock } from '@slack/types';
import { notify } from '../../../lambdas/notify-slack/handler.js';
import { buildSlackMessage, SLACK_MAX_BLOCKS, SLACK_MAX_TEXT } from '../../../lambdas/notify-slack/slack-blocks.js';
import { postToWebhook, SlackDeliveryError } from '../../../lambdas/notify-slack/post-to-webhook.js';
import { measureSlackMessage, SLACK_LIMITS, slackLimitViolations } from '../../../lambdas/notify-slack/slack-limits.js';
import { buildRunMessage, type RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import type { FindingState } from '../../../lambdas/engine/lifecycle/finding-state.js';
import { buildReminder, DEFAULT_REMINDER_OPTIONS, reminderSubject } from '../../../lambdas/sinks/reminders/reminder-message.js';
import { opened, sampleFinding, sampleRun } from '../../support/sample-findings.js';
import { startSlackWebhookServer, type SlackWebhookServer } from '../../support/slack-webhook-server.js';
import { snsEventOf } from '../../support/sns-event.js';

function textsOf(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'section' && block.text) return [block.text.text];
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'context') return block.elements.map((element) => ('text' in element ? String(element.text) : ''));
    return [];
  });
}

describe('Function: buildSlackMessage', () => {
  it('groups transitions by environment and region with severity, expected vs actual, who/when and both fixes', () => {
    // Prepare
    const us = sampleFinding();
    const eu = sampleFinding({
      id: 'parity:production-eu:DATABASE_POOL_SIZE',
      type: 'parity',
      environment: 'production-eu',
      region: 'eu-west-1',
      key: 'DATABASE_POOL_SIZE',
      severity: 'critical',
    });
    const message = buildRunMessage(sampleRun(), [opened(us), opened(eu)], { bucket: 'b', key: 'reports/r.html' })!;

    // Act
    const slack = buildSlackMessage(message.subject, JSON.parse(message.body) as RunMessageBody);

    // Assess
    const text = textsOf(slack.blocks).join('\n');
    expect(text).toContain('*production-eu (eu-west-1)*');
    expect(text).toContain('*production-us (us-east-1)*');
    expect(text).toContain(':red_circle: CRITICAL');
    expect(text).toContain('expected `10s` → actual `60s`');
    expect(text).toContain('changed by kubectl-set on 2026-08-14 *outside the pipeline*');
    expect(text).toContain("Revert: `kubectl -n api set env deployment/api-server -c app 'DB_TIMEOUT=10s'`");
    expect(text).toContain('Accept: `drift-audit baseline accept changed:production-us:DB_TIMEOUT`');
    expect(text).toContain('Full report');
    expect(text.indexOf('production-eu')).toBeLessThan(text.indexOf('production-us (us-east-1)'));
  });

  it('stays within 50 blocks and 3,000 characters a text, ending with "and N more (by severity)"', () => {
    // Prepare
    const transitions = Array.from({ length: 120 }, (_, index) =>
      opened(sampleFinding({ id: `changed:production-us:K${index}`, key: `K${index}`, message: 'y'.repeat(5000) })),
    );
    const message = buildRunMessage(sampleRun(), transitions, { bucket: 'b', key: 'reports/r.html' })!;

    // Act
    const slack = buildSlackMessage(message.subject, JSON.parse(message.body) as RunMessageBody);

    // Assess
    expect(slackLimitViolations(measureSlackMessage(slack))).toEqual([]);
    expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
    for (const text of textsOf(slack.blocks)) expect(text.length).toBeLessThanOrEqual(SLACK_MAX_TEXT);
    const body = JSON.parse(message.body) as RunMessageBody;
    const shown = slack.blocks.filter((block) => block.type === 'section' && /`K\d+`/.test(block.text?.text ?? '')).length;
    expect(shown).toBeGreaterThan(0);
    // The body carried only what fits in SNS, but counts every transition by severity: the tail tallies all that is cut.
    expect(body.transitions.length).toBeLessThan(120);
    expect(textsOf(slack.blocks).at(-1)).toBe(`and ${120 - shown} more (by severity): ${120 - shown} high · <${body.report?.consoleUrl}|full report>`);
  });

  it('shows the one critical among 300 transitions first, whatever the environments are called, within every Slack limit', () => {
    // Prepare: 60 medium in production-eu and 239 low in environments that sort before production-us, one critical there.
    const medium = Array.from({ length: 60 }, (_, index) =>
      sampleFinding({ id: `changed:production-eu:M${index}`, key: `M${index}`, environment: 'production-eu', region: 'eu-west-1', severity: 'medium' }),
    );
    const low = Array.from({ length: 239 }, (_, index) =>
      sampleFinding({ id: `unmanaged:dev-${index % 7}:L${index}`, type: 'unmanaged', key: `L${index}`, environment: `dev-${index % 7}`, severity: 'low' }),
    );
    const critical = sampleFinding({ id: 'changed:production-us:DB_PASSWORD_ROTATION', key: 'DB_PASSWORD_ROTATION', severity: 'critical' });
    const transitions = [...medium, ...low, critical].map((finding) => opened(finding));
    const message = buildRunMessage(sampleRun({ environments: ['dev-0', 'production-eu', 'production-us'] }), transitions, {
      bucket: 'b',
      key: 'reports/r.html',
    })!;
    const body = JSON.parse(message.body) as RunMessageBody;

    // Act
    const slack = buildSlackMessage(message.subject, body);

    // Assess: the subject and header lead with the worst severity; the critical comes right after the run's context.
    expect(message.subject).toMatch(/^CRITICAL: 300 new drifts in 9 environments/);
    expect(textsOf(slack.blocks)[0]).toBe(message.subject);
    const criticalAt = slack.blocks.findIndex((block) => block.type === 'section' && (block.text?.text ?? '').includes('DB_PASSWORD_ROTATION'));
    expect(criticalAt).toBe(3);
    const heading = slack.blocks[2];
    expect(heading?.type === 'section' ? heading.text?.text : undefined).toBe('*production-us (us-east-1)* · :red_circle: CRITICAL');
    // Then the mediums, before any low.
    const texts = textsOf(slack.blocks);
    const firstMedium = texts.findIndex((text) => text.includes('`M0`'));
    const firstLow = texts.findIndex((text) => text.includes('`L'));
    expect(firstMedium).toBeGreaterThan(criticalAt);
    if (firstLow !== -1) expect(firstLow).toBeGreaterThan(firstMedium);
    // Measured against Slack's limits.
    const measure = measureSlackMessage(slack);
    expect(slackLimitViolations(measure)).toEqual([]);
    expect(measure.blocks).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(measure.longestSectionText).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(measure.headerText).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(measure.mostContextElements).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    expect(measure.blocksText).toBeLessThanOrEqual(SLACK_LIMITS.blocksText);
    // The tail counts exactly what was cut, by severity, and what the body itself could not carry.
    const shown = slack.blocks.filter((block) => block.type === 'section' && /· (new|changed) ·/.test(block.text?.text ?? '')).length;
    const tail = texts.at(-1) ?? '';
    const cut = body.transitionCount - shown;
    const match = /^and (\d+) more \(by severity\): (.*?) · <https:/.exec(tail);
    expect(match?.[1]).toBe(String(cut));
    const tallied = [...(match?.[2] ?? '').matchAll(/(\d+) (critical|high|medium|low|info)/g)].reduce((sum, part) => sum + Number(part[1]), 0);
    expect(tallied).toBe(cut);
    expect(match?.[2]).not.toContain('critical');
    expect(match?.[2]).toBe(`${60 - (shown - 1)} medium, 239 low`);
  });

  it('names no severity that was cut as shown: a tally of 1 critical, 60 medium and 239 low in the context', () => {
    // Prepare
    const transitions = [
      opened(sampleFinding({ id: 'changed:production-us:A', key: 'A', severity: 'critical' })),
      opened(sampleFinding({ id: 'changed:production-eu:B', key: 'B', environment: 'production-eu', severity: 'medium' })),
    ];
    const message = buildRunMessage(sampleRun(), transitions)!;

    // Act
    const slack = buildSlackMessage(message.subject, JSON.parse(message.body) as RunMessageBody);

    // Assess
    expect(textsOf(slack.blocks)[2]).toBe('2 transitions: 1 critical, 1 medium');
  });

  it('escapes values so a hostile value cannot inject a Slack link or mention', () => {
    // Prepare
    const finding = sampleFinding({ actual: { text: '<!channel> <https://evil|click>', secret: false } });
    const message = buildRunMessage(sampleRun(), [opened(finding)])!;

    // Act
    const slack = buildSlackMessage(message.subject, JSON.parse(message.body) as RunMessageBody);

    // Assess
    const text = textsOf(slack.blocks).join('\n');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
  });
});

describe('Function: postToWebhook', () => {
  let server: SlackWebhookServer | undefined;
  afterEach(async () => server?.close());

  it('retries after a 429, waiting the Retry-After Slack asked for', async () => {
    // Prepare
    server = await startSlackWebhookServer([{ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' }]);
    const waits: number[] = [];

    // Act
    await postToWebhook(server.url, { text: 'hi', blocks: [] }, { sleep: async (ms) => void waits.push(ms) });

    // Assess
    expect(server.received).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });

  it('fails at once on a 4xx other than 429 without putting the webhook URL in the error', async () => {
    // Prepare
    server = await startSlackWebhookServer([{ status: 403, body: 'invalid_token' }]);

    // Act
    const failure = postToWebhook(server.url, { text: 'hi', blocks: [] }, { sleep: async () => undefined });

    // Assess
    await expect(failure).rejects.toBeInstanceOf(SlackDeliveryError);
    await expect(failure).rejects.not.toThrow(/XXXX/);
    expect(server.received).toHaveLength(1);
  });
});

describe('Function: notify', () => {
  let server: SlackWebhookServer | undefined;
  afterEach(async () => server?.close());

  it('posts each drift-audit alert from SNS and skips foreign messages', async () => {
    // Prepare
    server = await startSlackWebhookServer();
    const message = buildRunMessage(sampleRun(), [opened(sampleFinding())])!;
    const url = server.url;

    // Act
    const ours = await notify(snsEventOf(message.subject, message.body), { webhookUrl: async () => url });
    const foreign = await notify(snsEventOf('hello', '{"something":"else"}'), { webhookUrl: async () => url });

    // Assess
    expect(ours).toEqual({ posted: 1, skipped: 0 });
    expect(foreign).toEqual({ posted: 0, skipped: 1 });
    expect(server.received).toHaveLength(1);
    expect((server.received[0] as { text: string }).text).toBe('HIGH: 1 new drift in production-us');
  });

  it('posts a reminder: each long-open drift and each expiring exception on its own line, values escaped', async () => {
    // Prepare: the digest the reminder sink builds, with a value that tries to ping the channel.
    server = await startSlackWebhookServer();
    const drift = sampleFinding({ actual: { text: '<!channel> 120', secret: false } });
    const state = {
      id: drift.id,
      status: 'open',
      finding: drift,
      firstSeen: '2026-11-20T09:00:00.000Z',
      lastSeen: '2026-11-30T09:00:00.000Z',
      fingerprint: 'f',
      severity: drift.severity,
    } as FindingState;
    const body = buildReminder({
      runId: 'run-1',
      now: '2026-11-30T10:00:00.000Z',
      states: [state],
      exceptions: [{ key: 'LOG_LEVEL', environment: 'production-eu', owner: 'alice@example.com', reason: 'INC-4512', expires: '2026-12-05' }],
      options: DEFAULT_REMINDER_OPTIONS,
      announced: { digestDays: new Set(), exceptions: new Set() },
    })!;
    const url = server.url;

    // Act
    const result = await notify(snsEventOf(reminderSubject(body), JSON.stringify(body)), { webhookUrl: async () => url });

    // Assess
    expect(result).toEqual({ posted: 1, skipped: 0 });
    const posted = server.received[0] as { text: string; blocks: KnownBlock[] };
    expect(posted.text).toBe('drift-audit reminder 2026-11-30: 1 drift open 7+ days, 1 exception expiring');
    const texts = textsOf(posted.blocks);
    expect(texts).toContainEqual(
      expect.stringMatching(
        new RegExp(`^• \\*${drift.severity.toUpperCase()}\\* changed \`${drift.key}\` in production-us, open 10 days: .* → \`&lt;!channel&gt; 120\`$`),
      ),
    );
    expect(texts).toContain('• `LOG_LEVEL` in production-eu until 2026-12-05 (5 days left), owner alice@example.com: INC-4512');
  });
});
