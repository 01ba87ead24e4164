import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TableWriter } from '../../../lambdas/sinks/history/table-writer.js';
import { ReminderLog } from '../../../lambdas/sinks/history/reminder-log.js';
import { startCliHistoryTable, type CliHistoryTable } from '../../support/cli-history-table.js';
import type { DynaliteTable } from '../../support/dynalite.js';
import { SEEDED, SEEDED_FINDINGS as F } from '../../lambdas/sinks/history/history-harness.js';
import { runCli } from '../../support/run-cli.js';

/** `drift-audit history` through the CLI's own SDK clients, found through AWS_ENDPOINT_URL_DYNAMODB. */
describe('CLI: drift-audit history', () => {
  let history: CliHistoryTable;
  let table: DynaliteTable;

  beforeAll(async () => {
    history = await startCliHistoryTable('drift-audit-history-cli');
    table = history.table;
  });

  afterAll(async () => {
    await history.stop();
  });

  it('prints the per-region timeline of the table it is given', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['history', '--region', 'eu-west-1', '--table', table.tableName, '--since', '60d'], { now: SEEDED.now });

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(F.euTimeout.id);
    expect(stdout).not.toContain(F.usTimeout.id);
  });

  it('lists the reminders sent with --reminders, by day, within --since', async () => {
    // Prepare: a digest sent on 20 November, and one long before the window.
    const log = new ReminderLog(new TableWriter(table.documentClient, table.tableName), 400);
    await log.record({ day: '2026-11-20', runId: 'run-20', sentAt: '2026-11-20T10:00:02.000Z', digest: true, findings: [F.euTimeout.id], exceptions: [] });
    await log.record({ day: '2026-09-01', runId: 'run-old', sentAt: '2026-09-01T10:00:02.000Z', digest: true, findings: [F.usTimeout.id], exceptions: [] });

    // Act
    const { code, stdout, stderr } = await runCli(['history', '--region', 'eu-west-1', '--table', table.tableName, '--since', '14d', '--reminders'], {
      now: SEEDED.now,
    });

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('2026-11-20  digest of 1 long-open drift');
    expect(stdout).toContain(`drift      ${F.euTimeout.id}`);
    expect(stdout).not.toContain('run-old');
  });

  it('asks for the region, since history is kept and queried per region', async () => {
    // Act
    const { code, stderr } = await runCli(['history', '--table', table.tableName]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('history needs --region REGION');
  });
});

describe('CLI: typed failures are messages, not stack traces', () => {
  it('explains a bad --since without a stack trace', async () => {
    // Act
    const { code, stderr } = await runCli(['history', '--region', 'eu-west-1', '--table', 'any-table', '--since', '3x'], {
      env: {},
    });

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/^drift-audit: .*3x/);
    expect(stderr).not.toContain('unexpected error');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
