/**
 * Alert sizes against the limits of where they go: the Slack payload for 300 transitions with one
 * critical (blocks, text over all blocks, bytes), the demo estate's e-mail text beside its JSON body,
 * the largest per-protocol SNS message, and how many drift metrics an estate of N environments emits.
 * Figures only; the limits themselves are asserted in the tests.
 */
import { performance } from 'node:perf_hooks';
import { buildSlackMessage } from '../lambdas/notify-slack/slack-blocks.js';
import { measureSlackMessage, SLACK_LIMITS } from '../lambdas/notify-slack/slack-limits.js';
import { buildEmailText } from '../lambdas/sinks/alerts/email-text.js';
import { buildRunMessage, SNS_MESSAGE_LIMIT_BYTES, type RunMessageBody } from '../lambdas/sinks/alerts/run-message.js';
import { messageAttributesOf, perProtocolMessage, snsPublishBytes } from '../lambdas/sinks/alerts/sns-publisher.js';
import { driftMetricSets } from '../lambdas/sinks/metrics/drift-metrics.js';
import { demoAlert } from '../test/support/demo-alert.js';
import { opened, openedMany, sampleFinding, sampleRun } from '../test/support/sample-findings.js';

/** The figures {@link runAlertSizeBench} measured. */
export interface AlertSizeFigures {
  readonly slack: ReturnType<typeof measureSlackMessage> & { readonly shown: number; readonly buildMs: number; readonly criticalBlock: number };
  readonly demo: { readonly transitions: number; readonly jsonBytes: number; readonly emailBytes: number };
  readonly largest: { readonly transitions: number; readonly carried: number; readonly publishBytes: number };
  readonly metricsFor10Environments: number;
}

export async function runAlertSizeBench(): Promise<AlertSizeFigures> {
  const medium = openedMany(60, 1, (index) => ({
    id: `changed:production-eu:M${index}`,
    environment: 'production-eu',
    region: 'eu-west-1',
    severity: 'medium',
  }));
  const low = openedMany(239, 7, () => ({ type: 'unmanaged', severity: 'low' }));
  const critical = opened(sampleFinding({ id: 'changed:production-us:DB_PASSWORD_ROTATION', key: 'DB_PASSWORD_ROTATION', severity: 'critical' }));
  const message = buildRunMessage(sampleRun(), [...medium, ...low, critical], { bucket: 'b', key: 'reports/r.html' })!;
  const body = JSON.parse(message.body) as RunMessageBody;
  const started = performance.now();
  const slack = buildSlackMessage(message.subject, body);
  const buildMs = performance.now() - started;
  const shown = slack.blocks.filter((block) => block.type === 'section' && / · (new|changed) · /.test(block.text?.text ?? '')).length;
  const criticalBlock = slack.blocks.findIndex((block) => block.type === 'section' && (block.text?.text ?? '').includes('DB_PASSWORD_ROTATION'));

  const demo = (await demoAlert()).message;
  const demoEmail = buildEmailText(demo.subject, JSON.parse(demo.body) as RunMessageBody);

  const big = 'x'.repeat(2000);
  const largest = buildRunMessage(
    sampleRun(),
    openedMany(2000, 40, () => ({ actual: { text: big, secret: false } })),
    { bucket: 'b', key: 'reports/r.html' },
  )!;
  const largestBody = JSON.parse(largest.body) as RunMessageBody;
  const envelope = perProtocolMessage(largest.body, buildEmailText(largest.subject, largestBody));

  const environments = Array.from({ length: 10 }, (_, index) => ({ name: `env-${index}`, region: 'eu-west-1' }));
  const sets = driftMetricSets({ status: 'ok', open: [], transitions: [], environments, now: new Date() });
  // Detection latency and time to resolve join once a drift opens and resolves in each place.
  const metricsFor10Environments = sets.reduce((sum, set) => sum + set.metrics.length, 0) + 2 * environments.length;

  return {
    slack: { ...measureSlackMessage(slack), shown, buildMs, criticalBlock },
    demo: { transitions: JSON.parse(demo.body).transitionCount, jsonBytes: Buffer.byteLength(demo.body), emailBytes: Buffer.byteLength(demoEmail) },
    largest: { transitions: 2000, carried: largestBody.transitions.length, publishBytes: snsPublishBytes(envelope, messageAttributesOf(largest)) },
    metricsFor10Environments,
  };
}

export function formatAlertSizeBench(figures: AlertSizeFigures): string {
  const { slack, demo, largest } = figures;
  return [
    '== alerts: sizes against their limits ==',
    `slack, 300 transitions   ${slack.blocks}/${SLACK_LIMITS.blocks} blocks, ${slack.blocksText.toLocaleString('en')}/${SLACK_LIMITS.blocksText.toLocaleString('en')} chars of block text, longest section ${slack.longestSectionText}/${SLACK_LIMITS.sectionText}, ${slack.payloadBytes.toLocaleString('en')} bytes; ${slack.shown} shown, the critical at block ${slack.criticalBlock}; built in ${slack.buildMs.toFixed(1)} ms`,
    `demo e-mail              ${demo.emailBytes.toLocaleString('en')} bytes of text for ${demo.transitions} transitions (JSON body ${demo.jsonBytes.toLocaleString('en')} bytes)`,
    `largest SNS publish      ${largest.publishBytes.toLocaleString('en')}/${SNS_MESSAGE_LIMIT_BYTES.toLocaleString('en')} bytes (JSON + e-mail + attributes), ${largest.carried} of ${largest.transitions} transitions carried`,
    `drift metrics            ${figures.metricsFor10Environments} for 10 environments x 1 region`,
  ].join('\n');
}
