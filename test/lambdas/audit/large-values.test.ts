import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { buildChatbotMessage } from '../../../lambdas/sinks/alerts/chatbot-message.js';
import { SNS_BODY_LIMIT_BYTES, type RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import { buildSlackMessage } from '../../../lambdas/notify-slack/slack-blocks.js';
import { HistoryQueries } from '../../../lambdas/sinks/history/history-queries.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects } from '../sources/eks/kube-fixtures.js';
import { startKubeServer, TEST_CA_PEM, type KubeServer } from '../../support/kube-server.js';
import { invokeAudit, rigDependencies, startAuditRig, type AuditRig } from './audit-rig.js';

/** DynamoDB's item size limit (400 KB, binary units), which dynalite enforces too. */
const DYNAMODB_ITEM_LIMIT = 400 * 1024;
/** A ConfigMap value at the 1 MiB a ConfigMap may hold: a routing table someone pasted in whole. */
const ROUTES = (() => {
  const lines: string[] = [];
  for (let index = 0; lines.join('\n').length < 1024 * 1024; index += 1)
    lines.push(`route /api/v1/orders/${index} -> orders-svc.payments.svc:8080 timeout=30s retries=2`);
  return lines.join('\n').slice(0, 1024 * 1024);
})();

const BASELINE = `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    sources:
      eks: [{ cluster: prod-eu, namespaces: [payments] }]
settings:
  ROUTING_RULES: { value: "default" }
ignore: ["*"]
defaults:
  unmanaged: ignore
`;

/** The payments namespace of the fixture estate, its ConfigMap carrying ROUTING_RULES, read by envFrom. */
function objectsWithRoutes(routes: string) {
  return fixtureObjects().map((object) =>
    object.kind === 'ConfigMap' && object.metadata.name === 'payments-config'
      ? { ...object, data: { ...(object['data'] as Record<string, string>), ROUTING_RULES: routes } }
      : object,
  );
}

/**
 * A live value of 1 MiB (a ConfigMap at its size limit) goes through the whole scheduled audit:
 * history stores a bounded preview and the value's fingerprint, alerts print a bounded preview, and
 * the S3 report keeps the value in full.
 */
describe('Handler: a 1 MiB live value', () => {
  let rig: AuditRig;
  let kube: KubeServer;
  let eks: EksEndpoint;
  const clock = { now: 0 };
  let first: AuditOutcome;

  beforeAll(async () => {
    kube = await startKubeServer({ objects: objectsWithRoutes(ROUTES), acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    rig = await startAuditRig([], eks.url);
    await rig.uploadBaseline(BASELINE);
  });

  afterAll(async () => {
    await rig.close();
    await Promise.all([kube.close(), eks.close()]);
  });

  const audit = (time: string) => invokeAudit(rigDependencies(rig, { clock }), clock, time);

  it('records the run: history keeps a bounded preview and the fingerprint, within the item limit', async () => {
    // Act
    first = await audit('2026-11-23T10:00:00Z');

    // Assess
    expect(first).toMatchObject({ kind: 'recorded', run: { status: 'ok' } });
    const items = await rig.table.scanAll();
    for (const item of items) expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(DYNAMODB_ITEM_LIMIT / 4);
    const queries = new HistoryQueries({ documentClient: rig.table.documentClient, tableName: rig.table.tableName });
    const [state] = (await queries.openFindings()).filter((open) => open.finding.key === 'ROUTING_RULES');
    const shown = state?.finding.actual?.text ?? '';
    expect(shown.startsWith(ROUTES.slice(0, 200))).toBe(true);
    expect(Buffer.byteLength(shown)).toBeLessThanOrEqual(2048);
    expect(shown).toContain(`${Buffer.byteLength(ROUTES)} bytes`);
    expect(shown).toContain(createHash('sha256').update(ROUTES).digest('hex'));
  });

  it('alerts the drift with a bounded preview of the value, in SNS, Chatbot and Slack', () => {
    // Assess
    const [message] = rig.sns.published;
    expect(message).toBeDefined();
    expect(Buffer.byteLength(message!.message)).toBeLessThan(SNS_BODY_LIMIT_BYTES / 10);
    const body = JSON.parse(message!.message) as RunMessageBody;
    expect(body.truncated).toBe(false);
    const [transition] = body.transitions.filter((t) => t.key === 'ROUTING_RULES');
    expect(transition?.actual?.text.startsWith(ROUTES.slice(0, 200))).toBe(true);
    expect(transition?.actual?.text).toContain(createHash('sha256').update(ROUTES).digest('hex'));
    const chat = JSON.parse(buildChatbotMessage(message!.subject ?? '', body)) as { content: { description: string; nextSteps: string[] } };
    expect(chat.content.description).toContain('ROUTING_RULES');
    for (const step of chat.content.nextSteps) expect(step.length).toBeLessThan(1000);
    const slack = JSON.stringify(buildSlackMessage(message!.subject ?? '', body));
    expect(slack).toContain('ROUTING_RULES');
    expect(slack.length).toBeLessThan(20_000);
  });

  it('keeps the full value in the S3 report', async () => {
    // Prepare
    const body = JSON.parse(rig.sns.published[0]!.message) as RunMessageBody;
    const key = body.report!.s3Uri.replace(`s3://${rig.s3.bucket}/`, '').replace(/\.html$/, '.json');

    // Act
    const object = await rig.s3.client.send(new GetObjectCommand({ Bucket: rig.s3.bucket, Key: key }));
    const report = JSON.parse(await object.Body!.transformToString('utf8')) as { findings: { key: string; actual?: { text: string } }[] };

    // Assess
    expect(report.findings.find((finding) => finding.key === 'ROUTING_RULES')?.actual?.text).toBe(ROUTES);
  });

  it('audits again the next hour without re-alerting the same big value', async () => {
    // Act
    const second = await audit('2026-11-23T11:00:00Z');

    // Assess
    expect(second).toMatchObject({ kind: 'recorded', transitions: [] });
    expect(rig.sns.published).toHaveLength(1);
  });
});
