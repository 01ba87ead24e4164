import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LIVE_STATE_SCHEMA } from '../../../lambdas/collect/live-state.js';
import { LIVE_BASELINE_YAML, startLiveEstate, type LiveEstate } from '../../support/live-estate.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `--state FILE`: the CLI's live reads become incremental the way the scheduled Lambda's are, with the
 * same state. A state only ever saves reads: the findings are those of a full read of the same estate.
 */
describe('CLI: drift-audit scan --live --state FILE', () => {
  let estate: LiveEstate;
  let workDir: string;
  const savedEnv = { ...process.env };

  beforeAll(() => {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDLIVETEST',
      AWS_SECRET_ACCESS_KEY: 'live-test-secret',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;
  });

  beforeEach(async () => {
    estate = await startLiveEstate();
    process.env.AWS_ENDPOINT_URL_SSM = estate.ssm.url;
    process.env.AWS_ENDPOINT_URL_EKS = estate.eks.url;
    workDir = mkdtempSync(path.join(tmpdir(), 'drift-audit-state-'));
    writeFileSync(path.join(workDir, 'baseline.yaml'), LIVE_BASELINE_YAML);
  });

  afterEach(async () => {
    await estate.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  afterAll(() => {
    process.env = savedEnv;
  });

  async function findings(args: string[]): Promise<{ findings: unknown[]; code: number; stderr: string }> {
    const run = await runCli(['scan', '.', '--live', '--json', ...args], { cwd: workDir });
    const report = JSON.parse(run.stdout) as { findings: unknown[] };
    return { findings: report.findings, code: run.code, stderr: run.stderr };
  }

  const ids = (list: unknown[]): string[] => list.map((finding) => (finding as { id: string }).id).sort();

  it('reads in full when the file does not exist yet, and writes the state there', async () => {
    // Act
    const first = await findings(['--state', 'state.json']);

    // Assess
    expect(first.stderr).toContain('no state in state.json yet: full read');
    expect(estate.ssm.count('GetParametersByPath')).toBeGreaterThan(0);
    const stored = JSON.parse(readFileSync(path.join(workDir, 'state.json'), 'utf8')) as { schema: string; ssm: Record<string, unknown[]> };
    expect(stored.schema).toBe(LIVE_STATE_SCHEMA);
    expect(Object.keys(stored.ssm).sort()).toEqual(['ssm:eu-west-1:/production-eu/api/', 'ssm:us-east-1:/staging-us/api/']);
    // Owner-only, written through a temporary file that is gone once renamed.
    expect(statSync(path.join(workDir, 'state.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(workDir).sort()).toEqual(['baseline.yaml', 'state.json']);
  });

  it('then reads incrementally, and finds after a change exactly what a scan without state finds', async () => {
    // Prepare: a first run writes the state; then production's timeout is set back to the baseline's
    // 30 and its gateway URL is deleted and created again (version 1 again, a new value).
    const before = await findings(['--state', 'state.json']);
    estate.ssm.put('eu-west-1', { name: '/production-eu/api/payment/timeout', value: '30' });
    estate.ssm.delete('eu-west-1', '/production-eu/api/payment/gateway_url');
    estate.ssm.put('eu-west-1', {
      name: '/production-eu/api/payment/gateway_url',
      value: 'https://evil.example.com',
      lastModifiedDate: new Date('2026-11-30T08:00:00Z'),
    });
    estate.ssm.clearRequests();

    // Act
    const incremental = await findings(['--state', 'state.json']);
    const incrementalCalls = estate.ssm.requests.map((request) => request.operation);
    const full = await findings([]);

    // Assess: no path listing, only the two moved values fetched by name; same findings as a full read
    expect(incrementalCalls).not.toContain('GetParametersByPath');
    expect(incrementalCalls.filter((operation) => operation === 'GetParameters')).toHaveLength(1);
    expect(incremental.findings).toEqual(full.findings);
    expect(incremental.code).toBe(full.code);
    expect(ids(before.findings)).toContain('changed:production-eu:api:PAYMENT_TIMEOUT');
    expect(ids(incremental.findings)).not.toContain('changed:production-eu:api:PAYMENT_TIMEOUT');
    expect(JSON.stringify(incremental.findings)).toContain('https://evil.example.com');
  });

  it('keeps the state for snapshot too, which always reads live', async () => {
    // Act
    const first = await runCli(['snapshot', '--out', 'snap', '.', '--state', 'state.json'], { cwd: workDir });
    estate.ssm.clearRequests();
    const second = await runCli(['snapshot', '--out', 'snap2', '.', '--state', 'state.json'], { cwd: workDir });

    // Assess: the second snapshot lists metadata only, and writes the same files
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(estate.ssm.requests.map((request) => request.operation)).not.toContain('GetParametersByPath');
    for (const file of ['ssm.json', 'ssm-describe.json']) {
      expect(readFileSync(path.join(workDir, 'snap2', 'production-eu', file), 'utf8')).toBe(
        readFileSync(path.join(workDir, 'snap', 'production-eu', file), 'utf8'),
      );
    }
  });

  it('refuses a corrupt state file by name before reading anything, instead of a silent full read', async () => {
    // Prepare
    writeFileSync(path.join(workDir, 'state.json'), '{"schema": "drift-audit.live-state/1", "ssm": {"x": [ {"name": 7} ]}}');
    estate.ssm.clearRequests();

    // Act
    const run = await runCli(['scan', '.', '--live', '--state', 'state.json'], { cwd: workDir });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the --state file state.json is not a drift-audit live state: ssm["x"][0]: "name" must be a parameter name');
    expect(estate.ssm.requests).toHaveLength(0);
  });

  it('names the line and column of a state file that is not JSON, without quoting it', async () => {
    // Prepare
    writeFileSync(path.join(workDir, 'state.json'), '{\n  "schema": "drift-audit.live-state/1",\n  oops-secret-looking-text\n}');

    // Act
    const run = await runCli(['scan', '.', '--live', '--state', 'state.json'], { cwd: workDir });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/state\.json is not a drift-audit live state: not valid JSON at line 3, column \d+/);
    expect(run.stderr).not.toContain('oops-secret-looking-text');
  });
});

describe('CLI: SSM budget flags', () => {
  it.each([
    [['--ssm-describe-rps', '0'], '--ssm-describe-rps must be a positive number of requests per second, got "0"'],
    [['--ssm-get-rps', 'fast'], '--ssm-get-rps must be a positive number of requests per second, got "fast"'],
    [['--ssm-rps=-1'], '--ssm-rps must be a positive number of requests per second, got "-1"'],
    [['--ssm-rps', '10', '--ssm-get-rps', '40'], '--ssm-rps is another name for --ssm-get-rps: give one of them, not 10 and 40'],
  ])('refuses %j with a message naming the flag', async (flags, message) => {
    // Act
    const run = await runCli(['scan', 'config', '--live', ...flags]);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('refuses --state on an offline scan: there is no live read to make incremental', async () => {
    const run = await runCli(['scan', 'config', '--state', 'state.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--state keeps the state of live reads between runs: use it with --live');
  });

  it('says in the help which flag sets which SSM quota group, with AWS default', async () => {
    // Act
    const run = await runCli(['scan', '--help']);

    // Assess
    expect(run.stdout).toMatch(/--ssm-get-rps <N> +SSM Get\* budget, requests\/s per account and region: GetParameter,/);
    expect(run.stdout).toMatch(/AWS default\s+40\/s \(set 40 to use it all\) \(default: 20, half the quota\)/);
    expect(run.stdout).toMatch(/--ssm-rps <N> +the same as --ssm-get-rps/);
    expect(run.stdout).toMatch(/--ssm-describe-rps <N> +SSM DescribeParameters budget/);
    expect(run.stdout).toMatch(/--state <FILE> +incremental live read/);
  });
});
