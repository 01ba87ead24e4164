import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_CANARY } from '../../lambdas/sources/eks/kube-fixtures.js';
import { LIVE_BASELINE_YAML, SSM_CANARY, startLiveEstate, type LiveEstate } from '../../support/live-estate.js';
import type { SsmServer } from '../../support/ssm-server.js';
import { type CliRun, runCli } from '../../support/run-cli.js';

/**
 * The live path end to end: the CLI's real SDK clients find the loopback SSM and EKS stand-ins through
 * the standard AWS_ENDPOINT_URL_* variables, exactly as a user points them at LocalStack.
 */
describe('CLI: drift-audit scan --live and snapshot', () => {
  let estate: LiveEstate;
  let ssm: SsmServer;
  let workDir: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    estate = await startLiveEstate();
    ssm = estate.ssm;
    workDir = mkdtempSync(path.join(tmpdir(), 'drift-audit-live-'));
    writeFileSync(path.join(workDir, 'baseline.yaml'), LIVE_BASELINE_YAML);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDLIVETEST',
      AWS_SECRET_ACCESS_KEY: 'live-test-secret',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SSM: estate.ssm.url,
      AWS_ENDPOINT_URL_EKS: estate.eks.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await estate.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function ids(args: string[]): Promise<{ ids: string[]; stdout: string; stderr: string; code: number }> {
    const run = await runCli(args, { cwd: workDir });
    const report = JSON.parse(run.stdout) as { findings: { id: string }[] };
    return { ids: report.findings.map((finding) => finding.id).sort(), stdout: run.stdout, stderr: run.stderr, code: run.code };
  }

  it('audits SSM and EKS live across regions, counting the API calls it made', async () => {
    // Act
    const live = await ids(['scan', '.', '--live', '--json']);

    // Assess
    expect(live.ids).toEqual([
      'changed:production-eu:api:DB_TIMEOUT',
      'changed:production-eu:api:PAYMENT_TIMEOUT',
      'missing:production-eu:api:INVENTORY_SERVICE_URL',
      // The ConfigMap says 30s, Parameter Store 60: the explain-worthy sprawl of seed 000.
      'shadowed:production-eu:api:PAYMENT_TIMEOUT',
    ]);
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(/live read: 3\/3 sources read, \d+ API calls \(0 throttled\)/);
    expect(live.stdout).toContain('kubectl-set');
    expect(live.stdout).not.toContain(SSM_CANARY);
    expect(live.stdout).not.toContain(SECRET_CANARY);
  });

  it('writes a snapshot that audits offline exactly as the live estate did', async () => {
    // Act
    const snapshot = await runCli(['snapshot', '--out', 'snap', '.'], { cwd: workDir });
    const offline = await ids(['scan', '.', '--snapshots', 'snap', '--json']);
    const live = await ids(['scan', '.', '--live', '--json']);

    // Assess
    expect(snapshot.code).toBe(0);
    expect(snapshot.stdout).toContain('snap/production-eu: ssm.json, ssm-describe.json, kubernetes.json, snapshot.json');
    expect(offline.ids).toEqual(live.ids);
    const written = ['ssm.json', 'ssm-describe.json', 'kubernetes.json']
      .map((file) => readFileSync(path.join(workDir, 'snap', 'production-eu', file), 'utf8'))
      .join('\n');
    expect(written).toContain('oncall-alice');
    expect(written).not.toContain(SSM_CANARY);
    expect(written).not.toContain(SECRET_CANARY);
  });

  it('exits 3, not 0, when no credentials can be found, whatever --fail-on says', async () => {
    // Prepare: nothing in the standard chain: no keys, no profile files, no instance metadata.
    const saved = { ...process.env };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE'])
      delete process.env[name];
    process.env.AWS_CONFIG_FILE = path.join(workDir, 'no-such-config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(workDir, 'no-such-credentials');

    // Act
    let run: CliRun;
    try {
      run = await runCli(['scan', '.', '--live', '--fail-on', 'critical'], { cwd: workDir });
    } finally {
      process.env = saved;
    }

    // Assess
    expect(run.stderr).toMatch(/live read: 0\/3 sources read/);
    expect(run.stdout).toContain('CredentialsProviderError: Could not load credentials from any providers');
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('incomplete audit, exit 3: 3 of 3 sources could not be read');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toMatch(/^Incomplete audit: /);
  });

  it('turns AccessDenied into a partial run: a source-error, never a missing finding', async () => {
    // Prepare
    ssm.denyPath('/production-eu/api/', 'eu-west-1');

    // Act
    const partial = await ids(['scan', '.', '--live', '--json']);
    const _snapshot = await runCli(['snapshot', '--out', 'snap-partial', '.'], { cwd: workDir });
    const offline = await ids(['scan', '.', '--snapshots', 'snap-partial', '--json']);
    const allowed = await ids(['scan', '.', '--live', '--json', '--allow-partial']);

    // Assess
    // DB_TIMEOUT comes from an env var, but Parameter Store ranks above env vars: with the SSM tree
    // unread, its effective value is unknown, so it is not judged either way.
    expect(partial.ids).toEqual(['source-error:production-eu:ssm:eu-west-1:/production-eu/api/']);
    expect((JSON.parse(partial.stdout) as { status: string }).status).toBe('partial');
    expect(partial.code).toBe(3);
    expect(offline.ids).toEqual(partial.ids);
    expect(offline.code).toBe(3);
    // Allowed, the audit is judged on what was read: the source-error is not drift.
    expect(allowed.ids).toEqual(partial.ids);
    expect(allowed.code).toBe(0);
  });

  it('writes what a partial snapshot read, names the failed source on stderr and exits 3 unless allowed', async () => {
    // Prepare: the production-eu SSM tree is still denied.
    ssm.denyPath('/production-eu/api/', 'eu-west-1');

    // Act
    const snapshot = await runCli(['snapshot', '--out', 'snap-failed', '.'], { cwd: workDir });
    const allowed = await runCli(['snapshot', '--out', 'snap-failed-allowed', '.', '--allow-partial'], { cwd: workDir });

    // Assess
    expect(snapshot.code).toBe(3);
    expect(snapshot.stderr).toContain('not read: ssm:eu-west-1:/production-eu/api/');
    expect(snapshot.stderr).toContain('incomplete snapshot, exit 3: 1 of 3 sources could not be read');
    expect(snapshot.stdout).toContain('snap-failed/production-eu: ');
    expect(snapshot.stdout).toContain('snap-failed/staging-us: ');
    const kubernetes = readFileSync(path.join(workDir, 'snap-failed', 'production-eu', 'kubernetes.json'), 'utf8');
    expect(kubernetes).toContain('kubectl-set');
    const manifest = JSON.parse(readFileSync(path.join(workDir, 'snap-failed', 'production-eu', 'snapshot.json'), 'utf8')) as {
      sources: { id: string; status: string }[];
    };
    expect(manifest.sources).toContainEqual(expect.objectContaining({ id: 'ssm:eu-west-1:/production-eu/api/', status: 'error' }));
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toContain('partial snapshot allowed (--allow-partial)');
  });
});
