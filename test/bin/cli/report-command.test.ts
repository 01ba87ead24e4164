import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEEDED, SEEDED_FINDINGS as F } from '../../lambdas/sinks/history/history-harness.js';
import { startCliHistoryTable, type CliHistoryTable } from '../../support/cli-history-table.js';
import type { DynaliteTable } from '../../support/dynalite.js';
import { runCli } from '../../support/run-cli.js';

const HISTORY = ['eu-west-1', 'us-east-1', 'unknown'].flatMap((region) => ['--history', `config/history/${region}.json`]);

describe('CLI: drift-audit report and scan --html FILE', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'report-command-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('report writes the estate report with the matrix and the timeline of the exported history', async () => {
    // Prepare
    const out = join(dir, 'estate.html');

    // Act
    const run = await runCli(['report', 'config', ...HISTORY, '--output', out]);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`report written to ${out}\n`);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<section class="matrix" id="matrix">');
    expect(html).toContain('<section class="timeline" id="timeline"><h2>Timeline <small>21 drifts from 2026-11-09 to 2026-11-23</small></h2>');
    expect([...html.matchAll(/<section class="region" data-region="([^"]+)">/g)].map((m) => m[1])).toEqual(['eu-west-1', 'unknown', 'us-east-1']);
  });

  it('report without --history has the matrix and no timeline', async () => {
    // Act
    const run = await runCli(['report', 'config']);

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<section class="matrix" id="matrix">');
    expect(run.stdout).not.toContain('<section class="timeline"');
  });

  it('scan --html FILE writes the estate report to FILE and keeps the scan exit code', async () => {
    // Prepare
    const out = join(dir, 'scan.html');

    // Act
    const run = await runCli(['scan', 'config', '--snapshots', 'config/snapshots', '--html', out]);
    const inline = await runCli(['scan', 'config', '--snapshots', 'config/snapshots', `--html=${join(dir, 'inline.html')}`]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('<section class="matrix" id="matrix">');
    expect(inline.code).toBe(1);
    expect(readFileSync(join(dir, 'inline.html'), 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('scan --env narrows the matrix to the environments it keeps, with no column shown as unread', async () => {
    // Act
    const run = await runCli(['scan', 'config', '--snapshots', 'config/snapshots', '--env', 'production-eu', '--html']);

    // Assess
    const head = /<table class="matrix"><thead>(.*?)<\/thead>/.exec(run.stdout)?.[1] ?? '';
    expect([...head.matchAll(/data-col="([^"]+)"/g)].map((m) => m[1])).toEqual(['production-eu']);
    expect(run.stdout).not.toContain('class="m-unknown"');
  });

  it('scan --html alone still prints the page, and a word after it that is not an .html file is the baseline directory', async () => {
    // Act
    const run = await runCli(['scan', '--html', 'config', '--snapshots', 'config/snapshots']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^<!doctype html>/);
  });

  it('refuses a history file that is not a timeline export, naming the file, the place and the command that makes one', async () => {
    // Prepare
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ schema: 'drift-audit.history/1', region: 'eu-west-1', since: '2026-11-01T00:00:00Z', until: 'soon', findings: [] }));
    const open = join(dir, 'open.json');
    writeFileSync(open, JSON.stringify({ schema: 'drift-audit.history/1', table: 't', region: 'eu-west-1', open: [] }));

    // Act
    const runs = await Promise.all([broken, open, join(dir, 'absent.json')].map((file) => runCli(['report', 'config', '--history', file])));

    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs[0]?.stderr).toMatch(new RegExp(`${broken} is not a drift-audit history timeline at until: .*drift-audit history --region REGION --json`));
    expect(runs[1]?.stderr).toContain(`${open} is a history export of open drift or reminders`);
    expect(runs[2]?.stderr).toContain('cannot read --history');
    expect(runs.every((r) => r.stdout === '')).toBe(true);
  });
});

/** `report --region`: the timeline from the deployed table, through the CLI's own SDK clients (AWS_ENDPOINT_URL_DYNAMODB). */
describe('CLI: drift-audit report --region, from the history table', () => {
  let history: CliHistoryTable;
  let table: DynaliteTable;

  beforeAll(async () => {
    history = await startCliHistoryTable('drift-audit-report-cli');
    table = history.table;
  });

  afterAll(async () => {
    await history.stop();
  });

  it('draws the regions asked for from the table, over --since', async () => {
    // Act
    const run = await runCli(['report', 'config', '--region', 'eu-west-1', '--table', table.tableName, '--since', '60d'], { now: SEEDED.now });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect([...run.stdout.matchAll(/<section class="region" data-region="([^"]+)">/g)].map((m) => m[1])).toEqual(['eu-west-1']);
    expect(run.stdout).toContain(`title="${F.euTimeout.id}`);
    expect(run.stdout).not.toContain(`title="${F.usTimeout.id}`);
    expect(run.stdout).toContain('from 2026-09-24 to 2026-11-23');
  });

  it('refuses --table without --region, and --region with --history', async () => {
    // Act
    const runs = await Promise.all([
      runCli(['report', 'config', '--table', table.tableName]),
      runCli(['report', 'config', '--region', 'eu-west-1', '--history', 'config/history/eu-west-1.json']),
    ]);

    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2]);
    expect(runs[0]?.stderr).toContain('--table only go with --region REGION');
    expect(runs[1]?.stderr).toContain('choose --history FILE (exports) or --region REGION');
  });
});
