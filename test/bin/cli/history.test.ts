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

  it('shows what is open now before the window, whatever its age', async () => {
    // Act: nothing moved in the last 7 days, but a critical has been open since 1 November.
    const { code, stdout } = await runCli(['history', '--region', 'eu-west-1', '--table', table.tableName, '--since', '7d'], { now: SEEDED.now });

    // Assess
    expect(code).toBe(0);
    expect(stdout.indexOf(F.euSensitive.id)).toBeGreaterThan(0);
    expect(stdout.indexOf(F.euSensitive.id)).toBeLessThan(stdout.indexOf('Transitions of eu-west-1'));
    expect(stdout).toContain('No drift opened, changed or resolved in eu-west-1 in this window');
  });

  it('takes --key without --region and reads every region', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['history', '--key', 'DB_TIMEOUT', '--table', table.tableName, '--since', '60d', '--json'], {
      now: SEEDED.now,
    });

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as { findings: { findingId: string; region?: string }[] };
    expect(document.findings.map((entry) => entry.findingId).sort()).toEqual([F.euTimeout.id, F.usTimeout.id].sort());
  });

  it('lists everything open, in every region, with --open alone', async () => {
    // Act
    const { code, stdout } = await runCli(['history', '--open', '--table', table.tableName], { now: SEEDED.now });

    // Assess
    expect(code).toBe(0);
    for (const finding of [F.euSensitive, F.euTimeout, F.usTimeout, F.usPool]) expect(stdout).toContain(finding.id);
    expect(stdout.indexOf(F.euSensitive.id)).toBeLessThan(stdout.indexOf(F.usPool.id));
  });

  it('asks for a region, an environment or a key for the timeline, naming the flags', async () => {
    // Act
    const { code, stderr } = await runCli(['history', '--table', table.tableName]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toBe(
      'drift-audit: history needs --region REGION, --env ENV or --key KEY to choose which transitions to read (--open and --reminders need none)\n',
    );
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
