import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runHistoryCommand } from '../../../../lambdas/sinks/history/history-cli.js';
import { HistoryTableNotFoundError } from '../../../../lambdas/sinks/history/history-errors.js';
import { HistoryStore } from '../../../../lambdas/sinks/history/history-store.js';
import { startDynaliteTable, type DynaliteTable } from '../../../support/dynalite.js';
import { SEEDED, SEEDED_FINDINGS as F, seedHistory } from './history-harness.js';

describe('Function: runHistoryCommand', () => {
  let table: DynaliteTable;
  const cloudFormation = mockClient(CloudFormationClient);
  const now = new Date(SEEDED.now);

  beforeAll(async () => {
    table = await startDynaliteTable('DriftAuditStack-HistoryTable-1A2B3C');
    await seedHistory(new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName }));
  });

  afterAll(async () => {
    await table.stop();
  });

  beforeEach(() => {
    cloudFormation.reset();
    cloudFormation.on(DescribeStacksCommand, { StackName: 'DriftAuditStack' }).resolves({
      Stacks: [
        {
          StackName: 'DriftAuditStack',
          CreationTime: new Date('2026-10-01T00:00:00Z'),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'ReportBucketName', OutputValue: 'drift-audit-reports' },
            { OutputKey: 'HistoryTableName', OutputValue: table.tableName },
          ],
        },
      ],
    });
  });

  const deps = () => ({ documentClient: table.documentClient, cloudFormationClient: new CloudFormationClient({ region: 'eu-west-1' }), now });

  it('prints the per-region timeline from the table named by the deployed stack', async () => {
    // Act
    const text = await runHistoryCommand({ region: 'eu-west-1', since: '60d', color: false }, deps());

    // Assess
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(text).toBe(
      [
        `Open now in eu-west-1, worst first, whatever their age (table ${table.tableName})`,
        '',
        `CRITICAL  ${F.euSensitive.id}`,
        '  production-eu · LOG_INCLUDE_SENSITIVE · expected false → actual true',
        `  opened ${SEEDED.run1}; last seen ${SEEDED.run3}`,
        `HIGH      ${F.euTimeout.id}`,
        '  production-eu · DB_TIMEOUT · expected 30 → actual 120',
        `  opened ${SEEDED.run3}; last seen ${SEEDED.run3}`,
        '',
        '2 open',
        '',
        `Transitions of eu-west-1 from 2026-09-24T12:00:00.000Z to 2026-11-23T12:00:00.000Z`,
        '',
        `HIGH      ${F.euTimeout.id}  open`,
        '  production-eu · DB_TIMEOUT · expected 30 → actual 120',
        `  opened ${SEEDED.run3}`,
        `    ${SEEDED.october}  opened     high      expected 30 → actual 120`,
        `    ${SEEDED.run1}  changed    high      expected 30 → actual 90`,
        `    ${SEEDED.run2}  resolved   high      expected 30 → actual 90`,
        `    ${SEEDED.run3}  opened     high      expected 30 → actual 120`,
        '',
        `CRITICAL  ${F.euSensitive.id}  open`,
        '  production-eu · LOG_INCLUDE_SENSITIVE · expected false → actual true',
        `  opened ${SEEDED.run1}`,
        `    ${SEEDED.run1}  opened     critical  expected false → actual true`,
        '',
        '2 drifts moved in this window: 2 still open, 0 resolved',
        '',
      ].join('\n'),
    );
  });

  it('shows what is open whatever its age, even when nothing moved in the window', async () => {
    // Act: nothing was recorded in the last week, while a critical has been open since 1 November.
    const text = await runHistoryCommand({ region: 'eu-west-1', since: '7d', color: false }, deps());

    // Assess
    expect(text).toMatch(new RegExp(`^Open now in eu-west-1[^\\n]*\\n\\nCRITICAL  ${F.euSensitive.id}`));
    expect(text).toContain('No drift opened, changed or resolved in eu-west-1 in this window (--since widens it).');
    expect(text).not.toMatch(/no open drift/i);
  });

  it('reads a key in every region without --region, through the key index', async () => {
    // Act
    const text = await runHistoryCommand({ key: 'DB_TIMEOUT', since: '60d', color: false }, deps());
    const json = JSON.parse(await runHistoryCommand({ key: 'DB_TIMEOUT', since: '60d', json: true, color: false }, deps())) as {
      key: string;
      open: { id: string }[];
      findings: { findingId: string }[];
    };

    // Assess: the eu and us timeouts, nothing of the other keys.
    expect(text).toContain('Open now in DB_TIMEOUT in every region');
    expect(text).toContain(F.euTimeout.id);
    expect(text).toContain(F.usTimeout.id);
    expect(text).not.toContain(F.euSensitive.id);
    expect(text).not.toContain(F.usPool.id);
    expect(json.key).toBe('DB_TIMEOUT');
    expect(json.open.map((state) => state.id).sort()).toEqual([F.euTimeout.id, F.usTimeout.id].sort());
    expect(json.findings.map((entry) => entry.findingId).sort()).toEqual([F.euTimeout.id, F.usTimeout.id].sort());
  });

  it('narrows a key to an environment or a region, and reads an environment without a region', async () => {
    // Act
    const inUs = await runHistoryCommand({ key: 'DB_TIMEOUT', region: 'us-east-1', since: '60d', json: true, color: false }, deps());
    const inEu = await runHistoryCommand({ key: 'DB_TIMEOUT', environment: 'production-eu', since: '60d', json: true, color: false }, deps());
    const usEnvironment = await runHistoryCommand({ environment: 'production-us', since: '60d', json: true, color: false }, deps());

    // Assess
    const ids = (text: string) => (JSON.parse(text) as { findings: { findingId: string }[] }).findings.map((entry) => entry.findingId).sort();
    expect(ids(inUs)).toEqual([F.usTimeout.id]);
    expect(ids(inEu)).toEqual([F.euTimeout.id]);
    expect(ids(usEnvironment)).toEqual([F.usPool.id, F.usTimeout.id].sort());
  });

  it('refuses a timeline with no region, environment or key, naming the flags that choose one', async () => {
    await expect(runHistoryCommand({ since: '30d', color: false }, deps())).rejects.toThrow(/--region REGION, --env ENV or --key KEY/);
  });

  it('narrows the timeline to the window, an environment and a key', async () => {
    const text = await runHistoryCommand({ region: 'us-east-1', since: '2026-11-01', environment: 'production-us', key: 'DB_TIMEOUT', color: false }, deps());

    expect(text).toContain(F.usTimeout.id);
    expect(text).not.toContain(F.usPool.id);
    expect(text).toContain('1 drift moved in this window: 1 still open, 0 resolved');
  });

  it('says so when nothing was recorded in the window', async () => {
    const text = await runHistoryCommand({ region: 'ap-southeast-2', since: '30d', color: false }, deps());

    expect(text).toContain('No open drift recorded in ap-southeast-2.');
    expect(text).toContain('No drift opened, changed or resolved in ap-southeast-2 in this window (--since widens it).');
  });

  it('prints JSON with a schema version when asked', async () => {
    const text = await runHistoryCommand({ region: 'eu-west-1', since: '2026-11-01T10:30:00Z', json: true, color: false }, deps());

    const document = JSON.parse(text) as { schema: string; open: { id: string }[]; findings: { findingId: string; status: string; resolvedAt?: string }[] };
    expect(document.schema).toBe('drift-audit.history/1');
    expect(document.open.map((state) => state.id)).toEqual([F.euSensitive.id, F.euTimeout.id]);
    expect(document.findings.map((f) => [f.findingId, f.status])).toEqual([[F.euTimeout.id, 'open']]);
  });

  it('lists open drift worst first with --open', async () => {
    const text = await runHistoryCommand({ region: 'eu-west-1', open: true, color: false }, deps());

    const sensitive = text.indexOf(F.euSensitive.id);
    const timeout = text.indexOf(F.euTimeout.id);
    expect(sensitive).toBeGreaterThan(0);
    expect(timeout).toBeGreaterThan(sensitive);
    expect(text).not.toContain(F.usTimeout.id);
    expect(text).toContain(`opened ${SEEDED.run3}; last seen ${SEEDED.run3}`);
    expect(text).toContain('2 open');
  });

  it('colours severities and moves only when colour is on', async () => {
    const plain = await runHistoryCommand({ region: 'eu-west-1', since: '60d', color: false }, deps());
    const coloured = await runHistoryCommand({ region: 'eu-west-1', since: '60d', color: true }, deps());

    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('uses --table without asking CloudFormation', async () => {
    const text = await runHistoryCommand({ region: 'eu-west-1', table: table.tableName, color: false }, { documentClient: table.documentClient, now });

    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(text).toContain(F.euSensitive.id);
  });

  it('finds the output when CDK suffixed its key with a hash, in a named stack', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Audit-Prod' }).resolves({
      Stacks: [
        {
          StackName: 'Audit-Prod',
          CreationTime: now,
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'AuditorHistoryTableName5F3A2B1C', OutputValue: table.tableName }],
        },
      ],
    });

    const text = await runHistoryCommand({ region: 'eu-west-1', stackName: 'Audit-Prod', color: false }, deps());

    expect(text).toContain(F.euSensitive.id);
  });

  it('explains a missing stack or output and how to get past it', async () => {
    cloudFormation
      .on(DescribeStacksCommand, { StackName: 'Missing' })
      .rejects(Object.assign(new Error('Stack with id Missing does not exist'), { name: 'ValidationError' }));
    cloudFormation.on(DescribeStacksCommand, { StackName: 'Bare' }).resolves({
      Stacks: [{ StackName: 'Bare', CreationTime: now, StackStatus: 'CREATE_COMPLETE', Outputs: [] }],
    });

    const missing = runHistoryCommand({ region: 'eu-west-1', stackName: 'Missing', color: false }, deps());
    const bare = runHistoryCommand({ region: 'eu-west-1', stackName: 'Bare', color: false }, deps());

    await expect(missing).rejects.toThrow(
      /cannot describe stack Missing: Stack with id Missing does not exist.*or pass --stack NAME \(the stack's name\) or --table NAME/,
    );
    await expect(bare).rejects.toBeInstanceOf(HistoryTableNotFoundError);
    await expect(bare).rejects.toThrow('stack Bare has no HistoryTableName output; pass --table');
  });
});
