import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxiedRequest } from '../../support/fault-proxy.js';
import { canaryFragments, LIVE_BASELINE_YAML, PLAIN_SSM_CANARY, startLiveEstate, type LiveEstate } from '../../support/live-estate.js';
import { runCli, type CliRun } from '../../support/run-cli.js';

interface ReportFinding {
  readonly id: string;
  readonly type: string;
  readonly environment: string;
  readonly key: string;
}

interface Report {
  readonly status: string;
  readonly findings: readonly ReportFinding[];
  readonly sources: readonly { readonly id: string; readonly status: string; readonly error?: { readonly code: string; readonly message: string } }[];
}

const PRODUCTION_SSM = 'ssm:eu-west-1:/production-eu/api/';
const productionSsm = (request: ProxiedRequest): boolean => request.body.includes('/production-eu/api');

/**
 * `scan --live` and `snapshot` when the network breaks: the CLI's own SDK clients reach the stand-ins
 * through a fault proxy (AWS_ENDPOINT_URL_SSM / _EKS point at it). Whatever breaks, the command ends,
 * reports the unread source as a source error of a partial audit, invents no drift, writes no empty
 * tree, and never shows a byte of a secret, in any format.
 */
describe('CLI: drift-audit scan --live and snapshot through a faulty network', () => {
  let estate: LiveEstate;
  let proxies: NonNullable<LiveEstate['proxies']>;
  let workDir: string;
  let cleanFindings: Set<string>;
  const savedEnv = { ...process.env };

  const about = (finding: ReportFinding): string => `${finding.type}|${finding.environment}|${finding.key}`;

  async function scanJson(extra: string[] = []): Promise<{ run: CliRun; report: Report }> {
    const run = await runCli(['scan', '.', '--live', '--json', ...extra], { cwd: workDir });
    return { run, report: JSON.parse(run.stdout) as Report };
  }

  /** The report is partial, names the production tree as unread with `code`, and has no finding the clean estate lacks. */
  function expectPartialWithoutFalseDrift(report: Report, code: string): void {
    expect(report.status).toBe('partial');
    expect(report.sources.find((source) => source.id === PRODUCTION_SSM)).toMatchObject({ status: 'error', error: { code } });
    expect(report.findings.filter((finding) => finding.type !== 'source-error' && !cleanFindings.has(about(finding)))).toEqual([]);
    expect(report.findings.filter((finding) => finding.type === 'source-error').map((finding) => finding.key)).toEqual([PRODUCTION_SSM]);
  }

  beforeAll(async () => {
    estate = await startLiveEstate({ proxied: true });
    proxies = estate.proxies as NonNullable<LiveEstate['proxies']>;
    workDir = mkdtempSync(path.join(tmpdir(), 'drift-audit-live-faults-'));
    writeFileSync(path.join(workDir, 'baseline.yaml'), LIVE_BASELINE_YAML);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDLIVEFAULTS',
      AWS_SECRET_ACCESS_KEY: 'live-faults-secret',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SSM: estate.endpoints.ssm,
      AWS_ENDPOINT_URL_EKS: estate.endpoints.eks,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;
    const clean = await scanJson();
    expect(clean.report.status).toBe('ok');
    cleanFindings = new Set(clean.report.findings.map(about));
  });

  afterEach(() => {
    for (const proxy of Object.values(proxies)) proxy.clear();
  });

  afterAll(async () => {
    process.env = savedEnv;
    await estate.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('documents --deadline and refuses one without a unit, or longer than a timer can wait', async () => {
    // Act
    const bare = await runCli(['scan', '.', '--live', '--deadline', '90'], { cwd: workDir });
    const huge = await runCli(['scan', '.', '--live', '--deadline', '30d'], { cwd: workDir });
    const help = (await runCli(['scan', '--help'])).stdout;

    // Assess
    expect(help).toMatch(/--deadline <DURATION>\s+stop the live read after this long/);
    expect(help).toMatch(/audit as partial\s+\(default: 5m\)/);
    expect(bare.stderr).toContain('--deadline must be a duration with a unit such as 90s, 5m or 1h30m (at most 24h), got 90');
    expect(huge.stderr).toContain('(at most 24h), got 30d');
  });

  it('ends a read stalled after its headers at the --deadline: a partial audit naming the unread tree', async () => {
    // Prepare: the production tree's values never come; the CLI's own request deadlines are 10 s
    proxies.ssm.inject({ kind: 'stall' }, { match: (request) => request.operation === 'GetParametersByPath' && productionSsm(request) });

    // Act
    const { run, report } = await scanJson(['--deadline', '2s']);

    // Assess
    expectPartialWithoutFalseDrift(report, 'aborted');
    expect(report.sources.find((source) => source.id === PRODUCTION_SSM)?.error?.message).toBe(
      'cannot list SSM parameters under /production-eu/api in eu-west-1: the read did not finish before its deadline and was stopped',
    );
    expect(run.stderr).toContain('live read stopped at its 2s deadline (--deadline)');
    expect(run.stderr).toMatch(/live read: 2\/3 sources read/);
  });

  it('ends a snapshot whose answers drip a byte every 200 ms at the --deadline, recording the tree as not read', async () => {
    // Prepare
    proxies.ssm.inject({ kind: 'drip', intervalMs: 200 }, { match: productionSsm });

    // Act
    const snapshot = await runCli(['snapshot', '--out', 'snap-drip', '.', '--deadline', '2s'], { cwd: workDir });
    const offline = await runCli(['scan', '.', '--snapshots', 'snap-drip', '--json'], { cwd: workDir });

    // Assess
    expect(snapshot.stderr).toContain(`not read: ${PRODUCTION_SSM}: cannot list SSM parameters under /production-eu/api in eu-west-1: the read did not finish`);
    expect(snapshot.code).toBe(3);
    expectPartialWithoutFalseDrift(JSON.parse(offline.stdout) as Report, 'aborted');
  });

  it('reads an empty answer as a failed read, never as an empty tree: no missing finding, no empty snapshot', async () => {
    // Prepare: every SSM call for the production tree answers 200 with no body
    proxies.ssm.inject({ kind: 'empty' }, { match: productionSsm });

    // Act
    const { report } = await scanJson();
    const snapshot = await runCli(['snapshot', '--out', 'snap-empty', '.'], { cwd: workDir });
    const offline = await runCli(['scan', '.', '--snapshots', 'snap-empty', '--json'], { cwd: workDir });

    // Assess
    expectPartialWithoutFalseDrift(report, 'malformed-response');
    expect(report.findings.some((finding) => finding.type === 'missing')).toBe(false);
    expect(snapshot.stderr).toContain(`not read: ${PRODUCTION_SSM}: cannot list SSM parameters under /production-eu/api in eu-west-1: MalformedResponseError:`);
    // An incomplete snapshot is its own exit code: CI never takes it for a clean one.
    expect(snapshot.code).toBe(3);
    expectPartialWithoutFalseDrift(JSON.parse(offline.stdout) as Report, 'malformed-response');
  });

  it('never shows a byte of a secret when the byte before it is corrupted: terminal, JSON, Markdown, HTML and snapshot files', async () => {
    // Prepare: the opening quote of a plain String holding a secret becomes `X`; Node's parse error
    // would quote the next ten bytes
    proxies.ssm.inject(
      { kind: 'corrupt', before: PLAIN_SSM_CANARY },
      { match: (request) => request.operation === 'GetParametersByPath' && productionSsm(request) },
    );

    // Act
    const runs: CliRun[] = [];
    for (const format of [[], ['--json'], ['--markdown'], ['--html'], ['--verbose']])
      runs.push(await runCli(['scan', '.', '--live', ...format], { cwd: workDir }));
    runs.push(await runCli(['snapshot', '--out', 'snap-corrupt', '.'], { cwd: workDir }));

    // Assess
    const json = JSON.parse(runs[1]?.stdout ?? '{}') as Report;
    expectPartialWithoutFalseDrift(json, 'malformed-response');
    expect(json.sources.find((source) => source.id === PRODUCTION_SSM)?.error?.message).toBe(
      'cannot list SSM parameters under /production-eu/api in eu-west-1: MalformedResponseError: GetParametersByPath answered HTTP 200 with a body that is not valid JSON',
    );
    const written = filesUnder(path.join(workDir, 'snap-corrupt')).map((file) => readFileSync(file, 'utf8'));
    const everything = [...runs.flatMap((run) => [run.stdout, run.stderr]), ...written].join('\n');
    for (const fragment of canaryFragments(PLAIN_SSM_CANARY)) expect(everything).not.toContain(fragment);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
